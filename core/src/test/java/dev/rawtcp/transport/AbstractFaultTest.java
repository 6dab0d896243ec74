package dev.rawtcp.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerState;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults and limits: handler exceptions, peer resets, the write limit, max-connections,
 * the idle timeout, and pausing.
 */
public abstract class AbstractFaultTest extends TransportTestSupport {

	private static final int MIB = 1024 * 1024;

	@Test
	void shouldCloseOnlyTheConnectionWhoseHandlerThrows() throws Exception {
		Listener listener = bind(config("throws"), (connection, data) -> {
			if (data.get(data.position()) == 'X') {
				throw new IllegalStateException("boom (expected by the test)");
			}
			connection.write(data);
		});
		Socket good = connect(listener);
		assertThat(echo(good, "hello".getBytes(StandardCharsets.US_ASCII))).asString().isEqualTo("hello");
		Socket bad = connect(listener);
		bad.getOutputStream().write('X');
		assertThat(closedByServer(bad)).isTrue();
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
		assertThat(listener.stats().handlerErrors()).isEqualTo(1);
		assertThat(echo(good, "again".getBytes(StandardCharsets.US_ASCII))).asString().isEqualTo("again");
		assertThat(group().isAlive()).isTrue();
	}

	@Test
	void shouldCountAThrowingStreamHandlerAndCloseItsConnection() throws Exception {
		Listener listener = bind(config("stream-throws"), (stream) -> {
			BufferedReader reader = new BufferedReader(new InputStreamReader(stream.input(), StandardCharsets.US_ASCII));
			String line = reader.readLine();
			if ("boom".equals(line)) {
				throw new IllegalStateException("boom (expected by the test)");
			}
			stream.output().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
		});
		Socket bad = connect(listener);
		bad.getOutputStream().write("boom\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(closedByServer(bad)).isTrue();
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
		assertThat(listener.stats().handlerErrors()).isEqualTo(1);
		Socket good = connect(listener);
		assertThat(echo(good, "fine\n".getBytes(StandardCharsets.US_ASCII))).asString().isEqualTo("fine\n");
	}

	@Test
	void shouldSurviveAPeerResetDuringALargeWrite() throws Exception {
		ByteBuffer block = filler(MIB);
		AtomicBoolean flooded = new AtomicBoolean();
		Listener listener = bind(config("reset").writeBufferLimit(64L * MIB), (connection, data) -> {
			if (data.get(data.position()) == 'F' && flooded.compareAndSet(false, true)) {
				for (int i = 0; i < 32 && connection.isOpen(); i++) {
					connection.write(block.duplicate());
				}
				return;
			}
			connection.write(data);
		});
		Socket victim = connect(listener);
		victim.getOutputStream().write('F');
		assertThat(victim.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
		victim.setSoLinger(true, 0);
		victim.close();
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.RESET) == 1);
		assertThat(listener.stats().bytesSent()).isLessThan(32L * MIB);
		assertThat(listener.stats().handlerErrors()).isZero();
		assertThat(group().isAlive()).isTrue();
		Socket other = connect(listener);
		assertThat(echo(other, random(4096, 1))).isEqualTo(random(4096, 1));
	}

	@Test
	void shouldCloseTheConnectionWhenItsWriteQueueExceedsTheLimit() throws Exception {
		ByteBuffer block = filler(MIB);
		Listener listener = bind(config("limit").writeBufferLowWaterMark(16 * 1024)
			.writeBufferHighWaterMark(64 * 1024)
			.writeBufferLimit(MIB), (connection, data) -> {
				for (int i = 0; i < 64 && connection.isOpen(); i++) {
					connection.write(block.duplicate());
				}
			});
		Socket neverReads = connect(listener);
		neverReads.getOutputStream().write(1);
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
		assertThat(listener.stats().handlerErrors()).isZero();
		assertThat(listener.activeConnections()).isZero();
	}

