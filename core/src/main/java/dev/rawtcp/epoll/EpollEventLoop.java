package dev.rawtcp.epoll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.internal.AbstractEventLoop;
import dev.rawtcp.internal.HandlerThreads;

/**
 * One event-loop thread: an epoll fd in level-triggered mode for event-loop connections
 * (edge-triggered for thread-per-connection ones), an eventfd to wake it, a task queue,
 * and the connections and listeners registered on it. Everything a connection does to its
 * socket in event-loop mode happens on this thread, so nothing here takes a lock.
 */
final class EpollEventLoop extends AbstractEventLoop {

	private static final Logger logger = LoggerFactory.getLogger(EpollEventLoop.class);

	/**
	 * Size of the loop's read and staging buffers: what one {@code read} or {@code send} of an
	 * event-loop connection moves at most. 256 KiB rather than 64: streaming over loopback went from
	 * 0.85x to 1.04-1.40x of Netty in wall clock in three runs (docs/performance.md, finding 4),
	 * because a read takes everything queued and the echo goes out in one large send that the peer
	 * receives more cheaply.
	 */
	static final int BUFFER_SIZE = 256 * 1024;

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

	/** The poller of this loop's thread-per-connection sockets, made with the first of them (JDK 21+). */
	private @Nullable StreamPoller poller;

	private boolean pollerTried;

	static {
		// Running out of file descriptors must not kill a loop, yet loading a class from a directory or
		// from a jar not opened yet takes one: load what the accept backoff (EMFILE) uses now
		// (the shared timers are loaded by AbstractEventLoop), and the stream poller, made when the
		// first thread-per-connection socket is accepted.
		if (StreamPoller.ENABLED) {
			HandlerThreads.virtual();
		}
		for (int errno : new int[] { Errors.EMFILE, Errors.ENFILE, Errors.ENOBUFS, Errors.ENOMEM, Errors.ECONNABORTED }) {
			Errors.name(errno);
			Native.strerror(errno);
		}
	}

	EpollEventLoop(String name, int index) throws IOException {
		super(logger, name);
		this.index = index;
		this.epfd = Native.epollCreate();
		int created = -1;
		try {
			created = Native.eventFd();
			int res = ctl(Native.EPOLL_CTL_ADD, created, Native.EPOLLIN);
			if (res != 0) {
				throw Errors.newIOException("epoll_ctl", res);
			}
		}
		catch (IOException | RuntimeException ex) {
			// a loop that cannot be made whole releases what it made
			if (created >= 0) {
				Native.close(created);
			}
			Native.close(this.epfd);
			throw ex;
		}
		this.eventFd = created;
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
		add(this.epfd, fd, handle, events);
	}

	/**
	 * Register a thread-per-connection socket: with the stream poller where there is one,
	 * else with this loop.
	 */
	void registerStream(int fd, EpollConnection connection, int events) throws IOException {
		StreamPoller streams = poller();
		if (streams == null) {
			register(fd, connection, events);
			return;
		}
		streams.add(fd, connection);
		try {
			// the loop keeps it too, for the close at exit
			add(streams.epfd, fd, connection, events);
		}
		catch (IOException ex) {
			streams.remove(fd, connection);
			throw ex;
		}
	}

	private void add(int epfd, int fd, Object handle, int events) throws IOException {
		if (fd >= this.handles.length) {
			this.handles = Arrays.copyOf(this.handles, Math.max(fd + 1, this.handles.length * 2));
		}
		this.handles[fd] = handle;
		int res = Native.epollCtl(epfd, Native.EPOLL_CTL_ADD, fd, events, this.ctlScratch, this.ctlScratchAddress);
		if (res != 0) {
			this.handles[fd] = null;
			throw Errors.newIOException("epoll_ctl", res);
		}
	}

	/** @return the stream poller, {@code null} until the first thread-per-connection socket or without one (tests) */
	@Nullable StreamPoller streamPoller() {
		return call(() -> this.poller, 1000);
	}

	private @Nullable StreamPoller poller() {
		if (this.pollerTried) {
			return this.poller;
		}
		this.pollerTried = true;
		stopSpinning();
		if (!StreamPoller.ENABLED || !HandlerThreads.virtual()) {
			return null;
		}
		int streamEpfd = -1;
		StreamPoller created;
		try {
			streamEpfd = Native.epollCreate();
			created = StreamPoller.create(this, streamEpfd, this.epfd);
			if (created == null) {
				throw new IOException("no virtual threads");
			}
			register(streamEpfd, created, Native.EPOLLIN | Native.EPOLLONESHOT);
		}
		catch (IOException ex) {
			logger.warn("No stream poller for {}: {}; the loop wakes handler threads itself", this.thread.getName(),
					ex.getMessage());
			if (streamEpfd >= 0) {
				Native.close(streamEpfd);
			}
			return null;
		}
		created.start();
		this.poller = created;
		return created;
	}

	/** Forget a handle; the kernel forgets the fd when it is closed. */
	void forget(int fd, Object handle) {
		if (fd < this.handles.length && this.handles[fd] == handle) {
			this.handles[fd] = null;
		}
		StreamPoller streams = this.poller;
		if (streams != null && handle instanceof EpollConnection connection) {
			streams.remove(fd, connection);
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
				try {
					connection.handleEvents(mask);
				}
				catch (Throwable ex) {
					eventFailed(connection, ex);
				}
			}
			else if (handle instanceof EpollListener listener) {
				listener.acceptReady(this);
			}
			else if (handle instanceof StreamPoller streams) {
				streams.wake();
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
		StreamPoller streams = this.poller;
		if (streams != null) {
			streams.stop();
		}
		Native.close(this.eventFd);
		Native.close(this.epfd);
	}

}
