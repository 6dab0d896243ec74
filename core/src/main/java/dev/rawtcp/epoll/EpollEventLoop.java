package dev.rawtcp.epoll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.internal.LoopCalls;
import dev.rawtcp.internal.Loop;
import dev.rawtcp.internal.LoopTimers;
import dev.rawtcp.internal.PeriodicCheck;

/**
 * One event-loop thread: an epoll fd in level-triggered mode for event-loop connections
 * (edge-triggered for thread-per-connection ones), an eventfd to wake it, a task queue,
 * and the connections and listeners registered on it. Everything a connection does to its
 * socket in event-loop mode happens on this thread, so nothing here takes a lock.
 */
final class EpollEventLoop implements Loop {

	private static final Logger logger = LoggerFactory.getLogger(EpollEventLoop.class);

	static final int BUFFER_SIZE = 64 * 1024;

	private static final int MAX_EVENTS = 512;

	private static final int MAX_TASKS_PER_ITERATION = 4096;

	private static final int AWAKE = 0;

	private static final int SLEEPING = 1;

	final int index;

	final Thread thread;

	private final int epfd;

	private final int eventFd;

	private final ByteBuffer events = Native.allocate(MAX_EVENTS * Native.EPOLL_EVENT_SIZE);

	private final long eventsAddress = Native.address(this.events);

	/** Shared read buffer of every event-loop connection on this loop. */
	final ByteBuffer readBuffer = Native.allocate(BUFFER_SIZE);

	final long readAddress = Native.address(this.readBuffer);

	/** Staging buffer for writes of heap bytes. */
	final ByteBuffer writeBuffer = Native.allocate(BUFFER_SIZE);

	final long writeAddress = Native.address(this.writeBuffer);

	/** sockaddr and its length slot for accept4. */
	final ByteBuffer acceptAddress = Native.allocate(Native.SOCKADDR_SIZE + 8);

	final long acceptAddressAddress = Native.address(this.acceptAddress);

	private final ByteBuffer ctlScratch = Native.allocate(16);

	private final long ctlScratchAddress = Native.address(this.ctlScratch);

	private final ByteBuffer eventFdScratch = Native.allocate(8);

	private final long eventFdScratchAddress = Native.address(this.eventFdScratch);

	private final ByteBuffer one = Native.allocate(8).putLong(0, 1L);

	private final long oneAddress = Native.address(this.one);

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicInteger wakeState = new AtomicInteger(AWAKE);

	private final LoopTimers timers = new LoopTimers();

	/** When to scan connections for idle timeouts and linger deadlines. */
	final PeriodicCheck checks = new PeriodicCheck();

	private Object[] handles = new Object[1024];

	/** Time of the current iteration ({@link System#nanoTime()}), cached: no clock read per read. */
	long now = System.nanoTime();

	private volatile boolean running = true;

	private volatile boolean dead;

	EpollEventLoop(String name, int index) throws IOException {
		this.index = index;
		this.epfd = Native.epollCreate();
		this.eventFd = Native.eventFd();
		int res = ctl(Native.EPOLL_CTL_ADD, this.eventFd, Native.EPOLLIN);
		if (res != 0) {
			throw Errors.newIOException("epoll_ctl", res);
		}
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
		if (!inLoop() && this.wakeState.getAndSet(AWAKE) == SLEEPING) {
			Native.eventFdWrite(this.eventFd, this.oneAddress);
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

	// Registration (loop thread only)

	int ctl(int op, int fd, int events) {
		return Native.epollCtl(this.epfd, op, fd, events, this.ctlScratch, this.ctlScratchAddress);
	}

	void register(int fd, Object handle, int events) throws IOException {
		if (fd >= this.handles.length) {
			this.handles = Arrays.copyOf(this.handles, Math.max(fd + 1, this.handles.length * 2));
		}
		this.handles[fd] = handle;
		int res = ctl(Native.EPOLL_CTL_ADD, fd, events);
		if (res != 0) {
			this.handles[fd] = null;
			throw Errors.newIOException("epoll_ctl", res);
		}
	}

	/** Forget a handle; the kernel forgets the fd when it is closed. */
	void forget(int fd, Object handle) {
		if (fd < this.handles.length && this.handles[fd] == handle) {
			this.handles[fd] = null;
		}
	}

	// The loop

	private void run() {
		try {
			while (this.running) {
				int timeout = timeoutMillis();
				if (timeout != 0) {
					this.wakeState.set(SLEEPING);
					if (!this.tasks.isEmpty()) {
						timeout = 0;
					}
				}
				int n = Native.epollWait(this.epfd, this.eventsAddress, MAX_EVENTS, timeout);
				this.wakeState.set(AWAKE);
				this.now = System.nanoTime();
				if (n < 0) {
					throw Errors.newIOException("epoll_wait", -n);
				}
				processEvents(n);
				runTasks();
				this.timers.runDue(this.now);
				if (this.checks.due(this.now)) {
					periodicCheck();
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

	private int timeoutMillis() {
		if (!this.tasks.isEmpty()) {
			return 0;
		}
		long deadline = this.checks.nextDeadline();
		long timer = this.timers.nextDeadline();
		if (timer != Long.MAX_VALUE && (deadline == Long.MAX_VALUE || timer - deadline < 0)) {
			deadline = timer;
		}
		if (deadline == Long.MAX_VALUE) {
			return -1;
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999);
		return (int) Math.max(0, Math.min(millis, 60_000));
	}

	private void processEvents(int n) {
		ByteBuffer events = this.events;
		int size = Native.EPOLL_EVENT_SIZE;
		for (int i = 0; i < n; i++) {
			int offset = i * size;
			int mask = events.getInt(offset);
			int fd = events.getInt(offset + Native.EPOLL_DATA_OFFSET);
			if (fd == this.eventFd) {
				Native.eventFdRead(this.eventFd, this.eventFdScratchAddress);
				continue;
			}
			Object handle = (fd < this.handles.length) ? this.handles[fd] : null;
			if (handle instanceof EpollConnection connection) {
				connection.handleEvents(mask);
			}
			else if (handle instanceof EpollListener listener) {
				listener.acceptReady(this);
			}
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

	private void periodicCheck() {
		Object[] handles = this.handles;
		for (Object handle : handles) {
			if (handle instanceof EpollConnection connection) {
				connection.check(this.now);
			}
		}
	}

	/** Connections on this loop, for snapshots and shutdown. Loop thread only. */
	List<EpollConnection> connections() {
		List<EpollConnection> result = new ArrayList<>();
		for (Object handle : this.handles) {
			if (handle instanceof EpollConnection connection) {
				result.add(connection);
			}
		}
		return result;
	}

	void shutdown() {
		this.running = false;
		execute(() -> {
		});
	}

	private void closeEverything() {
		for (Object handle : this.handles) {
			if (handle instanceof EpollConnection connection) {
				try {
					connection.forceClose(dev.rawtcp.CloseReason.SHUTDOWN);
				}
				catch (Throwable ex) {
					logger.debug("Closing connection at loop exit failed", ex);
				}
			}
		}
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.debug("Task at loop exit failed", ex);
			}
		}
		Native.close(this.eventFd);
		Native.close(this.epfd);
	}

}
