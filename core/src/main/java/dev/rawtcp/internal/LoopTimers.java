package dev.rawtcp.internal;

import java.util.PriorityQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delayed tasks of one event loop, run by the loop itself between two waits (the loop
 * bounds its wait by {@link #nextDeadline()}): no timer thread. Loop thread only. Internal.
 */
public final class LoopTimers {

	private static final Logger logger = LoggerFactory.getLogger(LoopTimers.class);

	private final PriorityQueue<Entry> queue = new PriorityQueue<>();

	private long sequence;

	/**
	 * Run {@code task} once {@link System#nanoTime()} has reached {@code deadlineNanos}.
	 * @param deadlineNanos the deadline
	 * @param task the task
	 */
	public void schedule(long deadlineNanos, Runnable task) {
		this.queue.add(new Entry(deadlineNanos, this.sequence++, task));
	}

	/** @return the earliest deadline, {@link Long#MAX_VALUE} if nothing is scheduled */
	public long nextDeadline() {
		Entry head = this.queue.peek();
		return (head != null) ? head.deadline : Long.MAX_VALUE;
	}

	/**
	 * Run every task whose deadline has passed; a failing task is logged and skipped.
	 * @param now the current {@link System#nanoTime()}
	 */
	public void runDue(long now) {
		Entry head;
		while ((head = this.queue.peek()) != null && now - head.deadline >= 0) {
			this.queue.poll();
			try {
				head.task.run();
			}
			catch (Throwable ex) {
				logger.warn("rawtcp event loop timer failed", ex);
			}
		}
	}

	private record Entry(long deadline, long sequence, Runnable task) implements Comparable<Entry> {

		@Override
		public int compareTo(Entry other) {
			int byTime = Long.compare(this.deadline - other.deadline, 0);
			return (byTime != 0) ? byTime : Long.compare(this.sequence, other.sequence);
		}

	}

}
