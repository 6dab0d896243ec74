package dev.rawtcp.reliability;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Soak: for {@link #DURATION} per mode, long-lived clients ping-pong random messages while
 * others connect, exchange a few messages and leave (close, half-close or reset). No byte
 * may be lost or corrupted; afterwards the process's fd count and its heap after GC are
 * back near their baselines. Tagged {@code soak}: runs with {@code -Psoak} only.
 */
@Tag("soak")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class AbstractSoakTest extends ReliabilityTestSupport {

	static final Duration DURATION = Duration.ofSeconds(28);

	private static final int PING_PONG_CLIENTS = 16;

	private static final int CHURN_THREADS = 2;

	private static final int FD_SLACK = 8;

	private static final long HEAP_SLACK = 32L * 1024 * 1024;

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldLoseNoByteAndLeakNoFdOrHeapUnderChurnAndPingPong(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("soak"), mode);
		ListenerStats stats = listener.stats();
		// one connection per loop at once (round robin), so that every loop has made what it makes with its
		// first connection (a thread-per-connection stream poller: 1 fd on epoll, 2 on nio) before the baseline
		List<Socket> warmUps = new ArrayList<>();
		for (int i = 0; i < group().threads(); i++) {
			warmUps.add(connect(listener));
		}
		byte[] hello = "warm up".getBytes();
		for (Socket warmUp : warmUps) {
			warmUp.getOutputStream().write(hello);
			assertThat(warmUp.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
			warmUp.close();
		}
		await().atMost(AWAIT).until(() -> stats.active() == 0);
		int fdsBefore = openFds();
		long heapBefore = heapAfterGc();
		Load load = new Load(listener, System.nanoTime() + DURATION.toNanos());
		load.run();
		assertThat(load.failure.get()).as("first failure").isNull();
		await().atMost(AWAIT).until(() -> stats.active() == 0);
		await().atMost(AWAIT).until(() -> openFds() <= fdsBefore + FD_SLACK);
		int fdsAfter = openFds();
		long heapAfter = heapAfterGc();
		System.out.printf("SOAK %s %s: %d s, %d connections (%d churned), %d round trips, %d MiB echoed, "
				+ "fds %d -> %d, heap after GC %d -> %d MiB, closed %s%n", transport().tagValue(), mode.value(),
				DURATION.toSeconds(), stats.accepted(), load.churned.get(), load.roundTrips.get(),
				load.bytes.get() >> 20, fdsBefore, fdsAfter, heapBefore >> 20, heapAfter >> 20, closedCounts(stats));
		assertThat(load.roundTrips.get()).isPositive();
		assertThat(stats.bytesReceived()).isEqualTo(stats.bytesSent());
		assertThat(heapAfter).isLessThan(heapBefore + HEAP_SLACK);
	}

	private static String closedCounts(ListenerStats stats) {
		StringBuilder counts = new StringBuilder();
		for (dev.rawtcp.CloseReason reason : dev.rawtcp.CloseReason.values()) {
			counts.append(reason.tagValue()).append('=').append(stats.closed(reason)).append(' ');
		}
		return counts.toString().trim();
	}

	static int openFds() {
		String[] fds = new File("/proc/self/fd").list();
		return (fds != null) ? fds.length : 0;
	}

	static long heapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * The clients: ping-pong threads on long-lived connections and churn threads, until the deadline.
	 */
	private final class Load {

		final AtomicLong roundTrips = new AtomicLong();

		final AtomicLong bytes = new AtomicLong();

		final AtomicLong churned = new AtomicLong();

		final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

		private final Listener listener;

		private final long deadline;

		Load(Listener listener, long deadline) {
			this.listener = listener;
			this.deadline = deadline;
		}

		void run() throws InterruptedException {
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < PING_PONG_CLIENTS; i++) {
				threads.add(new Thread(() -> guarded(this::pingPong), "soak-ping-pong-" + i));
			}
			for (int i = 0; i < CHURN_THREADS; i++) {
				threads.add(new Thread(() -> guarded(this::churn), "soak-churn-" + i));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join(DURATION.toMillis() + AWAIT.toMillis());
			}
		}

		private boolean running() {
			return System.nanoTime() < this.deadline && this.failure.get() == null;
		}

		private void pingPong(Random random) throws Exception {
			try (Socket socket = new Socket("127.0.0.1", this.listener.port())) {
				socket.setSoTimeout((int) AWAIT.toMillis());
				while (running()) {
					roundTrip(socket, random, 16 * 1024);
				}
			}
		}

		private void churn(Random random) throws Exception {
			while (running()) {
				Socket socket = new Socket("127.0.0.1", this.listener.port());
				socket.setSoTimeout((int) AWAIT.toMillis());
				for (int i = random.nextInt(4); i >= 0; i--) {
					roundTrip(socket, random, 4096);
				}
				int leave = random.nextInt(10);
				if (leave == 0) {
					reset(socket);
				}
				else if (leave < 3) {
					socket.shutdownOutput();
					if (socket.getInputStream().read() != -1) {
						throw new IllegalStateException("bytes after the echo");
					}
					socket.close();
				}
				else {
					socket.close();
				}
				this.churned.incrementAndGet();
				Thread.sleep(10);
			}
		}

		private void roundTrip(Socket socket, Random random, int maxSize) throws Exception {
			byte[] message = new byte[1 + random.nextInt(maxSize)];
			random.nextBytes(message);
			socket.getOutputStream().write(message);
			byte[] echo = socket.getInputStream().readNBytes(message.length);
			if (!Arrays.equals(echo, message)) {
				throw new IllegalStateException("echo of " + message.length + " bytes came back as " + echo.length
						+ " bytes" + ((echo.length == message.length) ? ", corrupted" : ""));
			}
			this.roundTrips.incrementAndGet();
			this.bytes.addAndGet(message.length);
		}

		private void guarded(Body body) {
			try {
				body.run(new Random(Thread.currentThread().getName().hashCode()));
			}
			catch (Throwable ex) {
				this.failure.compareAndSet(null, new AssertionError(Thread.currentThread().getName() + ": " + ex, ex));
			}
		}

	}

	@FunctionalInterface
	private interface Body {

		void run(Random random) throws Exception;

	}

}
