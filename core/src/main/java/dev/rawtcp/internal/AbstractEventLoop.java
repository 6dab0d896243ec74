package dev.rawtcp.internal;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;

/**
 * The part of an event loop both transports share: the thread, the MPSC task queue and its
 * wake-up protocol (the selector is woken only while the loop waits or is about to: an
 * atomic flag avoids redundant wake-ups), timers, the connection deadlines, the cached
 * clock, and the run loop itself, which polls for a short adaptive spin ({@link AdaptiveSpin})
 * before it waits, unless its reads come in bulk ({@link BulkReads}) or it serves
 * thread-per-connection sockets. A transport supplies waiting for and dispatching events,
 * the wake-up and the clean-up at exit. Internal.
 */
public abstract class AbstractEventLoop implements Loop {

	static {
		// Running out of file descriptors must not kill a loop, yet loading a class from a directory or
		// from a jar not opened yet takes one: load what the accept backoff (EMFILE) uses now.
		LoopTimers timers = new LoopTimers();
		timers.schedule(1, () -> {
		});
		timers.schedule(0, () -> {
		});
		timers.runDue(1);
	}

	private static final int MAX_TASKS_PER_ITERATION = 4096;

	/**
	 * The longest spin before the loop waits ({@code -Ddev.rawtcp.loopSpinMicros}, default 50; 0
	 * waits at once when there is nothing to do).
	 */
	private static final long MAX_SPIN_MICROS = Long.getLong("dev.rawtcp.loopSpinMicros", 50);

	private final Logger logger;

	/** The loop's thread. */
	public final Thread thread;

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** Set while the loop waits (or is about to): the first task added then wakes it, later ones don't. */
	private final AtomicBoolean waiting = new AtomicBoolean();

	/** Polls instead of waiting while events come closer together than the spin. */
	private final AdaptiveSpin spin = new AdaptiveSpin(MAX_SPIN_MICROS);

	/** Cleared for good once the loop serves a thread-per-connection socket. */
	private boolean spins = MAX_SPIN_MICROS > 0;

	/** Event-loop reads, to wait instead of spinning while they come in bulk. */
	private final BulkReads reads = new BulkReads();

	/** The last window read bulk data. */
	private boolean bulk;

	private final LoopTimers timers = new LoopTimers();

	private final DeadlineQueue deadlines = new DeadlineQueue();

	/** Time of the current iteration ({@link System#nanoTime()}), cached: no clock read per read. */
	private long now = System.nanoTime();

	private volatile boolean running = true;

	private volatile boolean dead;

	/**
	 * Create the loop; its thread starts with {@link #start()}.
	 * @param logger the transport's logger
	 * @param name the thread's name
	 */
	protected AbstractEventLoop(Logger logger, String name) {
		this.logger = logger;
		this.thread = new Thread(this::run, name);
	}

	// Transport primitives

	/**
	 * Wait for events.
	 * @param timeoutMillis {@code -1} to wait for ever, {@code 0} not to wait, else milliseconds
	 * @return the number of events ready
	 * @throws IOException if waiting failed (the loop dies)
	 */
	protected abstract int select(long timeoutMillis) throws IOException;

	/**
	 * Dispatch the events the last {@link #select(long)} returned.
	 * @param count their number
	 */
	protected abstract void processEvents(int count);

	/** @return whether events are ready that the next wait must not block on */
	protected boolean hasPendingEvents() {
		return false;
	}

	/** Wake the loop from its wait. Any thread. */
	protected abstract void wakeup();

	/** Close every connection, listener and the selector when the loop ends; run {@link #runRemainingTasks()}. */
	protected abstract void closeEverything();

	// Loop

	/** Start the thread. */
	public final void start() {
		this.thread.start();
	}

	@Override
	public final boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	@Override
	public final boolean isAlive() {
		return !this.dead && this.thread.isAlive();
	}

	@Override
	public final long now() {
		return this.now;
	}

	@Override
	public final DeadlineQueue deadlines() {
		return this.deadlines;
	}

