package dev.rawtcp.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices an event loop that has not come back to its poll for longer than a threshold, the way
 * Vert.x's blocked-thread checker does: one daemon thread per group reads each loop's stamp (set
 * by the loop when it leaves its poll, cleared when it goes back), and past the threshold logs one
 * WARN per episode with the loop thread's stack and the listener whose handler holds it, and
 * counts it. The loop itself pays a few opaque stores per iteration (the stamp twice, whose
 * handler it runs once per event and task: plain moves on x86), no lock and no allocation.
 * Internal.
 */
public final class LoopWatchdog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LoopWatchdog.class);

	/** What the watchdog reads of a loop. */
	public interface Watched {

		/** @return the loop's thread */
		Thread thread();

		/** @return when the loop left its poll (its clock), {@code 0} while it polls or waits */
		long busySince();

		/** @return the listener whose handler the loop runs now, if known */
		@Nullable String listenerInHand();

		/**
		 * The loop was found blocked: count it.
		 * @param listener the listener whose handler held it, if known
		 */
		void blocked(@Nullable String listener);

	}

	private final long thresholdNanos;

	private final LongSupplier clock;

	private final List<Entry> watched = new CopyOnWriteArrayList<>();

	private final @Nullable Thread thread;

	private volatile boolean running = true;

	/**
	 * Start a watchdog thread.
	 * @param name the thread's name
	 * @param threshold how long a loop may stay away from its poll; zero switches the watchdog off
	 */
	public LoopWatchdog(String name, Duration threshold) {
		this(threshold, System::nanoTime, true, name);
	}

	/**
	 * A watchdog without a thread, checked by {@link #check()}: for tests.
	 * @param threshold how long a loop may stay away from its poll
	 * @param clock the loops' clock
	 */
	LoopWatchdog(Duration threshold, LongSupplier clock) {
		this(threshold, clock, false, "");
	}

	private LoopWatchdog(Duration threshold, LongSupplier clock, boolean startThread, String name) {
		this.thresholdNanos = threshold.toNanos();
		this.clock = clock;
		if (startThread && this.thresholdNanos > 0) {
			Thread t = new Thread(this::run, name);
			t.setDaemon(true);
			this.thread = t;
			t.start();
		}
		else {
			this.thread = null;
		}
	}

	/**
	 * Watch a loop.
	 * @param loop the loop
	 */
	public void watch(Watched loop) {
		this.watched.add(new Entry(loop));
	}

	/**
	 * Check every loop once: log and count each episode that passed the threshold. The watchdog's
	 * thread, or a test.
	 */
	void check() {
		long now = this.clock.getAsLong();
		for (Entry entry : this.watched) {
			entry.check(now);
		}
	}

	private void run() {
		long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), this.thresholdNanos / 4);
		while (this.running) {
			LockSupport.parkNanos(this, period);
			try {
				check();
			}
			catch (RuntimeException ex) {
				logger.debug("rawtcp loop watchdog check failed", ex);
			}
		}
	}

	@Override
	public void close() {
		this.running = false;
		Thread t = this.thread;
		if (t != null) {
			LockSupport.unpark(t);
			if (Thread.currentThread() != t) {
				try {
					// it only parks and checks: it ends at once, so the group leaves no thread behind
					t.join(TimeUnit.SECONDS.toMillis(5));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
	}

	private final class Entry {

		private final Watched loop;

		/** The stamp of the episode already reported, so that an episode is reported once. */
		private long reported;

		Entry(Watched loop) {
			this.loop = loop;
		}

		void check(long now) {
			long since = this.loop.busySince();
			if (since == 0 || since == this.reported || now - since < LoopWatchdog.this.thresholdNanos) {
				return;
			}
			this.reported = since;
			String listener = this.loop.listenerInHand();
			this.loop.blocked(listener);
			Thread t = this.loop.thread();
			BlockedLoopException stack = new BlockedLoopException(t, listener, Duration.ofNanos(now - since));
			stack.setStackTrace(t.getStackTrace());
			logger.warn("rawtcp event loop {} has not come back to its poll for {} ms (threshold {} ms){}: "
					+ "a handler or task blocks it, and every other connection on it waits; its stack:",
					t.getName(), TimeUnit.NANOSECONDS.toMillis(now - since),
					TimeUnit.NANOSECONDS.toMillis(LoopWatchdog.this.thresholdNanos),
					(listener != null) ? ", in a handler of listener '" + listener + "'" : "", stack);
		}

	}

	/** Carries a blocked loop thread's stack into the log. */
	static final class BlockedLoopException extends Exception {

		private static final long serialVersionUID = 1L;

		BlockedLoopException(Thread thread, @Nullable String listener, Duration blockedFor) {
			super("Thread " + thread.getName() + " blocked for " + blockedFor.toMillis() + " ms"
					+ ((listener != null) ? " in listener '" + listener + "'" : ""), null, false, true);
		}

	}

}
