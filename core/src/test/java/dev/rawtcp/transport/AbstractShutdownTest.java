package dev.rawtcp.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