	@Override
	public final void execute(Runnable task) {
		this.tasks.add(task);
		if (!inLoop() && this.waiting.getAndSet(false)) {
			wakeup();
		}
	}

	@Override
	public final <T> CallOutcome<T> callOutcome(Callable<T> task, long timeoutMillis) {
		return LoopCalls.call(this, this.thread, task, timeoutMillis);
	}

	@Override
	public final void readBytes(int bytes) {
		this.reads.add(bytes);
	}

	@Override
	public final void schedule(long delayNanos, Runnable task) {
		this.timers.schedule(System.nanoTime() + delayNanos, task);
	}

	/**
	 * Release what a loop that was never started holds (its selector or fds), when the group
	 * it was made for could not be made whole.
	 */
	final void releaseUnstarted() {
		closeEverything();
	}

	/**
	 * Wait for the loop thread to end, unless the caller is that thread.
	 * @param deadlineNanos a {@link System#nanoTime()} deadline
	 * @return whether the thread ended (or is the caller's)
	 * @throws InterruptedException if interrupted while waiting
	 */
	final boolean awaitTermination(long deadlineNanos) throws InterruptedException {
		if (inLoop()) {
			return true;
		}
		long remaining = deadlineNanos - System.nanoTime();
		if (remaining > 0) {
			this.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
		}
		return !this.thread.isAlive();
	}

	/** End the loop after its current iteration. */
	public final void shutdown() {
		this.running = false;
		this.waiting.set(true);
		execute(() -> {
		});
	}

	private void run() {
		try {
			while (this.running) {
				long timeout = timeoutMillis();
				long waitedFrom = 0;
				if (timeout != 0) {
					if (this.spins && !this.bulk && this.spin.pollInsteadOfWait()) {
						timeout = 0;
						Thread.yield();
					}
					else {
						this.waiting.set(true);
						if (!this.tasks.isEmpty()) {
							timeout = 0;
						}
						waitedFrom = System.nanoTime();
					}
				}
				int count;
				try {
					count = select(timeout);
				}
				finally {
					this.waiting.set(false);
				}
				if (count > 0) {
					if (waitedFrom != 0) {
						this.spin.woke(waitedFrom);
					}
					else {
						this.spin.found();
					}
				}
				this.now = System.nanoTime();
				processEvents(count);
				runTasks();
				this.timers.runDue(this.now);
				this.deadlines.runDue(this.now);
				this.bulk = this.reads.bulk(this.now);
				endOfIteration();
			}
		}
		catch (Throwable ex) {
			this.dead = true;
			this.logger.error("rawtcp event loop {} died; its connections are lost", this.thread.getName(), ex);
		}
		finally {
			closeEverything();
		}
	}

	/**
	 * The loop serves a thread-per-connection socket: from now on it waits as soon as it has nothing
	 * to do, so as not to take the core from the handler threads (a stream poller, where there is one,
	 * spins for them instead). Loop thread.
	 */
	protected final void stopSpinning() {
		this.spins = false;
	}

	/** After each iteration's events, tasks, timers and checks: for work batched per iteration. */
	protected void endOfIteration() {
	}

	/** @return {@code -1} to wait for ever, {@code 0} not to wait, else milliseconds */
	private long timeoutMillis() {
		if (!this.tasks.isEmpty() || hasPendingEvents()) {
			return 0;
		}
		long deadline = this.timers.nextDeadline();
		long check = this.deadlines.nextDeadline();
		if (check != Long.MAX_VALUE && (deadline == Long.MAX_VALUE || check - deadline < 0)) {
			deadline = check;
		}
		if (deadline == Long.MAX_VALUE) {
			return -1;
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
		return Math.max(0, Math.min(millis, 60_000));
	}

	private void runTasks() {
		for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				return;
			}
			try {
				task.run();
			}
			catch (Throwable ex) {
				this.logger.warn("rawtcp event loop task failed", ex);
			}
		}
	}

	/** Run what is left in the task queue when the loop ends. */
	protected final void runRemainingTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				this.logger.debug("Task at loop exit failed", ex);
			}
		}
	}

}
