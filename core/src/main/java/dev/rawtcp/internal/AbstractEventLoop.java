package dev.rawtcp.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopStats;

/**
 * The part of an event loop both transports share: the thread, the MPSC task queue and its
 * wake-up protocol (the selector is woken only while the loop waits or is about to: an
 * atomic flag avoids redundant wake-ups), timers, the connection deadlines, the cached
 * clock, and the run loop itself, which polls for a short adaptive spin ({@link AdaptiveSpin})
 * before it waits, unless its reads come in bulk ({@link BulkReads}) or it serves
 * thread-per-connection sockets. A transport supplies waiting for and dispatching events,
 * the wake-up and the clean-up at exit.
 * <p>
 * For the group's {@link LoopWatchdog} the loop stamps the time it leaves its poll and clears
 * the stamp before it polls again, and notes whose handler it runs: plain (opaque) stores, no
 * lock, no allocation. An unexpected {@link Throwable} from an event, a task, a timer or a
 * deadline is logged (throttled), counted, and the loop goes on; the connection whose event
 * failed is reset. Only when {@value #MAX_ERROR_ITERATIONS} iterations in a row end with an
 * {@link Error} (an {@link OutOfMemoryError} that persists) is the loop declared dead, so that
 * it cannot spin for ever; a failing wait ({@link #select(long)}) ends it at once. Internal.
 */
public abstract class AbstractEventLoop implements Loop, LoopWatchdog.Watched {

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

	/** Iterations in a row that may end with an {@link Error} before the loop is declared dead. */
	static final int MAX_ERROR_ITERATIONS = 16;

	private static final VarHandle BUSY_SINCE;

	private static final VarHandle IN_HAND;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			BUSY_SINCE = lookup.findVarHandle(AbstractEventLoop.class, "busySince", long.class);
			IN_HAND = lookup.findVarHandle(AbstractEventLoop.class, "inHand", AbstractListener.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

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

	/** When the loop left its poll, {@code 0} while it polls: written opaque, read by the watchdog. */
	@SuppressWarnings("unused")
	private long busySince;

	/** The listener whose handler the loop may be running now: written opaque, read by the watchdog. */
	@SuppressWarnings("unused")
	private @Nullable AbstractListener inHand;

	/** The listener the watchdog last read, to count the episode it reports. Watchdog thread. */
	private @Nullable AbstractListener seenInHand;

	/** Where the group counts what no listener's handler was in hand for; set before the loop starts. */
	private EventLoopStats groupStats = new EventLoopStats();

	private final LogThrottle failureLog = new LogThrottle(10, TimeUnit.SECONDS);

	/** An {@link Error} reached the loop during this iteration. */
	private boolean errorInIteration;

	private int errorIterations;

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
		this.timers.schedule(System.nanoTime() + delayNanos, () -> {
			try {
				task.run();
			}
			catch (Throwable ex) {
				failed(ex, "a timer", null);
			}
		});
	}

	@Override
	public final void runsHandlerOf(AbstractListener listener) {
		IN_HAND.setOpaque(this, listener);
	}

	// Failures

	/**
	 * An event of a connection threw what the connection code did not catch: count and log it,
	 * and reset that connection, so that the loop goes on serving the others. Loop thread.
	 * @param connection the connection
	 * @param ex what was thrown
	 */
	protected final void eventFailed(AbstractConnection connection, Throwable ex) {
		failed(ex, "an event of a connection of listener '" + connection.listener().name() + "'", connection.listener());
		try {
			connection.forceClose(CloseReason.ERROR);
		}
		catch (Throwable closeFailure) {
			this.logger.debug("Resetting a failed connection failed", closeFailure);
		}
	}