	@Test
	void shouldTellTheHandlerWhenTheConnectionStopsAndStartsBeingWritable() throws Exception {
		ByteBuffer block = filler(MIB);
		StringBuffer changes = new StringBuffer();
		Listener listener = bind(config("water").writeBufferLowWaterMark(16 * 1024)
			.writeBufferHighWaterMark(64 * 1024), new TcpHandler() {

				@Override
				public void onData(Connection connection, ByteBuffer data) {
					for (int i = 0; i < 8; i++) {
						connection.write(block.duplicate());
					}
				}

				@Override
				public void onWritabilityChanged(Connection connection, boolean writable) {
					changes.append(writable ? "W" : "U");
				}

			});
		Socket socket = connect(listener);
		socket.getOutputStream().write(1);
		Awaitility.await().until(() -> changes.indexOf("U") >= 0);
		assertThat(socket.getInputStream().readNBytes(8 * MIB)).hasSize(8 * MIB);
		Awaitility.await().until(() -> changes.toString().equals("UW"));
	}

	@Test
	void shouldRejectConnectionsOverMaxConnections() throws Exception {
		AtomicInteger opened = new AtomicInteger();
		Listener listener = bind(config("max").maxConnections(2), echoReportingOpens((connection) -> opened.incrementAndGet()));
		Socket first = connect(listener);
		Socket second = connect(listener);
		Awaitility.await().until(() -> opened.get() == 2);
		assertThat(rejectedByServer(listener)).isTrue();
		Awaitility.await().until(() -> listener.stats().rejected() == 1);
		assertThat(listener.stats().accepted()).isEqualTo(2);
		assertThat(opened).hasValue(2);
		assertThat(echo(first, random(100, 1))).isEqualTo(random(100, 1));
		assertThat(echo(second, random(100, 2))).isEqualTo(random(100, 2));
	}

	/** The reset of a rejected connection may already reach the client while it connects. */
	private boolean rejectedByServer(Listener listener) throws IOException {
		Socket socket;
		try {
			socket = connect(listener);
		}
		catch (SocketException ex) {
			return true;
		}
		return closedByServer(socket);
	}

	@Test
	void shouldCloseAnIdleConnectionButNotABusyOne() throws Exception {
		Listener listener = bind(config("idle").idleTimeout(Duration.ofMillis(500)), ECHO);
		Socket idle = connect(listener);
		Socket busy = connect(listener);
		Awaitility.await().until(() -> listener.activeConnections() == 2);
		long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
		for (int i = 0; i < 100 && System.nanoTime() - until < 0; i++) {
			busy.getOutputStream().write(i);
			assertThat(busy.getInputStream().read()).isEqualTo(i);
			Thread.sleep(50);
		}
		assertThat(closedByServer(idle)).isTrue();
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.IDLE) == 1);
		assertThat(echo(busy, random(10, 3))).isEqualTo(random(10, 3));
		assertThat(listener.activeConnections()).isEqualTo(1);
	}

	@Test
	void shouldHoldNewConnectionsInTheKernelWhilePaused() throws Exception {
		AtomicInteger opened = new AtomicInteger();
		Listener listener = bind(config("pause"), echoReportingOpens((connection) -> opened.incrementAndGet()));
		listener.pause();
		assertThat(listener.state()).isEqualTo(ListenerState.PAUSED);
		Socket[] sockets = { connect(listener), connect(listener), connect(listener) };
		for (Socket socket : sockets) {
			socket.getOutputStream().write(42);
		}
		// give a listener that wrongly kept accepting the time to do so
		Thread.sleep(200);
		assertThat(opened).hasValue(0);
		assertThat(listener.stats().accepted()).isZero();
		listener.resume();
		assertThat(listener.state()).isEqualTo(ListenerState.RUNNING);
		Awaitility.await().until(() -> opened.get() == 3);
		for (Socket socket : sockets) {
			assertThat(socket.getInputStream().read()).isEqualTo(42);
		}
	}

}
