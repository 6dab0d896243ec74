package dev.rawtcp.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task on an event loop and waits for its outcome, bounded in time, for callers on
 * other threads (snapshots, pause, bind). The outcome says which of result, failure,
 * time-out or loop gone happened ({@link CallOutcome}). A task whose wait timed out is
 * cancelled before the caller hears of it: the loop checks the cancellation before running
 * it, so it never runs later on a resource the caller has since released (a closed fd).
 * Internal.
 */
public final class LoopCalls {

	/** How often a waiting caller checks that the loop thread still lives. */
	private static final long LIVENESS_CHECK_MILLIS = 100;

	private LoopCalls() {
	}

	/**
	 * Run {@code task} on the loop (at once when called on it) and wait for its outcome.
	 * @param <T> the result type
	 * @param loop the loop's task queue
	 * @param loopThread the loop's thread
	 * @param task the task
	 * @param timeoutMillis how long to wait for the loop to start the task
	 * @return the outcome
	 */
	public static <T> CallOutcome<T> call(Executor loop, Thread loopThread, Callable<T> task, long timeoutMillis) {
		String name = loopThread.getName();
		if (Thread.currentThread() == loopThread) {
			try {
				return CallOutcome.result(task.call(), name);
			}
			catch (Exception ex) {
				return CallOutcome.failure(ex, name);
			}
		}
		if (!loopThread.isAlive()) {
			return CallOutcome.loopGone(name);
		}
		Pending<T> pending = new Pending<>(task);
		try {
			loop.execute(pending);
		}
		catch (RejectedExecutionException ex) {
			return CallOutcome.loopGone(name);
		}
		return pending.await(loopThread, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
	}

	/** A task queued on a loop that runs only if it was not cancelled first. */
	private static final class Pending<T> implements Runnable {

		private static final int QUEUED = 0;

		private static final int STARTED = 1;

		private static final int CANCELLED = 2;

		private final Callable<T> task;

		private final AtomicInteger state = new AtomicInteger(QUEUED);

		private final CompletableFuture<T> future = new CompletableFuture<>();

		Pending(Callable<T> task) {
			this.task = task;
		}

		@Override
		public void run() {
			if (!this.state.compareAndSet(QUEUED, STARTED)) {
				return;
			}
			try {
				this.future.complete(this.task.call());
			}
			catch (Throwable ex) {
				this.future.completeExceptionally(ex);
			}
		}

		private boolean cancel() {
			return this.state.compareAndSet(QUEUED, CANCELLED);
		}

		CallOutcome<T> await(Thread loopThread, long timeoutNanos) {
			String name = loopThread.getName();
			long deadline = System.nanoTime() + timeoutNanos;
			boolean interrupted = false;
			try {
				while (true) {
					try {
						return CallOutcome.result(this.future.get(LIVENESS_CHECK_MILLIS, TimeUnit.MILLISECONDS), name);
					}
					catch (ExecutionException ex) {
						return CallOutcome.failure(ex.getCause(), name);
					}
					catch (TimeoutException ex) {
						// checked below
					}
					catch (InterruptedException ex) {
						interrupted = true;
						if (cancel()) {
							return CallOutcome.failure(ex, name);
						}
						// started: wait for it to end, so that the caller never races a running task
					}
					if (!loopThread.isAlive()) {
						if (cancel()) {
							return CallOutcome.loopGone(name);
						}
						// a task that started completed its future before the thread could end
						return (this.future.isDone()) ? outcomeOfDone(name) : CallOutcome.loopGone(name);
					}
					if (deadline - System.nanoTime() <= 0 && cancel()) {
						return CallOutcome.timedOut(name);
					}
				}
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}

		private CallOutcome<T> outcomeOfDone(String name) {
			try {
				return CallOutcome.result(this.future.join(), name);
			}
			catch (RuntimeException ex) {
				return CallOutcome.failure((ex.getCause() != null) ? ex.getCause() : ex, name);
			}
		}

	}

}
