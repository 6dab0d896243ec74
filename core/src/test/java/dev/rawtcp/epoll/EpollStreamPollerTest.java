package dev.rawtcp.epoll;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.internal.HandlerThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Thread-per-connection sockets on epoll: on JDK 21+ a virtual-thread poller wakes the
 * handlers, and whatever it cannot handle by waking one still reaches the loop.
 */
class EpollStreamPollerTest extends EpollTestSupport {

	private Listener bind(TcpStreamHandler handler) {
		group(1);
		return this.group.bind(ListenerConfig.builder("poller").host("127.0.0.1").port(0)
			.writeBufferLimit(64L * 1024 * 1024)
			.build(), handler);
	}

	private static final TcpStreamHandler ECHO = (stream) -> {
		InputStream in = stream.input();
		OutputStream out = stream.output();
		byte[] buffer = new byte[1024];
		int n;
		while ((n = in.read(buffer)) > 0) {
			out.write(buffer, 0, n);
			if (in.available() == 0) {
				out.flush();
			}
		}
	};

	@Test
	void shouldWakeVirtualHandlerThreadsThroughTheStreamPoller() throws Exception {
		assumeTrue(HandlerThreads.virtual() && StreamPoller.ENABLED, "needs virtual threads (JDK 21+)");
		Listener listener = bind(ECHO);
		int clients = 64;
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			List<Future<Long>> results = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				long seed = i;
				results.add(pool.submit(() -> exchange(listener.port(), seed, 200)));
			}
			for (Future<Long> result : results) {
				assertThat(result.get(50, TimeUnit.SECONDS)).isPositive();
			}
		}
		finally {
			pool.shutdownNow();
		}
		StreamPoller poller = ((EpollEventLoopGroup) this.group).loop(0).streamPoller();
		assertThat(poller).as("the loop's stream poller").isNotNull();
		assertThat(poller.dispatched()).as("events the poller dispatched").isGreaterThanOrEqualTo(clients * 200L);
	}

	@Test
	void shouldNotMakeAStreamPollerForEventLoopConnections() throws Exception {
		group(1);
		Listener listener = this.group.bind(ListenerConfig.builder("loop").host("127.0.0.1").port(0).build(),
				(c, data) -> c.write(data));
		assertThat(exchange(listener.port(), 7, 10)).isPositive();
		assertThat(((EpollEventLoopGroup) this.group).loop(0).streamPoller()).isNull();
	}

	/**
	 * Bytes a thread other than the handler's writes with {@link Connection#write} while the
	 * peer reads nothing fill the socket and queue on the loop: the writable edges that follow
	 * must reach the loop, which flushes them.
	 */
	@Test
	void shouldFlushConnectionWritesQueuedBehindAFullSocket() throws Exception {
		// more than loopback's socket buffers hold, so that most of it queues on the loop
		int size = 24 * 1024 * 1024;
		byte[] payload = new byte[size];
		new Random(42).nextBytes(payload);
		CountDownLatch written = new CountDownLatch(1);
		AtomicReference<Connection> accepted = new AtomicReference<>();
		Listener listener = bind((stream) -> {
			Connection connection = stream.connection();
			accepted.set(connection);
			CompletableFuture.runAsync(() -> {
				for (int offset = 0; offset < size; offset += 64 * 1024) {
					connection.write(ByteBuffer.wrap(payload, offset, 64 * 1024));
				}
				written.countDown();
			});
			// the handler waits for the peer's FIN; the bytes go out meanwhile
			while (stream.input().read() >= 0) {
				// discard
			}
		});
		try (Socket socket = new Socket("127.0.0.1", listener.port())) {
			socket.setSoTimeout(10_000);
			assertThat(written.await(20, TimeUnit.SECONDS)).isTrue();
			assertThat(accepted.get().pendingWriteBytes()).as("bytes queued on the loop").isPositive();
			byte[] received = socket.getInputStream().readNBytes(size);
			assertThat(received).isEqualTo(payload);
		}
	}

	/** Send {@code messages} random messages one at a time, verify each echo; return the bytes echoed. */
	private static long exchange(int port, long seed, int messages) throws Exception {
		Random random = new Random(seed);
		long total = 0;
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(20_000);
			for (int i = 0; i < messages; i++) {
				byte[] message = new byte[1 + random.nextInt(3000)];
				random.nextBytes(message);
				socket.getOutputStream().write(message);
				byte[] echo = socket.getInputStream().readNBytes(message.length);
				assertThat(echo).isEqualTo(message);
				total += echo.length;
			}
		}
		return total;
	}

}
