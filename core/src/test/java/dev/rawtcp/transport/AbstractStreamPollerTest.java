package dev.rawtcp.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

import dev.rawtcp.Connection;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.internal.HandlerThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Thread-per-connection sockets: on JDK 21+ a virtual-thread poller per loop wakes the
 * handlers, and whatever it cannot handle by waking one still reaches the loop. Subclassed
 * in each transport's package, which can see its poller.
 */
public abstract class AbstractStreamPollerTest extends TransportTestSupport {

	/** @return whether this transport makes a poller on this JDK (and it is switched on) */
	protected abstract boolean pollerEnabled();

	/**
	 * @param group a group of this transport
	 * @param loop the index of one of its loops
	 * @return the events (epoll) or keys (nio) that loop's poller dispatched, {@code -1} if it has none
	 */
	protected abstract long pollerDispatched(EventLoopGroup group, int loop);

	/**
	 * @param group a group of this transport
	 * @return the events or keys all its loops' pollers dispatched, {@code -1} if no loop has one
	 */
	private long pollerDispatched(EventLoopGroup group) {
		long total = -1;
		for (int i = 0; i < group.threads(); i++) {
			long dispatched = pollerDispatched(group, i);
			if (dispatched >= 0) {
				total = Math.max(total, 0) + dispatched;
			}
		}
		return total;
	}

	private Listener bind(TcpStreamHandler handler) {
		return group().bind(ListenerConfig.builder("poller").host("127.0.0.1").port(0)
			.writeBufferLimit(64L * 1024 * 1024)
			.build(), handler);
	}

	private static final TcpStreamHandler BATCHING_ECHO = (stream) -> {
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

	/** Skip where there are no virtual threads (JDK 17) or the poller is switched off. */
	protected final void assumePoller() {
		assumeTrue(HandlerThreads.virtual() && pollerEnabled(), "needs virtual threads (JDK 21+; nio: 24+) and the poller on");
	}

	@Test
	void shouldWakeVirtualHandlerThreadsThroughTheStreamPoller() throws Exception {
		assumePoller();
		Listener listener = bind(BATCHING_ECHO);
		int clients = 64;
		runClients(clients, (seed) -> exchange(listener.port(), seed, 200));
		// one report per message at least, less what a handler happened to read before it was reported
		assertThat(pollerDispatched(group())).as("events the pollers dispatched").isGreaterThan(clients * 100L);
	}

	/**
	 * Virtual handler threads without a stream poller, woken through the loop: nio on JDK 21-23,
	 * or on a newer JDK with {@code -Ddev.rawtcp.nio.streamPoller=false}, as CI runs it.
	 */
	@Test
	void shouldServeVirtualHandlerThreadsThroughTheLoopWithoutAPoller() throws Exception {
		assumeTrue(HandlerThreads.virtual() && !pollerEnabled(), "needs virtual threads and the poller off");
		Listener listener = bind(BATCHING_ECHO);
		runClients(16, (seed) -> exchange(listener.port(), seed, 50));
		assertThat(pollerDispatched(group())).as("no stream poller exists").isEqualTo(-1);
	}

	@Test
	void shouldNotMakeAStreamPollerForEventLoopConnections() throws Exception {
		Listener listener = group().bind(ListenerConfig.builder("loop").host("127.0.0.1").port(0).build(), ECHO);
		assertThat(exchange(listener.port(), 7, 10)).isPositive();
		assertThat(pollerDispatched(group())).isEqualTo(-1);
	}

	/**
	 * Many handlers and the poller on different carriers at once, messages of up to 16 KiB that
	 * arrive in pieces: reports race with reads, so read interest is taken away and put back all
	 * the time (nio), and no wake-up may be lost. Bounded: 2 s of round trips per client at most.
	 */
	@Test
	void shouldLoseNoWakeUpWhenReportsRaceWithReads() throws Exception {
		assumePoller();
		Listener listener = bind(STREAM_ECHO);
		runClients(16, (seed) -> {
			Random random = new Random(seed);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
			long trips = 0;
			try (Socket socket = new Socket("127.0.0.1", listener.port())) {
				// a lost wake-up shows as this timeout
				socket.setSoTimeout(5_000);
				while (System.nanoTime() < deadline && trips < 20_000) {
					byte[] message = new byte[1 + random.nextInt(16 * 1024)];
					random.nextBytes(message);
					socket.getOutputStream().write(message);
					assertThat(Arrays.equals(socket.getInputStream().readNBytes(message.length), message))
						.as("echo").isTrue();
					trips++;
				}
			}
			return trips;
		});
	}

	/** A client: given its seed, returns how many bytes or round trips it did. */
	private interface Client {

		long run(long seed) throws Exception;

	}

	/** Run {@code clients} clients at once, each on its own thread with its own seed; each must do something. */
	private static void runClients(int clients, Client client) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			List<Future<Long>> results = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				long seed = i;
				results.add(pool.submit(() -> client.run(seed)));
			}
			for (Future<Long> result : results) {
				assertThat(result.get(50, TimeUnit.SECONDS)).isPositive();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Bytes the handler does not read while it is busy elsewhere are reported once, not on every
	 * poll: a level-triggered poller takes the read interest away until the handler waits again.
	 */
	@Test
	void shouldNotReportUnreadBytesOverAndOver() throws Exception {
		assumePoller();
		CountDownLatch gotFirst = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Listener listener = bind((stream) -> {
			InputStream in = stream.input();
			OutputStream out = stream.output();
			out.write(in.read());
			gotFirst.countDown();
			try {
				// busy elsewhere: parked, but not reading
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			byte[] buffer = new byte[4096];
			int n;
			while ((n = in.read(buffer)) > 0) {
				out.write(buffer, 0, n);
				out.flush();
			}
		});
		byte[] rest = new byte[1000];
		new Random(3).nextBytes(rest);
		try (Socket socket = new Socket("127.0.0.1", listener.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(1);
			assertThat(gotFirst.await(10, TimeUnit.SECONDS)).isTrue();
			long before = pollerDispatched(group());
			socket.getOutputStream().write(rest);
			// give a poller that reported the unread bytes on every poll time for thousands of polls
			Thread.sleep(300);
			long during = pollerDispatched(group()) - before;
			release.countDown();
			byte[] echo = socket.getInputStream().readNBytes(1 + rest.length);
			assertThat(echo[0]).isEqualTo((byte) 1);
			assertThat(Arrays.copyOfRange(echo, 1, echo.length)).isEqualTo(rest);
			assertThat(during).as("reports of bytes the handler did not read").isLessThan(20);
		}
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
			// the writes reach the loop as tasks: wait for them to queue behind the full socket
			await().atMost(Duration.ofSeconds(20)).until(() -> accepted.get().pendingWriteBytes() > 0);
			byte[] received = socket.getInputStream().readNBytes(size);
			assertThat(received).isEqualTo(payload);
		}
	}

	/** Send {@code messages} random messages one at a time, verify each echo; return the bytes echoed. */
	protected static long exchange(int port, long seed, int messages) throws Exception {
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