	/**
	 * Count and log (throttled) a throwable that reached the loop, and note an {@link Error}.
	 * @param ex what was thrown
	 * @param where what threw it, for the log line
	 * @param listener the listener it belongs to, if known
	 */
	private void failed(Throwable ex, String where, @Nullable AbstractListener listener) {
		if (ex instanceof Error) {
			this.errorInIteration = true;
		}
		AbstractListener owner = (listener != null) ? listener : (AbstractListener) IN_HAND.getOpaque(this);
		if (owner != null) {
			owner.stats().recordLoopFailure();
		}
		else {
			this.groupStats.recordFailure();
		}
		long suppressed = this.failureLog.tryAcquire();
		if (suppressed < 0) {
			return;
		}
		String more = (suppressed > 0) ? " (" + suppressed + " more since the last report)" : "";
		try {
			this.logger.error("rawtcp event loop {} caught an unexpected {} from {}{}; it goes on serving its other "
					+ "connections", this.thread.getName(), ex.getClass().getName(), where, more, ex);
		}
		catch (Throwable logFailure) {
			// a throwable that cannot even be printed must not end the loop either
			this.logger.error("rawtcp event loop {} caught an unexpected {} from {}{} (it could not be printed: {}); "
					+ "it goes on serving its other connections", this.thread.getName(), ex.getClass().getName(), where,
					more, logFailure.getClass().getName());
		}
	}

	// Watchdog

	/**
	 * Have the group's watchdog watch this loop, and count on the group's statistics what no
	 * listener can be given. Before the loop starts.
	 * @param watchdog the group's watchdog
	 * @param stats the group's statistics
	 */
	final void watchedBy(LoopWatchdog watchdog, EventLoopStats stats) {
		this.groupStats = stats;
		watchdog.watch(this);
	}

	@Override
	public final Thread thread() {
		return this.thread;
	}

	@Override
	public final long busySince() {
		return (long) BUSY_SINCE.getOpaque(this);
	}

	@Override
	public final @Nullable String listenerInHand() {
		AbstractListener listener = (AbstractListener) IN_HAND.getOpaque(this);
		this.seenInHand = listener;
		return (listener != null) ? listener.name() : null;
	}

	@Override
	public final void blocked(@Nullable String listener) {
		// the watchdog reads listenerInHand() first, then reports the episode with what it read
		AbstractListener seen = this.seenInHand;
		if (listener != null && seen != null && seen.name().equals(listener)) {
			seen.stats().recordLoopBlocked();
		}
		else {
			this.groupStats.recordBlocked();
		}
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
				int count = poll();
				try {
					work(count);
				}
				catch (Throwable ex) {
					failed(ex, "its iteration", null);
				}
				if (this.errorInIteration) {
					this.errorInIteration = false;
					if (++this.errorIterations >= MAX_ERROR_ITERATIONS) {
						this.dead = true;
						this.logger.error("rawtcp event loop {} is declared dead: {} iterations in a row ended with an "
								+ "Error; its connections are closed", this.thread.getName(), this.errorIterations);
						return;
					}
				}
				else {
					this.errorIterations = 0;
				}
			}
		}
		catch (Throwable ex) {
			this.dead = true;
			this.logger.error("rawtcp event loop {} died; its connections are lost", this.thread.getName(), ex);
		}
		finally {
			BUSY_SINCE.setOpaque(this, 0L);
			closeEverything();
		}
	}

	/** Wait for events, or poll without waiting; an {@link IOException} ends the loop. */
	private int poll() throws IOException {
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
		BUSY_SINCE.setOpaque(this, 0L);
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
		long now = System.nanoTime();
		this.now = now;
		// never 0, which means "in its poll"
		BUSY_SINCE.setOpaque(this, now | 1);
		return count;
	}

	/** One iteration's events, tasks, timers and deadlines. */
	private void work(int count) {
		processEvents(count);
		IN_HAND.setOpaque(this, null);
		runTasks();
		this.timers.runDue(this.now);
		this.deadlines.runDue(this.now);
		IN_HAND.setOpaque(this, null);
		this.bulk = this.reads.bulk(this.now);
		endOfIteration();
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
				failed(ex, "a task", null);
			}
			IN_HAND.setOpaque(this, null);
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
