package dev.rawtcp.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.CloseReason;
import dev.rawtcp.internal.AbstractEventLoop;
import dev.rawtcp.internal.HandlerThreads;

/**
 * One event-loop thread: a {@link Selector}, a task queue woken through
 * {@link Selector#wakeup()} only while the loop waits, timers, and the listeners and
 * connections registered on it. Everything an event-loop connection does to its channel
 * happens on this thread, so nothing here takes a lock.
 */
final class NioEventLoop extends AbstractEventLoop {

	private static final Logger logger = LoggerFactory.getLogger(NioEventLoop.class);

	static {
		// Out of file descriptors, the first close of a registered channel would load (and open an fd
		// for) the JDK's file dispatcher and kill the loop: make the JDK load it now.
		try {
			java.nio.channels.SocketChannel.open().close();
		}
		catch (java.io.IOException ex) {
			logger.debug("Could not preload the JDK's socket classes", ex);
		}
	}

	/**
	 * Size of the read and staging buffers, as on epoll and for the same reason (streaming: 0.94x
	 * to 1.10-1.26x of Netty NIO).
	 */
	static final int BUFFER_SIZE = 256 * 1024;

	final Selector selector;

	/** Shared read buffer of the event-loop connections on this loop: no allocation per read. */
	final ByteBuffer readBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

	/** Staging buffer for heap bytes, so the JDK never copies a whole large buffer per write. */
	final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

	private boolean dispatching;

	/** The poller of this loop's thread-per-connection sockets, made with the first of them (JDK 24+). */
	private @Nullable NioStreamPoller poller;

	private boolean pollerTried;

	/** Keys were added to or cancelled in the poller's selector this iteration: one wake-up covers them all. */
	private boolean pollerKeysChanged;

	NioEventLoop(String name) throws IOException {
		super(logger, name);
		this.selector = Selector.open();
	}

	/**
	 * The stream poller, started with the first thread-per-connection socket. Loop thread.
	 * @return the poller, {@code null} without virtual threads, when switched off, if it could not be made, or
	 * once it failed
	 */
	@Nullable NioStreamPoller poller() {
		if (this.pollerTried) {
			NioStreamPoller streams = this.poller;
			return (streams != null && !streams.dead()) ? streams : null;
		}
		this.pollerTried = true;
		stopSpinning();
		if (!NioStreamPoller.ENABLED || !NioStreamPoller.SELECT_PARKS || !HandlerThreads.virtual()) {
			return null;
		}
		try {
			this.poller = NioStreamPoller.start(this);
		}
		catch (IOException ex) {
			logger.warn("No stream poller for {}: {}; the loop wakes handler threads itself", this.thread.getName(),
					ex.getMessage());
		}
		return this.poller;
	}

	/**
	 * A key of the poller's selector was registered or cancelled: a blocked poller must see it (a
	 * new socket's interest, or a closed socket that is only closed once its key is deregistered).
	 * Loop thread; the poller is woken once at the end of the iteration, however many keys changed.
	 */
	void pollerKeysChanged() {
		this.pollerKeysChanged = true;
	}

	@Override
	protected void endOfIteration() {
		if (this.pollerKeysChanged) {
			this.pollerKeysChanged = false;
			NioStreamPoller streams = this.poller;
			if (streams != null) {
				streams.kick();
			}
		}
	}

	/** The stream poller failed: every handler that waits through it waits through this loop from now on. */
	void streamPollerDied() {
		for (SelectionKey key : this.selector.keys().toArray(new SelectionKey[0])) {
			if (key.attachment() instanceof NioConnection connection) {
				connection.pollerGone();
			}
		}
	}

	/** @return the stream poller, {@code null} until the first thread-per-connection socket or without one (tests) */
	@Nullable NioStreamPoller streamPoller() {
		return call(() -> this.poller, 1000);
	}

	@Override
	protected void wakeup() {
		this.selector.wakeup();
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

	@Override
	protected int select(long timeoutMillis) throws IOException {
		return (timeoutMillis == 0) ? this.selector.selectNow()
				: this.selector.select((timeoutMillis < 0) ? 0 : timeoutMillis);
	}

	@Override
	protected boolean hasPendingEvents() {
		return !this.selector.selectedKeys().isEmpty();
	}

	@Override
	protected void processEvents(int count) {
		dispatch(this.selector.selectedKeys());
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
				listener.acceptReady(this);
			}
		}
		catch (CancelledKeyException ex) {
			// closed by an earlier key of this round
		}
		catch (Throwable ex) {
			if (attachment instanceof NioConnection connection) {
				eventFailed(connection, ex);
			}
			else {
				throw ex;
			}
		}
	}

	@Override
	protected void closeEverything() {
		runRemainingTasks();
		for (SelectionKey key : this.selector.keys().toArray(new SelectionKey[0])) {
			try {
				if (key.attachment() instanceof NioConnection connection) {
					connection.forceClose(CloseReason.SHUTDOWN);
				}
				else if (key.attachment() instanceof NioListener listener) {
					listener.closeSocketsOn(this);
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
		NioStreamPoller streams = this.poller;
		if (streams != null) {
			// after the connections were closed: closing its selector closes their sockets
			streams.stop();
		}
	}

}
