package dev.rawtcp.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.CloseReason;
import dev.rawtcp.internal.LoopCalls;
import dev.rawtcp.internal.Loop;
import dev.rawtcp.internal.LoopTimers;
import dev.rawtcp.internal.PeriodicCheck;

/**
 * One event-loop thread: a {@link Selector}, a task queue woken through
 * {@link Selector#wakeup()} only while the loop waits, timers, and the listeners and
 * connections registered on it. Everything an event-loop connection does to its channel
 * happens on this thread, so nothing here takes a lock.
 */
final class NioEventLoop implements Loop {

	private static final Logger logger = LoggerFactory.getLogger(NioEventLoop.class);

	static final int BUFFER_SIZE = 64 * 1024;

	private static final int MAX_TASKS_PER_ITERATION = 4096;

	final Thread thread;

	final Selector selector;

	/** Shared read buffer of the event-loop connections on this loop: no allocation per read. */
	final ByteBuffer readBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

	/** Staging buffer for heap bytes, so the JDK never copies a whole large buffer per write. */
	final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

	final PeriodicCheck checks = new PeriodicCheck();

	private final LoopTimers timers = new LoopTimers();

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** Set while the loop waits (or is about to): the first task added then wakes it, later ones don't. */
	private final AtomicBoolean waiting = new AtomicBoolean();

	/** Time of the current iteration ({@link System#nanoTime()}), cached: no clock read per read. */
	long now = System.nanoTime();

	private boolean dispatching;

	private volatile boolean running = true;

	private volatile boolean dead;

	NioEventLoop(String name) throws IOException {
		this.selector = Selector.open();
		this.thread = new Thread(this::run, name);
	}

	void start() {
		this.thread.start();
	}

	@Override
	public boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	@Override
	public boolean isAlive() {
		return !this.dead && this.thread.isAlive();
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
		if (!inLoop() && this.waiting.getAndSet(false)) {
			this.selector.wakeup();
		}
	}

	@Override
	public long now() {
		return this.now;
	}

	@Override
	public PeriodicCheck checks() {
		return this.checks;
	}

	@Override
	public <T> @Nullable T call(Callable<T> task, long timeoutMillis) {
		return LoopCalls.call(this, this.thread, task, timeoutMillis);
	}

	@Override
	public void schedule(long delayNanos, Runnable task) {
		this.timers.schedule(System.nanoTime() + delayNanos, task);
	}

	/**
	 * Let the selector forget cancelled keys now, which closes the channels closed since
	 * (a registered channel's socket is only closed when its key is deregistered). Loop
	 * thread only; a no-op while keys are being dispatched (the next select does it).
	 */
	void deregisterCancelled() {
		if (this.dispatching) {
			return;
		}
		try {
			// ready keys land in the selected-key set and are dispatched by the next iteration
			this.selector.selectNow();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("selectNow failed", ex);
		}
	}

	// The loop

	private void run() {
		try {
			while (this.running) {
				select();
				this.now = System.nanoTime();
				dispatch(this.selector.selectedKeys());
				runTasks();
				this.timers.runDue(this.now);
				if (this.checks.due(this.now)) {
					checkConnections();
				}
			}
		}
		catch (Throwable ex) {
			this.dead = true;
			logger.error("rawtcp event loop {} died; its connections are lost", this.thread.getName(), ex);
		}
		finally {
			closeEverything();
		}
	}

	private void select() throws IOException {
		long timeout = timeoutMillis();
		if (timeout != 0) {
			this.waiting.set(true);
			if (!this.tasks.isEmpty()) {
				timeout = 0;
			}
		}
		if (timeout == 0) {
			this.selector.selectNow();
		}
		else {
			this.selector.select((timeout < 0) ? 0 : timeout);
		}
		this.waiting.set(false);
	}

	/** @return {@code -1} to wait for ever, {@code 0} not to wait, else milliseconds */
	private long timeoutMillis() {
		if (!this.tasks.isEmpty() || !this.selector.selectedKeys().isEmpty()) {
			return 0;
		}
		long deadline = this.timers.nextDeadline();
		long check = this.checks.nextDeadline();
		if (check != Long.MAX_VALUE && (deadline == Long.MAX_VALUE || check - deadline < 0)) {
			deadline = check;
		}
		if (deadline == Long.MAX_VALUE) {
			return -1;
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
		return Math.max(0, Math.min(millis, 60_000));
	}

	private void dispatch(Set<SelectionKey> keys) {
		if (keys.isEmpty()) {
			return;
		}
		this.dispatching = true;
		try {
			Iterator<SelectionKey> iterator = keys.iterator();
			while (iterator.hasNext()) {
				SelectionKey key = iterator.next();
				iterator.remove();
				dispatch(key);
			}
		}
		finally {
			this.dispatching = false;
		}
	}

	private void dispatch(SelectionKey key) {
		Object attachment = key.attachment();
		try {
			int ready = key.readyOps();
			if (attachment instanceof NioConnection connection) {
				connection.ready(ready);
			}
			else if (attachment instanceof NioListener listener) {
				listener.acceptReady();
			}
		}
		catch (CancelledKeyException ex) {
			// closed by an earlier key of this round
		}
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
				logger.warn("rawtcp event loop task failed", ex);
			}
		}
	}

	private void checkConnections() {
		for (SelectionKey key : this.selector.keys().toArray(new SelectionKey[0])) {
			if (key.attachment() instanceof NioConnection connection) {
				connection.check(this.now);
			}
		}
	}

	void shutdown() {
		this.running = false;
		this.waiting.set(true);
		execute(() -> {
		});
	}

	private void closeEverything() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.debug("Task at loop exit failed", ex);
			}
		}
		for (SelectionKey key : this.selector.keys().toArray(new SelectionKey[0])) {
			try {
				if (key.attachment() instanceof NioConnection connection) {
					connection.forceClose(CloseReason.SHUTDOWN);
				}
				else if (key.attachment() instanceof NioListener listener) {
					listener.closeSocket();
				}
			}
			catch (Throwable ex) {
				logger.debug("Closing at loop exit failed", ex);
			}
		}
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			logger.debug("Closing the selector failed", ex);
		}
	}

}
