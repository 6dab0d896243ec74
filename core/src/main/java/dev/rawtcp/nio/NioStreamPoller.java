package dev.rawtcp.nio;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.internal.AdaptiveSpin;
import dev.rawtcp.internal.HandlerThreads;

/**
 * The readiness poller of one loop's thread-per-connection sockets when handlers run on
 * virtual threads (JDK 24+): the nio counterpart of the epoll transport's stream poller.
 * <p>
 * Without it a handler that would block asks the loop to register interest (a task and a
 * selector wake-up) and the loop's platform thread unparks it: a {@code futex} and two
 * context switches per message. Here each socket also has a key in a {@link Selector} of its
 * own, polled with {@code selectNow} by a virtual thread: the handlers it unparks run on its
 * carrier without a system call or a context switch. A selector is level triggered and cannot
 * be registered in another one, so the read interest stays registered while handlers keep up
 * (and is taken away while one has not read what was reported), the write interest is
 * registered for each wait, and when a spin ({@link AdaptiveSpin}) found nothing the thread
 * blocks in {@code select()}; a handler that adds interest then wakes it. Only on JDK 24+,
 * where a virtual thread blocked in {@code select()} parks and frees its carrier
 * ({@link #SELECT_PARKS}). The loop keeps its
 * own key for what it does (flushing {@code Connection.write} bytes, lingering, the close at
 * exit).
 */
final class NioStreamPoller implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(NioStreamPoller.class);

	/** Switch it off ({@code -Ddev.rawtcp.nio.streamPoller=false}) to compare: the loop then wakes handlers itself. */
	static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("dev.rawtcp.nio.streamPoller", "true"));

	/**
	 * Whether a virtual thread blocked in {@code Selector.select()} parks and frees its carrier:
	 * from JDK 24 (openjdk/jdk#21565, with JEP 491). Before, it pins the carrier for as long as it
	 * blocks, which with a one-carrier scheduler would stop every handler; there handlers wait
	 * through the loop.
	 */
	static final boolean SELECT_PARKS = Runtime.version().feature() >= 24;

	/** The longest spin ({@code -Ddev.rawtcp.nio.streamPollerSpinMicros}, default 50; 0 blocks at the first empty poll). */
	private static final long MAX_SPIN_MICROS = Long.getLong("dev.rawtcp.nio.streamPollerSpinMicros", 50);

	private final NioEventLoop loop;

	final Selector selector;

	private final Thread thread;

	private final Consumer<SelectionKey> dispatcher = this::dispatch;

	private final AdaptiveSpin spin = new AdaptiveSpin(MAX_SPIN_MICROS);

	private volatile boolean running = true;

	/** Blocked (or about to block) in {@code select()}: a new interest needs a wake-up to be seen. */
	private volatile boolean blocked;

	/** It failed: handlers wait through the loop from now on. */
	private volatile boolean dead;

	/** Keys dispatched here: written by the poller only, so a release store (no fence) is enough. */
	private final AtomicLong dispatched = new AtomicLong();

	@SuppressWarnings("NullAway")
	private NioStreamPoller(NioEventLoop loop, Selector selector) {
		this.loop = loop;
		this.selector = selector;
		this.thread = HandlerThreads.newVirtualThread(loop.thread.getName() + "-poller", this);
	}

	/**
	 * Make and start a poller.
	 * @param loop the loop whose thread-per-connection sockets it polls
	 * @return the poller, or {@code null} if this JDK has no virtual threads
	 * @throws IOException if no selector could be opened
	 */
	static @Nullable NioStreamPoller start(NioEventLoop loop) throws IOException {
		NioStreamPoller poller = new NioStreamPoller(loop, Selector.open());
		if (poller.thread == null) {
			poller.selector.close();
			return null;
		}
		poller.thread.start();
		return poller;
	}

	/**
	 * Register a thread-per-connection socket, with no interest yet. Loop thread.
	 * @param channel the socket
	 * @param connection its connection
	 * @return the key
	 * @throws IOException if it could not be registered
	 */
	SelectionKey register(SocketChannel channel, NioConnection connection) throws IOException {
		return channel.register(this.selector, 0, connection);
	}

	/** Make a blocked poller see a changed interest or a cancelled key. Any thread. */
	void kick() {
		if (this.blocked) {
			this.selector.wakeup();
		}
	}

	/** @return whether it failed (handlers then wait through the loop) */
	boolean dead() {
		return this.dead;
	}

	/** @return the number of keys this poller dispatched (tests) */
	long dispatched() {
		return this.dispatched.get();
	}

	/** Stop the poller and wait for it, then close its selector. Loop thread, at loop exit. */
	void stop() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			logger.debug("Closing the stream poller's selector failed", ex);
		}
	}

	// On the poller's virtual thread

	@Override
	public void run() {
		try {
			poll();
		}
		catch (Throwable ex) {
			if (!this.running) {
				// stopped at loop exit, its selector closed under it
				return;
			}
			logger.error("rawtcp stream poller of {} died; its loop wakes the handler threads from now on",
					this.loop.thread.getName(), ex);
			this.dead = true;
			try {
				// deregisters every key, so that the sockets of closed connections are closed too
				this.selector.close();
			}
			catch (IOException closeFailed) {
				logger.debug("Closing the stream poller's selector failed", closeFailed);
			}
			// after dead is set: a handler that waits from now on sees it and waits through the loop
			this.loop.execute(this.loop::streamPollerDied);
		}
	}

	private void poll() throws IOException {
		while (this.running) {
			if (this.spin.pollAgain(count(this.selector.selectNow(this.dispatcher)) > 0)) {
				continue;
			}
			// nothing came while spinning: block until a socket is ready or a handler adds interest
			long blockedAt = System.nanoTime();
			this.blocked = true;
			try {
				count(this.selector.select(this.dispatcher));
			}
			finally {
				this.blocked = false;
			}
			// nothing should interrupt it, but a set flag would turn every select into a spin
			Thread.interrupted();
			this.spin.woke(blockedAt);
		}
	}

	/** Count keys dispatched, once per poll; returns {@code n}. */
	private int count(int n) {
		if (n > 0) {
			this.dispatched.lazySet(this.dispatched.get() + n);
		}
		return n;
	}

	private void dispatch(SelectionKey key) {
		try {
			if (key.attachment() instanceof NioConnection connection) {
				connection.pollerReady(key.readyOps());
			}
		}
		catch (CancelledKeyException ex) {
			// closed by the loop meanwhile
		}
	}

}
