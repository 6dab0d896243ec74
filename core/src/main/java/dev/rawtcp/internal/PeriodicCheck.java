package dev.rawtcp.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When an event loop next scans its connections for idle timeouts and linger or drain
 * deadlines. Connections that need scanning register with {@link #watch(long, long)} and
 * leave with {@link #unwatch()}; the scan runs at the shortest interval asked for while
 * anything is watched, and never when nothing is. Loop thread only. Internal.
 */
public final class PeriodicCheck {

	/** Scan interval while a connection lingers or drains. */
	public static final long DEADLINE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MIN_IDLE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long MAX_IDLE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private int watched;

	private long intervalNanos = Long.MAX_VALUE;

	private long next = Long.MAX_VALUE;

	/**
	 * The scan interval for an idle timeout: a quarter of it, between 10 ms and 1 s.
	 * @param idleTimeout the listener's idle timeout
	 * @return the interval in nanoseconds, {@code 0} when the timeout is off
	 */
	public static long idleIntervalNanos(Duration idleTimeout) {
		long idle = idleTimeout.toNanos();
		if (idle <= 0) {
			return 0;
		}
		return Math.max(MIN_IDLE_INTERVAL_NANOS, Math.min(idle / 4, MAX_IDLE_INTERVAL_NANOS));
	}

	/**
	 * One more connection needs scanning at least every {@code intervalNanos}.
	 * @param intervalNanos the interval
	 * @param now the current {@link System#nanoTime()}
	 */
	public void watch(long intervalNanos, long now) {
		this.watched++;
		require(intervalNanos, now);
	}

	/**
	 * A connection already watched needs scanning more often from now on.
	 * @param intervalNanos the interval
	 * @param now the current {@link System#nanoTime()}
	 */
	public void require(long intervalNanos, long now) {
		if (intervalNanos < this.intervalNanos) {
			this.intervalNanos = intervalNanos;
		}
		long candidate = now + this.intervalNanos;
		if (this.next == Long.MAX_VALUE || candidate - this.next < 0) {
			this.next = candidate;
		}
	}

	/** A watched connection no longer needs scanning. */
	public void unwatch() {
		if (--this.watched <= 0) {
			this.watched = 0;
			this.intervalNanos = Long.MAX_VALUE;
			this.next = Long.MAX_VALUE;
		}
	}

	/**
	 * Whether a scan is due; if so, the next one is scheduled.
	 * @param now the current {@link System#nanoTime()}
	 * @return whether to scan now
	 */
	public boolean due(long now) {
		if (this.next == Long.MAX_VALUE || now - this.next < 0) {
			return false;
		}
		this.next = now + this.intervalNanos;
		return true;
	}

	/** @return the time of the next scan, {@link Long#MAX_VALUE} if none */
	public long nextDeadline() {
		return this.next;
	}

}
