package dev.rawtcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ConnectionInfo;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerState;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;

/**
 * The part of a listener both transports share: state, pause and resume, accept back-off,
 * the graceful stop and its drain, the open connections and their snapshots, counters and
 * log. A transport supplies the listening socket: accept interest on and off, closing it,
 * and accepting. Internal.
 */
public abstract class AbstractListener implements Listener {

	/** At most this many accepts per wakeup, so that accepting cannot starve the loop. */
	protected static final int MAX_ACCEPTS_PER_WAKEUP = 64;

	private final Logger logger;

	private final AbstractEventLoopGroup<?> group;

	/** The loop the listening socket is registered on. */
	protected final Loop acceptLoop;

	/** The configuration. */
	protected final ListenerConfig config;

	private final ListenerMode mode;

	/** The event-loop handler, {@code null} in thread-per-connection mode. */
	protected final @Nullable TcpHandler handler;

	private final @Nullable TcpStreamHandler streamHandler;

	private final @Nullable ThreadFactory handlerThreads;

	private final InetSocketAddress localAddress;

	/** The counters. */
	protected final ListenerStats stats = new ListenerStats();

	private final OpenConnections<AbstractConnection> connections = new OpenConnections<>();

	/** Handler threads still running, so that a stop can wait for them to end. */
	private final Set<Thread> runningHandlers = ConcurrentHashMap.newKeySet();

	private final ListenerLog log;

	private final long idleTimeoutNanos;

	private final long frameTimeoutNanos;

	private volatile ListenerState state = ListenerState.RUNNING;

	/** Set by the first stop: whoever sets it runs the stop, every other caller waits for {@link #stopped}. */
	private final AtomicBoolean stopBegun = new AtomicBoolean();

	/** Completed when the stop has ended: every connection closed and counted, the listener forgotten. */
	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

	private boolean accepting;

	private boolean backingOff;

	private boolean socketClosed;

	/**
	 * Create the shared part of a bound listener.
	 * @param logger the transport's logger
	 * @param group the group the listener is bound on
	 * @param acceptLoop the loop that accepts
	 * @param config the configuration
	 * @param handler the event-loop handler, or {@code null}
	 * @param streamHandler the thread-per-connection handler, or {@code null}
	 * @param localAddress the bound address
	 */
	protected AbstractListener(Logger logger, AbstractEventLoopGroup<?> group, Loop acceptLoop, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, InetSocketAddress localAddress) {
		this.logger = logger;
		this.group = group;
		this.acceptLoop = acceptLoop;
		this.config = config;
		this.handler = handler;
		this.streamHandler = streamHandler;
		this.mode = (handler != null) ? ListenerMode.EVENT_LOOP : ListenerMode.THREAD_PER_CONNECTION;
		this.handlerThreads = (streamHandler != null) ? HandlerThreads.factory(config.name()) : null;
		this.localAddress = localAddress;
		this.idleTimeoutNanos = config.idleTimeout().toNanos();
		this.frameTimeoutNanos = config.frameTimeout().toNanos();
		this.log = new ListenerLog(logger, config.name(), this.stats);
	}

	// Transport primitives, on the accept loop

	/**
	 * Add or remove accept interest of the listening socket.
	 * @param on whether to accept
	 * @return whether it worked
	 */
	protected abstract boolean setAcceptInterest(boolean on);

	/** Close the listening socket and forget its registration. */
	protected abstract void closeListeningSocket();

	/** Called on the accept loop once a stop closed the listening socket. */
	protected void listeningSocketClosedByStop() {
	}

	// Accepting, on the accept loop

