package dev.rawtcp;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of an event-loop group for what no listener can be given: a loop blocked, or an
 * unexpected throwable, while it ran a task, a timer or its own code rather than a listener's
 * handler. What a listener's handler caused is counted in its {@link ListenerStats}. Read
 * when metrics are scraped.
 */
public final class EventLoopStats {

	private final LongAdder blocked = new LongAdder();

	private final LongAdder failures = new LongAdder();

	/** @return episodes in which a loop stayed away from its poll past the threshold outside any listener's handler */
	public long blocked() {
		return this.blocked.sum();
	}

	/** @return unexpected throwables that reached a loop outside any listener's connections */
	public long failures() {
		return this.failures.sum();
	}

	// Recording: called by the loops and their watchdog.

	public void recordBlocked() {
		this.blocked.increment();
	}

	public void recordFailure() {
		this.failures.increment();
	}

}
