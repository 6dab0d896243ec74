package dev.rawtcp.epoll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.internal.AdaptiveSpin;
import dev.rawtcp.internal.HandlerThreads;

/**
 * The readiness poller of one loop's thread-per-connection sockets when handlers run on
 * virtual threads (JDK 21+), modelled on Go's netpoller, where the thread that polls is a
 * scheduler thread that then runs what it woke.
 * <p>
 * Without it the loop's platform thread unparks each handler thread: the ForkJoinPool then
 * wakes a carrier ({@code futex}), the carrier parks again once the handler parks, two
 * context switches per message on a busy one-CPU server. Here the sockets sit in an epoll
 * set of their own, drained with {@code epoll_wait(0)} by a virtual thread: the handlers it
 * unparks are queued on its own carrier and run there, without a system call or a context
 * switch. While it finds events it keeps polling, yielding the carrier to the handlers
 * between polls; after an empty poll it keeps polling for an adaptive spin (about twice the
 * recent gaps between events, at most 50 µs; halved each time it was for nothing, so it
 * drops to none when events are further apart than that). When there is nothing to do
 * it re-arms its epoll fd, registered {@code EPOLLONESHOT} in the loop's epoll, and parks;
 * the loop unparks it when a socket becomes ready. The loop owns everything else: what the
 * poller cannot handle by waking a handler (a hang-up, a closing connection, bytes queued
 * by {@code Connection.write}) it hands to the loop.
 */