	/**
	 * Register the listening socket with the accept loop and wait until it accepts. A
	 * registration that timed out was cancelled and never runs, so the caller may then close
	 * the socket.
	 * @param register registers the socket with accept interest, on the accept loop
	 * @throws IOException the registration's own failure (with its errno on epoll), or why it did not run
	 */
	protected final void startAccepting(Callable<?> register) throws IOException {
		CallOutcome<Object> outcome = this.acceptLoop.callOutcome(() -> {
			register.call();
			this.accepting = true;
			return null;
		}, 5000);
		if (outcome.isResult()) {
			return;
		}
		Throwable failure = outcome.failure();
		if (failure instanceof IOException io) {
			throw io;
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		throw new IOException("Listener '" + name() + "' could not start accepting: " + outcome.describe(), failure);
	}

	/** @return whether accept interest is registered */
	protected final boolean isAccepting() {
		return this.accepting;
	}

	/** @return whether the listening socket was closed */
	protected final boolean isSocketClosed() {
		return this.socketClosed;
	}

	private void setAccepting(boolean on) {
		if (this.socketClosed || this.accepting == on) {
			return;
		}
		if (setAcceptInterest(on)) {
			this.accepting = on;
		}
	}

	/**
	 * An accepted connection: count it, track it, and register it on its loop.
	 * @param connection the connection
	 */
	protected final void accepted(AbstractConnection connection) {
		this.stats.recordAccepted();
		this.connections.add(connection.id(), connection);
		connection.register();
	}

	/**
	 * Count and log a failed accept; back off for 100 ms if asked.
	 * @param errno the errno name
	 * @param detail the error message
	 * @param backOff whether accepting again at once would fail again
	 */
	protected final void acceptFailed(String errno, String detail, boolean backOff) {
		this.log.acceptFailed(errno, detail, backOff);
		if (backOff && !this.backingOff) {
			// the level stays readable while fds are exhausted: stop watching it rather than spin
			this.backingOff = true;
			setAccepting(false);
			this.acceptLoop.schedule(ListenerLog.ACCEPT_BACKOFF_NANOS, () -> {
				this.backingOff = false;
				if (this.state == ListenerState.RUNNING) {
					setAccepting(true);
				}
			});
		}
	}

	// Called by connections

	final void connectionClosed(AbstractConnection connection, CloseReason reason) {
		// counted before it is seen gone, so that a stop returns only once every close is counted
		this.connections.remove(connection.id(), () -> this.stats.recordClosed(reason));
	}

	/** @return the pool that lends thread-per-connection streams their buffers (the group's) */
	public final BufferPool streamBuffers() {
		return this.group.streamBuffers();
	}

	final ListenerLog log() {
		return this.log;
	}

	final WriteQueue newWriteQueue() {
		return new WriteQueue(this.config.writeBufferLowWaterMark(), this.config.writeBufferHighWaterMark(),
				this.config.writeBufferLimit());
	}

	final long idleTimeoutNanos() {
		return this.idleTimeoutNanos;
	}

	final long frameTimeoutNanos() {
		return this.frameTimeoutNanos;
	}

	final Thread newHandlerThread(ChannelTcpStream stream) {
		TcpStreamHandler target = this.streamHandler;
		Thread thread = this.handlerThreads.newThread(() -> {
			try {
				stream.run(target);
			}
			finally {
				this.runningHandlers.remove(Thread.currentThread());
			}
		});
		this.runningHandlers.add(thread);
		return thread;
	}

	// Listener

	@Override
	public final String name() {
		return this.config.name();
	}

	@Override
	public final ListenerConfig config() {
		return this.config;
	}

	@Override
	public final ListenerMode mode() {
		return this.mode;
	}

	@Override
	public final InetSocketAddress localAddress() {
		return this.localAddress;
	}

	@Override
	public final ListenerState state() {
		return this.state;
	}

	@Override
	public final void pause() {
		onAcceptLoop("pause", () -> {
			if (this.state == ListenerState.RUNNING) {
				setAccepting(false);
				this.state = ListenerState.PAUSED;
			}
		});
	}

	@Override
	public final void resume() {
		onAcceptLoop("resume", () -> {
			if (this.state == ListenerState.PAUSED) {
				this.state = ListenerState.RUNNING;
				if (!this.backingOff) {
					setAccepting(true);
				}
			}
		});
	}

	private void onAcceptLoop(String what, Runnable task) {
		CallOutcome<Object> outcome = this.acceptLoop.callOutcome(() -> {
			task.run();
			return null;
		}, 5000);
		if (!outcome.isResult()) {
			throw new IllegalStateException("Listener '" + name() + "' could not " + what + ": " + outcome.describe(),
					outcome.failure());
		}
	}

	@Override
	public final int activeConnections() {
		return (int) this.stats.active();
	}

	@Override
	public final List<ConnectionInfo> connections(int limit) {
		List<ConnectionInfo> result = new ArrayList<>();
		for (AbstractConnection connection : this.connections.values()) {
			if (result.size() >= limit) {
				break;
			}
			ConnectionInfo info = connection.loop().call(
					() -> connection.isClosed() ? null : ConnectionInfo.of(connection), 1000);
			if (info != null) {
				result.add(info);
			}
		}
		return result;
	}

	@Override
	public final ListenerStats stats() {
		return this.stats;
	}

	/**
	 * Stop; see {@link Listener#stop(Duration)}. On one of the group's loop threads (a handler),
	 * the stop is started on a thread of its own and this returns at once: waiting there would
	 * block a loop that must run the drain.
	 */
	@Override
	public final void stop(Duration gracePeriod) {
		if (this.group.inLoop()) {
			stopAsync(gracePeriod);
			return;
		}
		beginStop(gracePeriod).await();
	}

	@Override
	public final CompletableFuture<Void> stopAsync(Duration gracePeriod) {
		if (this.stopBegun.compareAndSet(false, true)) {
			// draining from now on, as seen by the caller; the rest runs on a thread of its own
			this.state = ListenerState.DRAINING;
			Thread stopper = new Thread(() -> stopBegun(gracePeriod).await(), "rawtcp-stop-" + name());
			stopper.setDaemon(true);
			stopper.start();
		}
		return this.stopped.copy();
	}

	/**
	 * Close the listening socket (new connects are refused) and start draining every
	 * connection, unless a stop was begun already.
	 * @param gracePeriod the time connections are given
	 * @return the stop, to {@link Stop#await() await}
	 */
	public final Stop beginStop(Duration gracePeriod) {
		if (!this.stopBegun.compareAndSet(false, true)) {
			return new Stop(System.nanoTime(), false);
		}
		this.state = ListenerState.DRAINING;
		return stopBegun(gracePeriod);
	}

	/** The stop was begun by the caller: close the listening socket and start the drain. */
	private Stop stopBegun(Duration gracePeriod) {
		long deadline = System.nanoTime() + gracePeriod.toNanos();
		Callable<Boolean> close = () -> {
			closeSocket();
			listeningSocketClosedByStop();
			return Boolean.TRUE;
		};
		CallOutcome<Boolean> closed = this.acceptLoop.callOutcome(close, 5000);
		switch (closed.kind()) {
			case LOOP_GONE -> closeSocket();
			case TIMED_OUT -> {
				this.logger.warn("Listener '{}': {}; the listening socket closes when it does", name(), closed.describe());
				this.acceptLoop.execute(() -> {
					closeSocket();
					listeningSocketClosedByStop();
				});
			}
			case FAILURE -> this.logger.warn("Listener '{}': closing the listening socket failed", name(),
					closed.failure());
			default -> {
			}
		}
		for (AbstractConnection connection : this.connections.values()) {
			connection.loop().execute(() -> {
				if (gracePeriod.isZero()) {
					connection.forceClose(CloseReason.SHUTDOWN);
				}
				else {
					connection.drain(deadline);
				}
			});
		}
		return new Stop(deadline, true);
	}

	/** Close the listening socket. Accept loop only (or once it is dead). */
	public final void closeSocket() {
		if (!this.socketClosed) {
			this.socketClosed = true;
			this.accepting = false;
			closeListeningSocket();
		}
	}

	/**
	 * Wait for the drain to end, then close what remains with a reset and wait until every
	 * close is counted (as long as the loops live).
	 * @param deadline the drain deadline
	 */
	private void finishStop(long deadline) {
		try {
			if (!this.connections.awaitEmpty(deadline, this.group::loopsAlive)) {
				this.logger.info("Listener '{}': grace period over, closing {} remaining connections", name(),
						this.connections.size());
				for (AbstractConnection connection : this.connections.values()) {
					connection.loop().execute(() -> connection.forceClose(CloseReason.SHUTDOWN));
				}
				this.connections.awaitEmpty(System.nanoTime() + TimeUnit.SECONDS.toNanos(2), this.group::loopsAlive);
			}
			joinHandlerThreads(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
			this.state = ListenerState.STOPPED;
			this.group.listenerStopped(this);
		}
		finally {
			this.stopped.complete(null);
		}
	}

	/**
	 * A stop that was begun: the caller that began it runs its end, every other caller waits for it.
	 */
	public final class Stop {

		private final long deadline;

		private final boolean owner;

		private Stop(long deadline, boolean owner) {
			this.deadline = deadline;
			this.owner = owner;
		}

		/** Return once the listener has stopped. Not on a loop thread of the group. */
		public void await() {
			if (this.owner) {
				finishStop(this.deadline);
			}
			else {
				AbstractListener.this.stopped.join();
			}
		}

	}

	/** Handler threads end once their connection is closed: give them a moment. */
	private void joinHandlerThreads(long deadline) {
		for (Thread thread : this.runningHandlers) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return;
			}
			try {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public String toString() {
		return "listener '" + name() + "' on " + this.localAddress + " (" + transport().tagValue() + ", "
				+ this.mode.value() + ")";
	}

}
