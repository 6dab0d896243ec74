package dev.rawtcp.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.internal.HandlerThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Thread-per-connection mode: many connections, a parked read that wakes on data and on
 * the peer's close, read timeouts.
 */
public abstract class AbstractStreamModeTest extends TransportTestSupport {

	@Test
	void shouldEchoOn200ConcurrentConnectionsWithPlatformThreads() throws Exception {
		assumeTrue(Runtime.version().feature() < 21, "JDK 21+ runs handlers on virtual threads");
		assertThat(HandlerThreads.virtual()).isFalse();
		assertEchoOnConcurrentConnections(200);
	}

	@Test
	void shouldEchoOn2000ConcurrentConnectionsWithVirtualThreads() throws Exception {
		assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
		assertThat(HandlerThreads.virtual()).isTrue();
		assertEchoOnConcurrentConnections(2000);
	}

	private void assertEchoOnConcurrentConnections(int count) throws Exception {
		Listener listener = bind(config("tpc").backlog(4096), STREAM_ECHO);
		assertThat(listener.mode()).isEqualTo(ListenerMode.THREAD_PER_CONNECTION);
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sockets.add(connect(listener));
		}
		Awaitility.await().until(() -> listener.activeConnections() == count);
		for (int i = 0; i < count; i++) {
			sockets.get(i).getOutputStream().write(random(512, i));
		}
		for (int i = 0; i < count; i++) {
			assertThat(sockets.get(i).getInputStream().readNBytes(512)).as("connection %d", i)
				.isEqualTo(random(512, i));
		}
		assertThat(listener.stats().bytesReceived()).isEqualTo(count * 512L);
	}

	@Test
	void shouldWakeABlockedReadWhenDataArrives() throws Exception {
		CompletableFuture<Thread> handlerThread = new CompletableFuture<>();
		CompletableFuture<Integer> readResult = new CompletableFuture<>();
		Listener listener = bind(config("wake"), (TcpStreamHandler) (stream) -> {
			handlerThread.complete(Thread.currentThread());
			int b = stream.input().read();
			readResult.complete(b);
			stream.output().write(b);
		});
		Socket socket = connect(listener);
		awaitParked(handlerThread);
		assertThat(readResult).isNotDone();
		socket.getOutputStream().write(42);
		assertThat(readResult.get(10, TimeUnit.SECONDS)).isEqualTo(42);
		assertThat(socket.getInputStream().read()).isEqualTo(42);
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
	}

	@Test
	void shouldWakeABlockedReadWhenThePeerCloses() throws Exception {
		CompletableFuture<Thread> handlerThread = new CompletableFuture<>();
		CompletableFuture<Integer> readResult = new CompletableFuture<>();
		Listener listener = bind(config("wake-eof"), (TcpStreamHandler) (stream) -> {
			handlerThread.complete(Thread.currentThread());
			readResult.complete(stream.input().read());
		});
		Socket socket = connect(listener);
		awaitParked(handlerThread);
		assertThat(readResult).isNotDone();
		socket.close();
		assertThat(readResult.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
	}

	/** Wait until the handler's thread is parked in its read. */
	private static void awaitParked(CompletableFuture<Thread> handlerThread) throws Exception {
		Thread thread = handlerThread.get(10, TimeUnit.SECONDS);
		Awaitility.await().until(() -> thread.getState() == Thread.State.WAITING);
	}

	@Test
	void shouldRaiseSocketTimeoutExceptionWhenAReadTimesOut() throws Exception {
		CompletableFuture<IOException> failure = new CompletableFuture<>();
		Listener listener = bind(config("timeout"), (TcpStreamHandler) (stream) -> {
			stream.setReadTimeout(Duration.ofMillis(200));
			try {
				stream.input().read();
				failure.complete(null);
			}
			catch (IOException ex) {
				failure.complete(ex);
			}
			stream.output().write('T');
		});
		Socket socket = connect(listener);
		assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class);
		assertThat(socket.getInputStream().read()).isEqualTo('T');
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
		assertThat(listener.stats().handlerErrors()).isZero();
	}

}