final class StreamPoller implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(StreamPoller.class);

	/** Switch it off ({@code -Ddev.rawtcp.epoll.streamPoller=false}) to compare: the loop then wakes handlers itself. */
	static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("dev.rawtcp.epoll.streamPoller", "true"));

	private static final int MAX_EVENTS = 256;

	/**
	 * The longest spin ({@code -Ddev.rawtcp.epoll.streamPollerSpinMicros}, default 50; 0 parks at
	 * the first empty poll). Spinning trades CPU for latency: while events come less than this
	 * apart, the poller keeps a core busy between them.
	 */
	private static final long MAX_SPIN_MICROS = Long.getLong("dev.rawtcp.epoll.streamPollerSpinMicros", 50);

	private final EpollEventLoop loop;

	/** The epoll fd of the thread-per-connection sockets, itself registered in the loop's epoll. */
	final int epfd;

	private final int loopEpfd;

	private final ByteBuffer events = Native.allocate(MAX_EVENTS * Native.EPOLL_EVENT_SIZE);

	private final long eventsAddress = Native.address(this.events);

	private final ByteBuffer ctlScratch = Native.allocate(16);

	private final long ctlScratchAddress = Native.address(this.ctlScratch);

	/** Written by the loop (register, forget), read here. */
	private volatile AtomicReferenceArray<@Nullable EpollConnection> connections = new AtomicReferenceArray<>(1024);

	private final Thread thread;

	private volatile boolean running = true;

	/** Events dispatched here: written by the poller only, so a release store (no fence) is enough. */
	private final AtomicLong dispatched = new AtomicLong();

	/** How long empty polls are repeated before parking; adapts to the gaps between events. */
	private final AdaptiveSpin spin = new AdaptiveSpin(MAX_SPIN_MICROS);

	/** It failed: the loop drains {@link #epfd} itself. */
	private volatile boolean dead;

	/**
	 * Make a poller; {@link #start()} it once {@code epfd} is registered in the loop's epoll
	 * with {@code EPOLLONESHOT}.
	 * @param loop the loop
	 * @param epfd a new epoll fd
	 * @param loopEpfd the loop's epoll fd
	 * @return the poller, or {@code null} if this JDK has no virtual threads
	 */
	static @Nullable StreamPoller create(EpollEventLoop loop, int epfd, int loopEpfd) {
		StreamPoller poller = new StreamPoller(loop, epfd, loopEpfd);
		return (poller.thread != null) ? poller : null;
	}

	void start() {
		this.thread.start();
	}

	@SuppressWarnings("NullAway")
	private StreamPoller(EpollEventLoop loop, int epfd, int loopEpfd) {
		this.loop = loop;
		this.epfd = epfd;
		this.loopEpfd = loopEpfd;
		this.thread = HandlerThreads.newVirtualThread(loop.thread.getName() + "-poller", this);
	}

	// On the loop

	/** Track a connection registered in {@link #epfd}. Loop thread. */
	void add(int fd, EpollConnection connection) {
		AtomicReferenceArray<@Nullable EpollConnection> current = this.connections;
		if (fd >= current.length()) {
			AtomicReferenceArray<@Nullable EpollConnection> grown = new AtomicReferenceArray<>(
					Math.max(fd + 1, current.length() * 2));
			for (int i = 0; i < current.length(); i++) {
				grown.set(i, current.get(i));
			}
			grown.set(fd, connection);
			this.connections = grown;
			return;
		}
		current.set(fd, connection);
	}

	/** Stop tracking a connection (its fd leaves the epoll set when it is closed). Loop thread. */
	void remove(int fd, EpollConnection connection) {
		AtomicReferenceArray<@Nullable EpollConnection> current = this.connections;
		if (fd < current.length()) {
			current.compareAndSet(fd, connection, null);
		}
	}

	/** The loop saw {@link #epfd} readable. Loop thread. */
	void wake() {
		if (!this.dead) {
			LockSupport.unpark(this.thread);
			return;
		}
		// the poller failed: the loop does its work, as it does without one
		int n = Native.epollWait(this.epfd, this.eventsAddress, MAX_EVENTS, 0);
		for (int i = 0; i < n; i++) {
			EpollConnection connection = connection(i);
			if (connection != null) {
				connection.handleEvents(this.events.getInt(i * Native.EPOLL_EVENT_SIZE));
			}
		}
		rearm();
	}

	/** Stop the poller and wait for it, then close its epoll fd. Loop thread, at loop exit. */
	void stop() {
		this.running = false;
		LockSupport.unpark(this.thread);
		try {
			this.thread.join(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.thread.isAlive()) {
			Native.close(this.epfd);
		}
		// else it is still inside a poll: leaking one fd beats closing it under a thread that uses it
	}

	// On the poller's virtual thread

	@Override
	public void run() {
		try {
			poll();
		}
		catch (Throwable ex) {
			logger.error("rawtcp stream poller of {} died; its loop wakes the handler threads from now on",
					this.loop.thread.getName(), ex);
			this.dead = true;
			rearm();
			// the edges it had taken are lost: every handler reads or writes once more, and waits through the loop
			AtomicReferenceArray<@Nullable EpollConnection> tracked = this.connections;
			for (int i = 0; i < tracked.length(); i++) {
				EpollConnection connection = tracked.get(i);
				if (connection != null) {
					connection.pollerGone();
				}
			}
		}
	}

	private void poll() throws IOException {
		while (this.running) {
			int n = Native.epollWait(this.epfd, this.eventsAddress, MAX_EVENTS, 0);
			if (n < 0) {
				throw Errors.newIOException("epoll_wait", -n);
			}
			if (n > 0) {
				dispatch(n);
			}
			if (this.spin.pollAgain(n > 0)) {
				continue;
			}
			// nothing came while spinning: re-arm and park
			long parkedAt = System.nanoTime();
			int res = rearm();
			if (res != 0) {
				throw Errors.newIOException("epoll_ctl", res);
			}
			LockSupport.park(this);
			// nothing should interrupt it, but a set flag would turn every park into a spin
			Thread.interrupted();
			this.spin.woke(parkedAt);
		}
	}

	/** Have the loop report {@link #epfd} readable once more. */
	private int rearm() {
		return Native.epollCtl(this.loopEpfd, Native.EPOLL_CTL_MOD, this.epfd, Native.EPOLLIN | Native.EPOLLONESHOT,
				this.ctlScratch, this.ctlScratchAddress);
	}

	/** @return the number of events this poller dispatched (tests) */
	long dispatched() {
		return this.dispatched.get();
	}

	private void dispatch(int n) {
		this.dispatched.lazySet(this.dispatched.get() + n);
		for (int i = 0; i < n; i++) {
			EpollConnection connection = connection(i);
			if (connection != null) {
				connection.pollerEvents(this.events.getInt(i * Native.EPOLL_EVENT_SIZE));
			}
		}
	}

	/** The connection of event {@code i}, or {@code null} if it was closed meanwhile. */
	private @Nullable EpollConnection connection(int i) {
		int fd = this.events.getInt(i * Native.EPOLL_EVENT_SIZE + Native.EPOLL_DATA_OFFSET);
		AtomicReferenceArray<@Nullable EpollConnection> connections = this.connections;
		return (fd < connections.length()) ? connections.get(fd) : null;
	}

}
