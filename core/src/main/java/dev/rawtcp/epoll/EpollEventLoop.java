package dev.rawtcp.epoll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.internal.AbstractEventLoop;

/**
 * One event-loop thread: an epoll fd in level-triggered mode for event-loop connections
 * (edge-triggered for thread-per-connection ones), an eventfd to wake it, a task queue,
 * and the connections and listeners registered on it. Everything a connection does to its
 * socket in event-loop mode happens on this thread, so nothing here takes a lock.
 */
final class EpollEventLoop extends AbstractEventLoop {

	private static final Logger logger = LoggerFactory.getLogger(EpollEventLoop.class);

	static final int BUFFER_SIZE = 64 * 1024;

	private static final int MAX_EVENTS = 512;

	final int index;

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

	private Object[] handles = new Object[1024];

	static {
		// Running out of file descriptors must not kill a loop, yet loading a class from a directory or
		// from a jar not opened yet takes one: load what the accept backoff (EMFILE) uses now
		// (the shared timers are loaded by AbstractEventLoop).
		for (int errno : new int[] { Errors.EMFILE, Errors.ENFILE, Errors.ENOBUFS, Errors.ENOMEM, Errors.ECONNABORTED }) {
			Errors.name(errno);
			Native.strerror(errno);
		}
	}

	EpollEventLoop(String name, int index) throws IOException {
		super(logger, name);
		this.index = index;
		this.epfd = Native.epollCreate();
		this.eventFd = Native.eventFd();
		int res = ctl(Native.EPOLL_CTL_ADD, this.eventFd, Native.EPOLLIN);
		if (res != 0) {
			throw Errors.newIOException("epoll_ctl", res);
		}
	}

	@Override
	protected void wakeup() {
		Native.eventFdWrite(this.eventFd, this.oneAddress);
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

	@Override
	protected int select(long timeoutMillis) throws IOException {
		int n = Native.epollWait(this.epfd, this.eventsAddress, MAX_EVENTS, (int) timeoutMillis);
		if (n < 0) {
			throw Errors.newIOException("epoll_wait", -n);
		}
		return n;
	}

	@Override
	protected void processEvents(int n) {
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

	@Override
	protected void checkConnections() {
		Object[] handles = this.handles;
		for (Object handle : handles) {
			if (handle instanceof EpollConnection connection) {
				connection.check(now());
			}
		}
	}

	@Override
	protected void closeEverything() {
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
		runRemainingTasks();
		Native.close(this.eventFd);
		Native.close(this.epfd);
	}

}
