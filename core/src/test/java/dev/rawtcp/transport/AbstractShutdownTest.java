package dev.rawtcp.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful stop: every byte the server read is echoed before the end of stream, in both
 * modes, and closing a group leaves no thread behind.
 */
public abstract class AbstractShutdownTest extends TransportTestSupport {

	private static final byte[] REPLY = "went on".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private static final int MIB = 1024 * 1024;

	@Test
	void shouldEchoEveryByteReadBeforeAStopInEventLoopMode() throws Exception {
		assertDrainsEveryByteRead(bind(config("drain"), ECHO));
	}

	@Test
	void shouldEchoEveryByteReadBeforeAStopInThreadPerConnectionMode() throws Exception {
		assertDrainsEveryByteRead(bind(config("drain-stream"), STREAM_ECHO));
	}

	private void assertDrainsEveryByteRead(Listener listener) throws Exception {
		byte[] data = random(32 * MIB, 11);
		Socket socket = connect(listener);
		CountDownLatch readerDone = new CountDownLatch(1);
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		CompletableFuture<Void> reader = runAsync("test-reader", () -> {
			try {
				InputStream in = socket.getInputStream();
				byte[] buffer = new byte[65536];
				int n;
				while ((n = in.read(buffer)) >= 0) {
					received.write(buffer, 0, n);
				}
			}
			finally {
				readerDone.countDown();
			}
		});
		CompletableFuture<Void> writer = runAsync("test-writer", () -> {
			OutputStream out = socket.getOutputStream();
			try {
				for (int offset = 0; offset < data.length && readerDone.getCount() > 0; offset += 16384) {
					out.write(data, offset, 16384);
				}
			}
			catch (IOException ex) {
				// the server may have gone by now: what matters is what the reader got
			}
			readerDone.await(20, TimeUnit.SECONDS);
			socket.shutdownOutput();
		});
		Awaitility.await().until(() -> listener.stats().bytesReceived() >= MIB);
		listener.stop(Duration.ofSeconds(10));
		reader.get(20, TimeUnit.SECONDS);
		writer.get(20, TimeUnit.SECONDS);
		long bytesReceived = listener.stats().bytesReceived();
		assertThat(listener.stats().bytesSent()).isEqualTo(bytesReceived);
		assertThat(received.size()).isEqualTo(bytesReceived);
		assertThat(received.toByteArray()).isEqualTo(Arrays.copyOf(data, (int) bytesReceived));
		assertThat(listener.stats().closed(CloseReason.SHUTDOWN)).isEqualTo(1);
		assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
		assertThat(group().listeners()).doesNotContain(listener);
	}

	@Test
	void shouldRefuseNewConnectionsOnceStopped() throws Exception {
		Listener listener = bind(config("refuse"), ECHO);
		int port = listener.port();
		listener.stop(Duration.ofSeconds(1));
		assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
		try (Socket socket = new Socket()) {
			org.assertj.core.api.Assertions.assertThatIOException()
				.isThrownBy(() -> socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000));
		}
		// the port is free again
		Listener again = bind(config("again").port(port), ECHO);
		assertThat(again.port()).isEqualTo(port);
	}

	@Test
	void shouldCloseOpenConnectionsAtOnceOnClose() throws Exception {
		EventLoopGroup group = newGroup();
		Listener listener = group.bind(config("close").build(), ECHO);
		Socket socket = connect(listener);
		assertThat(echo(socket, random(10, 1))).isEqualTo(random(10, 1));
		group.close();
		assertThat(closedByServer(socket)).isTrue();
		assertThat(listener.stats().closed(CloseReason.SHUTDOWN)).isEqualTo(1);
		assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
		assertThat(group.isAlive()).isFalse();
	}

	@Test
	void shouldLeaveNoRawtcpThreadAliveAfterClose() throws Exception {
		Set<String> before = rawtcpThreads();
		EventLoopGroup group = newGroup();
		Listener loopListener = group.bind(config("threads-loop").build(), ECHO);
		Listener streamListener = group.bind(config("threads-stream").build(), STREAM_ECHO);
		Socket a = connect(loopListener);
		Socket b = connect(streamListener);
		assertThat(echo(a, random(10, 1))).isEqualTo(random(10, 1));
		assertThat(echo(b, random(10, 2))).isEqualTo(random(10, 2));
		Set<String> running = new HashSet<>(rawtcpThreads());
		running.removeAll(before);
		assertThat(running).hasSizeGreaterThanOrEqualTo(2);
		group.close();
		Set<String> left = new HashSet<>(rawtcpThreads());
		left.removeAll(before);
		assertThat(left).isEmpty();
	}

	/**
	 * A handler runs on a loop that a stop must use to drain: {@code stop()} there starts the
	 * stop and returns, instead of waiting on its own loop for the grace period.
	 */
	@Test
	void shouldStartTheStopAndReturnWhenAHandlerStopsItsOwnListener() throws Exception {
		AtomicReference<Listener> self = new AtomicReference<>();
		CompletableFuture<CompletableFuture<Void>> stopped = new CompletableFuture<>();
		Listener listener = bind(config("self-stop"), (connection, data) -> {
			self.get().stop(Duration.ofSeconds(60));
			stopped.complete(self.get().stopAsync(Duration.ofSeconds(60)));
			connection.write(ByteBuffer.wrap(REPLY));
		});
		self.set(listener);
		try (Socket socket = connect(listener)) {
			socket.getOutputStream().write(1);
			assertThat(socket.getInputStream().readNBytes(REPLY.length)).isEqualTo(REPLY);
			assertThat(listener.state()).isIn(ListenerState.DRAINING, ListenerState.STOPPED);
		}
		// the peer went: the drain ends and the stop with it
		stopped.get(20, TimeUnit.SECONDS).get(20, TimeUnit.SECONDS);
		assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
		assertThat(listener.activeConnections()).isZero();
		assertThat(group().listeners()).doesNotContain(listener);
	}

	/**
	 * A handler that shuts its own group down: the shutdown runs on a thread of its own, the
	 * handler goes on, and every thread of the group ends once the drain is over.
	 */
	@Test
	void shouldShutDownInTheBackgroundWhenAHandlerShutsItsOwnGroupDown() throws Exception {
		Set<String> before = rawtcpThreads();
		EventLoopGroup group = newGroup();
		Listener listener = group.bind(config("self-shutdown").build(), (connection, data) -> {
			group.shutdownGracefully(Duration.ofSeconds(60));
			connection.write(ByteBuffer.wrap(REPLY));
		});
		try (Socket socket = connect(listener)) {
			socket.getOutputStream().write(1);
			assertThat(socket.getInputStream().readNBytes(REPLY.length)).isEqualTo(REPLY);
			assertThat(group.isAlive()).isFalse();
		}
		Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Set<String> left = new HashSet<>(rawtcpThreads());
			left.removeAll(before);
			assertThat(left).as("threads of the group").isEmpty();
		});
		assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
		group.close();
	}

	private static CompletableFuture<Void> runAsync(String name, ThrowingRunnable task) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				task.run();
				future.complete(null);
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
		return future;
	}

	@FunctionalInterface
	private interface ThrowingRunnable {

		void run() throws Exception;

	}

}
