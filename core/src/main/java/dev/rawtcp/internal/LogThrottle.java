package dev.rawtcp.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts what it held back, so that a fault
 * hitting every connection (or every accept) is logged once, not per event. Thread-safe.
 * Internal.
 */
public final class LogThrottle {

	private final long intervalNanos;

	private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);

	private final AtomicLong suppressed = new AtomicLong();

	/**
	 * Create a throttle.
	 * @param interval the minimum time between two lines
	 * @param unit its unit
	 */
	public LogThrottle(long interval, TimeUnit unit) {
		this.intervalNanos = unit.toNanos(interval);
	}

	/**
	 * Whether to log now.
	 * @return {@code -1} to stay silent, else the number of events held back since the last line
	 */
	public long tryAcquire() {
		long now = System.nanoTime();
		long next = this.nextAllowed.get();
		if ((next == Long.MIN_VALUE || now - next >= 0) && this.nextAllowed.compareAndSet(next, now + this.intervalNanos)) {
			return this.suppressed.getAndSet(0);
		}
		this.suppressed.incrementAndGet();
		return -1;
	}

}
