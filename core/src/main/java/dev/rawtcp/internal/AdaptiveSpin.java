package dev.rawtcp.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How long a stream poller or an event loop keeps polling after an empty poll before it parks:
 * about twice the recent gaps between events, at most a maximum, halved each time it spun for
 * nothing, so it drops to none when events come further apart than the maximum. Spinning trades
 * CPU for latency: while events come less than the maximum apart the thread keeps a core busy
 * between them, but a handler a poller wakes runs on its carrier without a {@code futex} or a
 * context switch, and a loop that polls is not woken (the sender of the packet pays that wake-up
 * on loopback, the network interrupt on a real network). One thread only. Internal.
 */
public final class AdaptiveSpin {

	/** A spin halved below this is dropped: the poller then parks at the first empty poll. */
	private static final long MIN_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

	private final long maxNanos;

	private final LongSupplier clock;

	private long spinNanos;

	/** When the current run of empty polls began, 0 while polls find events. */
	private long emptySince;

	/**
	 * @param maxMicros the longest spin, from a system property; 0 parks at the first empty poll
	 */
	public AdaptiveSpin(long maxMicros) {
		this(maxMicros, System::nanoTime);
	}

	/**
	 * @param maxMicros the longest spin; 0 parks at the first empty poll
	 * @param clock the time in nanoseconds, {@link System#nanoTime()} but in tests
	 */
	public AdaptiveSpin(long maxMicros, LongSupplier clock) {
		this.maxNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, maxMicros));
		this.clock = clock;
	}

	/**
	 * After a poll: keep polling while polls find events or the spin lasts, yielding the carrier to
	 * the handlers the poll woke; else the caller parks (and then calls {@link #woke(long)}).
	 * @param found whether the poll found events
	 * @return {@code true} to poll again (after a {@link Thread#yield()}), {@code false} to park
	 */
	public boolean pollAgain(boolean found) {
		if (found) {
			found();
		}
		else if (!keepSpinning()) {
			return false;
		}
		Thread.yield();
		return true;
	}

	/**
	 * An event loop is about to wait: whether to {@link Thread#yield()} and poll instead (then call
	 * {@link #found()} if the poll finds events, and ask again before the next wait). {@code false}
	 * once the spin has lasted its length (which is then halved), or at once when it is none.
	 * @return {@code true} to poll without waiting, {@code false} to wait (and then call
	 * {@link #woke(long)} if the wait found events)
	 */
	public boolean pollInsteadOfWait() {
		return this.spinNanos != 0 && keepSpinning();
	}

	/** A poll found events: a spin that waited for them paid off, spin at least twice that next time. */
	public void found() {
		if (this.emptySince != 0) {
			learn(this.clock.getAsLong() - this.emptySince);
			this.emptySince = 0;
		}
	}

	/**
	 * A poll found nothing.
	 * @return {@code true} to poll again, {@code false} to park (the spin is then halved)
	 */
	private boolean keepSpinning() {
		long now = this.clock.getAsLong();
		if (this.emptySince == 0) {
			this.emptySince = now;
		}
		if (now - this.emptySince < this.spinNanos) {
			return true;
		}
		this.spinNanos = (this.spinNanos > MIN_SPIN_NANOS) ? this.spinNanos / 2 : 0;
		this.emptySince = 0;
		return false;
	}

	/**
	 * The poller woke from a park that began at {@code parkedAt}: a spin that long would have
	 * saved the round through the park.
	 * @param parkedAt the clock's time before it parked
	 */
	public void woke(long parkedAt) {
		learn(this.clock.getAsLong() - parkedAt);
	}

	private void learn(long waited) {
		if (waited < this.maxNanos) {
			this.spinNanos = Math.min(this.maxNanos, Math.max(this.spinNanos, 2 * waited));
		}
	}

}
