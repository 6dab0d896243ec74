package dev.rawtcp.test;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.codec.CorruptFrameException;
import dev.rawtcp.codec.FrameTooLongException;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LengthFieldDecoder;
import dev.rawtcp.codec.LengthFieldEncoder;
import dev.rawtcp.codec.LineDecoder;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link EmbeddedConnection} driving event-loop handlers, the real codecs and stream handlers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddedConnectionTests {

	private static final LineEncoder LINES = new LineEncoder();

	@Test
	void shouldHandInboundBytesToTheHandlerAndCollectWhatItWrites() {
		RecordingHandler handler = new RecordingHandler((connection, data) -> connection.write(data));
		EmbeddedConnection connection = EmbeddedConnection.open(handler);
		assertThat(handler.events).containsExactly("open");
		connection.writeInbound("hello ").writeInbound(new byte[] { 0, (byte) 0xFF });
		assertThat(connection.readOutbound()).isEqualTo("hello \0\u00ff".getBytes(StandardCharsets.ISO_8859_1));
		assertThat(connection.readOutbound()).isEmpty();
		assertThat(connection.bytesReceived()).isEqualTo(8);
		assertThat(connection.bytesSent()).isEqualTo(8);
		assertThat(connection.isOpen()).isTrue();
		assertThat(connection.closeReason()).isNull();
	}

	@Test
	void shouldCallOnInputClosedAfterTheLastByteAndCloseNormallyByDefault() {
		RecordingHandler handler = new RecordingHandler((connection, data) -> connection.write(data));
		EmbeddedConnection connection = EmbeddedConnection.open(handler);
		connection.writeInbound("last").shutdownInput();
		assertThat(handler.events).containsExactly("open", "data:last", "inputClosed", "close:NORMAL");
		assertThat(connection.readOutbound(StandardCharsets.UTF_8)).isEqualTo("last");
		assertThat(connection.closeReason()).isEqualTo(CloseReason.NORMAL);
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.failure()).isNull();
	}

	@Test
	void shouldCloseWithErrorAndKeepTheExceptionWhenTheHandlerThrows() {
		IllegalStateException boom = new IllegalStateException("boom");
		RecordingHandler handler = new RecordingHandler((connection, data) -> {
			connection.write("before".getBytes(StandardCharsets.UTF_8));
			throw boom;
		});
		EmbeddedConnection connection = EmbeddedConnection.open(handler);
		connection.writeInbound("x");
		assertThat(connection.closeReason()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).isSameAs(boom);
		assertThat(handler.events).containsExactly("open", "data:x", "close:ERROR");
		// a graceful close: what was written before is flushed
		assertThat(connection.readOutbound(StandardCharsets.UTF_8)).isEqualTo("before");
		connection.writeInbound("dropped");
		assertThat(handler.events).hasSize(3);
	}

	@Test
	void shouldIgnoreWritesToAClosedConnection() {
		EmbeddedConnection connection = EmbeddedConnection.open((c, data) -> {
		});
		connection.close();
		ByteBuffer data = ByteBuffer.wrap(new byte[] { 1, 2, 3 });
		connection.write(data);
		assertThat(data.hasRemaining()).isFalse();
		assertThat(connection.readOutbound()).isEmpty();
		assertThat(connection.closeReason()).isEqualTo(CloseReason.NORMAL);
	}

	@Test
	void shouldDriveAFramedLineHandlerWithTheRealDecoder() {
		EmbeddedConnection connection = EmbeddedConnection.open(upperCaseLines(16));
		connection.writeInbound("hel").writeInbound("lo\r\nwor").writeInbound("ld\nsplit ");
		assertThat(connection.readOutboundLine()).isEqualTo("HELLO");
		assertThat(connection.readOutboundLine()).isEqualTo("WORLD");
		assertThat(connection.readOutboundLine()).isNull();
		// at the end of input the unterminated last line is delivered, then the connection closes
		connection.writeInbound("line").shutdownInput();
		assertThat(connection.readOutboundLine()).isEqualTo("SPLIT LINE");
		assertThat(connection.closeReason()).isEqualTo(CloseReason.NORMAL);
	}

	@Test
	void shouldCloseWithErrorWhenALineIsTooLong() {
		EmbeddedConnection connection = EmbeddedConnection.open(upperCaseLines(16));
		connection.writeInbound("ok\n" + "x".repeat(17));
		assertThat(connection.readOutboundLine()).isEqualTo("OK");
		assertThat(connection.closeReason()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).isInstanceOf(FrameTooLongException.class)
			.hasMessage("frame of at least 17 bytes exceeds the maximum of 16");
	}

	@Test
	void shouldDriveALengthFieldHandlerAndRejectAPartialFrameAtTheEnd() {
		LengthFieldEncoder encoder = new LengthFieldEncoder(2);
		EmbeddedConnection connection = EmbeddedConnection
			.open(new FramedHandler(() -> new LengthFieldDecoder(2, 100), encoder::write));
		connection.writeInbound(new byte[] { 0, 3, 'a', 'b' }).writeInbound(new byte[] { 'c', 0, 1 });
		assertThat(connection.readOutbound()).containsExactly(0, 3, 'a', 'b', 'c');
		connection.writeInbound(new byte[] { 'd', 0 }).shutdownInput();
		assertThat(connection.readOutbound()).containsExactly(0, 1, 'd');
		assertThat(connection.closeReason()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).isInstanceOf(CorruptFrameException.class)
			.hasMessageContaining("end of stream inside a frame");
	}

	@Test
	void shouldCutInboundBytesIntoReadsOfTheReadSize() {
		List<Integer> reads = new ArrayList<>();
		EmbeddedConnection connection = EmbeddedConnection.builder()
			.readSize(4)
			.open((c, data) -> reads.add(data.remaining()));
		connection.writeInbound(new byte[10]);
		assertThat(reads).containsExactly(4, 4, 2);
	}

	@Test
	void shouldHoldInboundBytesWhileReadsAreSuspended() {
		List<String> frames = new ArrayList<>();
		EmbeddedConnection connection = EmbeddedConnection.open(new FramedHandler(() -> new LineDecoder(100),
				(c, frame) -> frames.add(StandardCharsets.UTF_8.decode(frame).toString())));
		connection.suspendReads();
		connection.writeInbound("a\nb\n").shutdownInput();
		assertThat(frames).isEmpty();
		assertThat(connection.pendingInboundBytes()).isEqualTo(4);
		connection.resumeReads();
		assertThat(frames).containsExactly("a", "b");
		assertThat(connection.pendingInboundBytes()).isZero();
		assertThat(connection.closeReason()).isEqualTo(CloseReason.NORMAL);
	}

	@Test
	void shouldResumeDeliveryWhenTheHandlerResumesReadsFromItsOwnCallback() {
		List<String> events = new ArrayList<>();
		TcpHandler handler = (c, data) -> {
			events.add(StandardCharsets.UTF_8.decode(data).toString());
			c.suspendReads();
			c.resumeReads();
		};
		EmbeddedConnection connection = EmbeddedConnection.builder().readSize(1).open(handler);
		connection.writeInbound("abc");
		assertThat(events).containsExactly("a", "b", "c");
	}

	@Test
	void shouldReportWritabilityAtTheWaterMarksAndStopReadingWhileNotWritable() {
		ListenerConfig config = ListenerConfig.builder("marks")
			.writeBufferLowWaterMark(4)
			.writeBufferHighWaterMark(8)
			.writeBufferLimit(100)
			.build();
		RecordingHandler handler = new RecordingHandler((c, data) -> c.write(data));
		EmbeddedConnection connection = EmbeddedConnection.builder().config(config).readSize(5).open(handler);
		connection.blockOutbound();
		connection.writeInbound("0123456789ab");
		// 5 + 5 queued > 8: not writable, so the last 2 bytes wait, as the transport stops reading
		assertThat(handler.events).containsExactly("open", "data:01234", "data:56789", "writable:false");
		assertThat(connection.isWritable()).isFalse();
		assertThat(connection.pendingWriteBytes()).isEqualTo(10);
		assertThat(connection.pendingInboundBytes()).isEqualTo(2);
		connection.flushOutbound(3);
		assertThat(connection.isWritable()).isFalse();
		connection.flushOutbound(3);
		// 4 left, at the low water mark: writable again, and the waiting bytes are read and echoed (queued)
		assertThat(handler.events).endsWith("writable:true", "data:ab");
		assertThat(connection.pendingWriteBytes()).isEqualTo(6);
		connection.unblockOutbound();
		assertThat(connection.readOutbound(StandardCharsets.UTF_8)).isEqualTo("0123456789ab");
		assertThat(connection.bytesSent()).isEqualTo(12);
	}

	@Test
	void shouldCloseWithErrorWhenTheWriteQueueWouldExceedItsLimit() {
		ListenerConfig config = ListenerConfig.builder("limit")
			.writeBufferLowWaterMark(1)
			.writeBufferHighWaterMark(2)
			.writeBufferLimit(10)
			.build();
		RecordingHandler handler = new RecordingHandler((c, data) -> {
		});
		EmbeddedConnection connection = EmbeddedConnection.builder().config(config).open(handler).blockOutbound();
		connection.write(new byte[10]);
		assertThat(connection.isOpen()).isTrue();
		connection.write(new byte[1]);
		assertThat(connection.closeReason()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).hasMessageContaining("write-buffer limit of 10 bytes");
		assertThat(connection.pendingWriteBytes()).isZero();
		assertThat(handler.events).containsExactly("open", "writable:false", "close:ERROR");
	}

	@Test
	void shouldCloseGracefullyOnlyOnceTheQueueIsFlushed() {
		RecordingHandler handler = new RecordingHandler((c, data) -> {
		});
		EmbeddedConnection connection = EmbeddedConnection.open(handler).blockOutbound();
		connection.write("bye".getBytes(StandardCharsets.UTF_8));
		connection.close();
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.closeReason()).as("flushing").isNull();
		connection.write("ignored".getBytes(StandardCharsets.UTF_8));
		connection.unblockOutbound();
		assertThat(connection.closeReason()).isEqualTo(CloseReason.NORMAL);
		assertThat(connection.readOutbound(StandardCharsets.UTF_8)).isEqualTo("bye");
		assertThat(handler.events).containsExactly("open", "close:NORMAL");
	}

	@Test
	void shouldDropTheQueueOnAbort() {
		EmbeddedConnection connection = EmbeddedConnection.open((c, data) -> {
		}).blockOutbound();
		connection.write(new byte[5]);
		connection.abort();
		assertThat(connection.closeReason()).isEqualTo(CloseReason.RESET);
		assertThat(connection.pendingWriteBytes()).isZero();
		connection.unblockOutbound();
		assertThat(connection.readOutbound()).isEmpty();
	}

	@Test
	void shouldCloseWithTheReasonOfThePeerOrTheListener() {
		RecordingHandler reset = new RecordingHandler((c, data) -> {
		});
		EmbeddedConnection.open(reset).resetByPeer();
		EmbeddedConnection idle = EmbeddedConnection.open((c, data) -> {
		});
		idle.closeIdle();
		EmbeddedConnection shutdown = EmbeddedConnection.open((c, data) -> {
		});
		shutdown.closeForShutdown();
		assertThat(reset.events).containsExactly("open", "close:RESET");
		assertThat(idle.closeReason()).isEqualTo(CloseReason.IDLE);
		assertThat(shutdown.closeReason()).isEqualTo(CloseReason.SHUTDOWN);
	}

	@Test
	void shouldCloseWithErrorWhenOnOpenThrows() {
		EmbeddedConnection connection = EmbeddedConnection.open(new TcpHandler() {

			@Override
			public void onOpen(Connection connection) {
				throw new IllegalArgumentException("no");
			}

			@Override
			public void onData(Connection connection, ByteBuffer data) {
			}

		});
		assertThat(connection.closeReason()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).hasMessage("no");
	}

	@Test
	void shouldDescribeItselfLikeAConnectionOfTheConfiguredListener() {
		ListenerConfig config = ListenerConfig.builder("chat").port(7100).keepAlivePeriod(Duration.ofSeconds(30)).build();
		EmbeddedConnection connection = EmbeddedConnection.builder().config(config).open((c, data) -> {
		});
		assertThat(connection.listenerName()).isEqualTo("chat");
		assertThat(connection.localAddress().getPort()).isEqualTo(7100);
		assertThat(connection.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
		assertThat(connection.tcpInfo()).isEmpty();
		assertThat(connection.socketOptions().keepAliveIdleSeconds()).isEqualTo(30);
		assertThat(connection.openedAt()).isNotNull();
		assertThat(EmbeddedConnection.open((c, data) -> {
		}).id()).isNotEqualTo(connection.id());
		connection.attribute("user", "ada");
		assertThat(connection.<String>attribute("user")).isEqualTo("ada");
		connection.attribute("user", null);
		assertThat(connection.<String>attribute("user")).isNull();
	}

	@Test
	void shouldRefuseInboundBytesAfterTheInputWasShutDown() {
		EmbeddedConnection connection = EmbeddedConnection.open((c, data) -> {
		});
		connection.suspendReads();
		connection.shutdownInput();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> connection.writeInbound("late"))
			.withMessageContaining("was shut down");
	}

	@Test
	void shouldConverseWithAStreamHandler() {
		EmbeddedConnection connection = EmbeddedConnection.openStream(upperCaseStream());
		connection.writeInbound("hello\n");
		assertThat(connection.awaitOutboundLine()).isEqualTo("HELLO");
		connection.writeInbound("wor").writeInbound("ld\r\nend");
		assertThat(connection.awaitOutboundLine()).isEqualTo("WORLD");
		connection.shutdownInput();
		assertThat(connection.awaitOutboundLine()).isEqualTo("END");
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.NORMAL);
		assertThat(connection.failure()).isNull();
		assertThat(connection.bytesReceived()).isEqualTo(16);
	}

	@Test
	void shouldCloseWithErrorWhenAStreamHandlerThrows() {
		EmbeddedConnection connection = EmbeddedConnection.openStream(upperCaseStream());
		connection.writeInbound("x".repeat(100) + "\n");
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).isInstanceOf(FrameTooLongException.class);
	}

	@Test
	void shouldThrowConnectionResetInAStreamHandlerWithoutCountingAFailure() {
		CompletableFuture<Throwable> thrown = new CompletableFuture<>();
		EmbeddedConnection connection = EmbeddedConnection.openStream((stream) -> {
			try {
				stream.input().read();
			}
			catch (IOException ex) {
				thrown.complete(ex);
				throw ex;
			}
		});
		connection.resetByPeer();
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.RESET);
		assertThat(thrown.join()).isInstanceOf(SocketException.class).hasMessage("Connection reset");
		assertThat(connection.failure()).isNull();
	}

	@Test
	void shouldLetAStreamHandlerFinishItsRepliesOnShutdown() {
		EmbeddedConnection connection = EmbeddedConnection.openStream(upperCaseStream());
		connection.writeInbound("one\n");
		assertThat(connection.awaitOutboundLine()).isEqualTo("ONE");
		connection.writeInbound("two\n");
		connection.closeForShutdown();
		// what was sent before the shutdown is still answered, then the input ends
		assertThat(connection.awaitOutboundLine()).isEqualTo("TWO");
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.SHUTDOWN);
		assertThat(connection.failure()).isNull();
	}

	@Test
	void shouldTimeOutAStreamRead() {
		EmbeddedConnection connection = EmbeddedConnection.openStream((stream) -> {
			stream.setReadTimeout(Duration.ofMillis(50));
			stream.input().read();
		});
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.ERROR);
		assertThat(connection.failure()).isInstanceOf(SocketTimeoutException.class);
	}

	@Test
	void shouldParkAStreamWriterWhileTheOutboundIsBlocked() {
		CompletableFuture<Void> writing = new CompletableFuture<>();
		EmbeddedConnection connection = EmbeddedConnection.openStream((stream) -> {
			stream.input().read();
			writing.complete(null);
			stream.output().write("first".getBytes(StandardCharsets.UTF_8));
			stream.output().flush();
		});
		connection.blockOutbound().writeInbound("go");
		writing.join();
		// the writer parks instead of queueing, as on a full send buffer
		assertThat(connection.readOutbound()).isEmpty();
		assertThat(connection.pendingWriteBytes()).isZero();
		connection.unblockOutbound();
		assertThat(connection.awaitOutbound(5)).asString(StandardCharsets.UTF_8).isEqualTo("first");
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.NORMAL);
	}

	@Test
	void shouldFailAwaitWithWhatWasReceivedWhenTheConnectionClosesFirst() {
		EmbeddedConnection connection = EmbeddedConnection.openStream((stream) -> {
			stream.output().write("no newline".getBytes(StandardCharsets.UTF_8));
		});
		assertThat(connection.awaitClose()).isEqualTo(CloseReason.NORMAL);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(connection::awaitOutboundLine)
			.withMessageContaining("Expected a line from EmbeddedConnection")
			.withMessageContaining("but it was closed (normal)")
			.withMessageEndingWith("received and not read: \"no newline\" (10 bytes)");
	}

	@Test
	void shouldFailAwaitAfterTheTimeout() {
		EmbeddedConnection connection = EmbeddedConnection.builder()
			.timeout(Duration.ofMillis(50))
			.open((c, data) -> c.write("partial".getBytes(StandardCharsets.UTF_8)));
		connection.writeInbound("x");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> connection.awaitOutbound(100))
			.withMessageContaining("Expected 100 bytes from EmbeddedConnection")
			.withMessageContaining("within PT0.05S (open)")
			.withMessageEndingWith("received and not read: \"partial\" (7 bytes)");
	}

	/** A line handler that answers each line in upper case, as the sample's does. */
	static FramedHandler upperCaseLines(int maxLineLength) {
		LineDecoder text = new LineDecoder(maxLineLength);
		return new FramedHandler(() -> new LineDecoder(maxLineLength),
				(connection, frame) -> LINES.write(connection, text.text(frame).toUpperCase(Locale.ROOT)));
	}

	static TcpStreamHandler upperCaseStream() {
		return (stream) -> {
			LineReader in = new LineReader(stream.input(), 64);
			for (String line; (line = in.readLine()) != null;) {
				LINES.write(stream.output(), line.toUpperCase(Locale.ROOT));
				stream.output().flush();
			}
		};
	}

	/** Records every callback as text, and delegates {@code onData}. */
	static final class RecordingHandler implements TcpHandler {

		final List<String> events = new ArrayList<>();

		private final TcpHandler onData;

		RecordingHandler(TcpHandler onData) {
			this.onData = onData;
		}

		@Override
		public void onOpen(Connection connection) {
			this.events.add("open");
		}

		@Override
		public void onData(Connection connection, ByteBuffer data) throws Exception {
			this.events.add("data:" + StandardCharsets.ISO_8859_1.decode(data.duplicate()));
			this.onData.onData(connection, data);
		}

		@Override
		public void onInputClosed(Connection connection) throws Exception {
			this.events.add("inputClosed");
			TcpHandler.super.onInputClosed(connection);
		}

		@Override
		public void onWritabilityChanged(Connection connection, boolean writable) {
			this.events.add("writable:" + writable);
		}

		@Override
		public void onClose(Connection connection, CloseReason reason) {
			this.events.add("close:" + reason);
		}

	}

}
