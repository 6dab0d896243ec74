package dev.rawtcp.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Runs a task on an event loop and waits for its result, bounded in time, for callers on
 * other threads (snapshots, pause, bind). Internal.
 */
public final class LoopCalls {

	private LoopCalls() {
	}

	/**
	 * Run {@code task} on the loop (at once when called on it) and wait for the result.
	 * @param <T> the result type
	 * @param loop the loop's task queue
	 * @param loopThread the loop's thread
	 * @param task the task
	 * @param timeoutMillis how long to wait
	 * @return the result; {@code null} if the task failed, the wait timed out, or the loop is gone
	 */
	public static <T> @Nullable T call(Executor loop, Thread loopThread, Callable<T> task, long timeoutMillis) {
		if (Thread.currentThread() == loopThread) {
			try {
				return task.call();
			}
			catch (Exception ex) {
				return null;
			}
		}
		if (!loopThread.isAlive()) {
			return null;
		}
		CompletableFuture<T> future = new CompletableFuture<>();
		loop.execute(() -> {
			try {
				future.complete(task.call());
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		});
		try {
			return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			return null;
		}
	}

}
