package dev.rawtcp.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * What the shared connection and listener code needs of an event loop: its thread, its task
 * queue, its cached clock, its connection deadlines and its timers. Internal.
 */
public interface Loop extends Executor {

	/** @return whether the caller runs on this loop's thread */
	boolean inLoop();

	/** @return whether the loop thread runs and has not died */
	boolean isAlive();

	/** @return the time of the current iteration ({@link System#nanoTime()}), cached by the loop */
	long now();

	/** @return the deadlines of the loop's connections; loop thread only */
	DeadlineQueue deadlines();

	/**
	 * Run a task on this loop and wait for its outcome (see {@link LoopCalls}).
	 * @param <T> the result type
	 * @param task the task
	 * @param timeoutMillis how long to wait for the loop to start it
	 * @return the outcome: result, failure, time-out (the task will never run) or loop gone
	 */
	<T> CallOutcome<T> callOutcome(Callable<T> task, long timeoutMillis);

	/**
	 * Run a task on this loop and take its value if it returned one: for snapshots, where a
	 * missing value is the answer whatever the reason. Anything that must tell a failure from a
	 * time-out uses {@link #callOutcome(Callable, long)}.
	 * @param <T> the result type
	 * @param task the task
	 * @param timeoutMillis how long to wait for the loop to start it
	 * @return the value, or {@code null} if the call did not return one
	 */
	default <T> @Nullable T call(Callable<T> task, long timeoutMillis) {
		return callOutcome(task, timeoutMillis).valueOrNull();
	}

	/**
	 * An event-loop read moved {@code bytes} into the loop's buffer. A loop whose reads are large
	 * waits rather than spins before its next poll, so that the next read finds more. Loop thread only.
	 * @param bytes how many
	 */
	void readBytes(int bytes);

	/**
	 * Run a task on this loop after a delay. Loop thread only.
	 * @param delayNanos the delay
	 * @param task the task
	 */
	void schedule(long delayNanos, Runnable task);

	/**
	 * The loop is about to run code of a connection of this listener, its handler's among it: the
	 * watchdog names it if the loop blocks. A plain store; the loop forgets it after each task and
	 * after its events. Loop thread only.
	 * @param listener the listener
	 */
	void runsHandlerOf(AbstractListener listener);

}
