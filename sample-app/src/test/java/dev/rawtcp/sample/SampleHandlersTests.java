package dev.rawtcp.sample;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.codec.FrameTooLongException;
import dev.rawtcp.test.EmbeddedConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's handlers without a socket or a Spring context: unit tests with the in-memory
 * connection of {@code rawtcp-test}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SampleHandlersTests {

	@Test
	void shouldEchoEveryByteAndCloseAfterTheHalfClose() {
		EmbeddedConnection connection = EmbeddedConnection.open(new EchoHandler());
		byte[] binary = new byte[256];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) i;
		}
		connection.writeInbound(binary);
		assertThat(connection.readOutbound()).isEqualTo(binary);
		connection.writeInbound("last").shutdownInput();
		assertThat(connection.readOutbound()).asString().isEqualTo("last");
		assertThat(connection.closeReason()).isEqualTo(CloseReason.NORMAL);
	}

	@Test
	void shouldStopReadingWhileThePeerDoesNotTakeTheEcho() {
		// the application's defaults: high water mark 64 KiB, low 32 KiB
		ListenerConfig config = ListenerConfig.builder("echo").build();
		EmbeddedConnection connection = EmbeddedConnection.builder()
			.config(config)
			.readSize(16 * 1024)
			.open(new EchoHandler())
			.blockOutbound();
		connection.writeInbound(new byte[1024 * 1024]);
		assertThat(connection.isWritable()).isFalse();
		// five reads of 16 KiB went over the high water mark; the rest waits instead of being queued
		assertThat(connection.pendingWriteBytes()).isEqualTo(80 * 1024);
		assertThat(connection.pendingInboundBytes()).isEqualTo(1024 * 1024 - 80 * 1024);
		connection.unblockOutbound();
		assertThat(connection.pendingInboundBytes()).isZero();
		assertThat(connection.readOutbound()).hasSize(1024 * 1024);
		assertThat(connection.isOpen()).isTrue();
	}

	@Test
	void shouldAnswerEachLineInUpperCase() {
		EmbeddedConnection connection = EmbeddedConnection.openStream(new UpperCaseHandler(64));
		connection.writeInbound("hello world\nMixed ");
		assertThat(connection.awaitOutboundLine()).isEqualTo("HELLO WORLD");
		connection.writeInbound("Case\r\naprès ski");
		assertThat(connection.awaitOutboundLine()).isEqualTo("MIXED CASE");
		connection.shutdownInput();
		assertThat(connection.awaitOutboundLine()).isEqualTo("APRÈS SKI");
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.NORMAL);
	}

	@Test
	void shouldCloseWithErrorOnALineOverTheMaximum() {
		EmbeddedConnection connection = EmbeddedConnection.openStream(new UpperCaseHandler(64));
		char[] line = new char[65];
		Arrays.fill(line, 'x');
		connection.writeInbound("ok\n" + new String(line) + "\n");
		assertThat(connection.awaitOutboundLine()).isEqualTo("OK");
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).isInstanceOf(FrameTooLongException.class);
		assertThat(connection.readOutbound()).isEmpty();
	}

}
