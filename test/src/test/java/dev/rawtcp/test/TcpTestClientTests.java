package dev.rawtcp.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link TcpTestClient} against real listeners on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpTestClientTests {

	private final LoopbackListeners listeners = new LoopbackListeners();

	@AfterEach
	void close() {
		this.listeners.close();
	}

	@Test
	void shouldSendAndReadLinesAndExactByteCounts() {
		Listener echo = this.listeners.bind("echo", (TcpHandler) (connection, data) -> connection.write(data));
		try (TcpTestClient client = TcpTestClient.connect(echo.port())) {
			client.send("one\r\ntwo\nthree");
			assertThat(client.readLine()).isEqualTo("one");
			assertThat(client.readLine()).isEqualTo("two");
			assertThat(client.readExactly(5)).asString(StandardCharsets.UTF_8).isEqualTo("three");
			assertThat(client.bufferedBytes()).isZero();
			byte[] binary = new byte[100_000];
			for (int i = 0; i < binary.length; i++) {
				binary[i] = (byte) i;
			}
			client.send(binary);
			assertThat(client.readExactly(binary.length)).isEqualTo(binary);
			client.sendLine("é").expect("é\n");
		}
	}

	@Test
	void shouldExpectTheEndOfTheStreamAfterAHalfClose() {
		Listener echo = this.listeners.bind("echo", (TcpHandler) (connection, data) -> connection.write(data));
		try (TcpTestClient client = TcpTestClient.connect("127.0.0.1", echo.port())) {
			client.send("bye").shutdownOutput();
			client.expect("bye");
			client.expectEndOfStream();
		}
	}

	@Test
	void shouldExpectACloseByReset() {
		Listener aborting = this.listeners.bind("abort", (TcpHandler) (connection, data) -> connection.abort());
		try (TcpTestClient client = TcpTestClient.connect(aborting.port())) {
			client.send("x");
			client.expectClose();
		}
		try (TcpTestClient client = TcpTestClient.connect(aborting.port())) {
			client.send("x");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::expectEndOfStream)
				.withMessageStartingWith("Expected the end of the stream from 127.0.0.1:" + aborting.port()
						+ " but the connection was reset");
		}
	}

	@Test
	void shouldFailAReadWithWhatWasReceivedWhenTheServerClosesFirst() {
		Listener partial = this.listeners.bind("partial", (TcpHandler) (connection, data) -> {
			connection.write("no end".getBytes(StandardCharsets.UTF_8));
			connection.close();
		});
		try (TcpTestClient client = TcpTestClient.connect(partial.port())) {
			client.send("x");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::readLine)
				.withMessage("Expected a line from 127.0.0.1:" + partial.port() + " but it closed the connection;"
						+ " received and not read: \"no end\" (6 bytes)");
		}
	}

	@Test
	void shouldFailAReadAfterTheTimeout() {
		Listener silent = this.listeners.bind("silent", (TcpHandler) (connection, data) -> connection.write(data));
		try (TcpTestClient client = TcpTestClient.connect(silent.port()).timeout(Duration.ofMillis(100))) {
			client.send(new byte[] { 'a', 0, '\t' });
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.readExactly(4))
				.withMessage("Expected 4 bytes from 127.0.0.1:" + silent.port()
						+ " within PT0.1S; received and not read: \"a\\x00\\t\" (3 bytes)");
			// what was received is kept for the next read
			assertThat(client.timeout(Duration.ofSeconds(10)).readExactly(3)).containsExactly('a', 0, '\t');
		}
	}

	@Test
	void shouldFailExpectCloseWhenBytesArrive() {
		Listener echo = this.listeners.bind("echo", (TcpHandler) (connection, data) -> connection.write(data));
		try (TcpTestClient client = TcpTestClient.connect(echo.port())) {
			client.send("still here");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(client::expectClose)
				.withMessageStartingWith("Expected the connection to be closed by 127.0.0.1:" + echo.port()
						+ " but received \"still");
		}
	}

	@Test
	void shouldFailExpectWithBothTexts() {
		Listener echo = this.listeners.bind("echo", (TcpHandler) (connection, data) -> connection.write(data));
		try (TcpTestClient client = TcpTestClient.connect(echo.port())) {
			client.send("pong");
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.expect("ping"))
				.withMessage("Expected \"ping\" (4 bytes) from 127.0.0.1:" + echo.port()
						+ " but received \"pong\" (4 bytes)");
		}
	}

	@Test
	void shouldFailToConnectToAPortNobodyListensOn() throws IOException {
		int port;
		try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = closed.getLocalPort();
		}
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> TcpTestClient.connect(port))
			.withMessageStartingWith("Could not connect to 127.0.0.1:" + port + " within PT10S: ");
	}

	@Test
	void shouldResetTheConnectionOnAbort() {
		Listener echo = this.listeners.bind("echo", (TcpHandler) (connection, data) -> connection.write(data));
		TcpTestClient client = TcpTestClient.connect(new InetSocketAddress("127.0.0.1", echo.port()),
				Duration.ofSeconds(5));
		client.send("x").expect("x");
		client.abort();
		assertThat(LoopbackListeners.awaitOnlyCloseReason(echo)).isEqualTo(CloseReason.RESET);
	}

}
