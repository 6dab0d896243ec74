package dev.rawtcp.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

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

	private volatile ListenerState state = ListenerState.RUNNING;

	private boolean accepting;

	private boolean backingOff;

	private boolean socketClosed;

	/**
	 * Create the shared part of a bound listener.
	 * @param logger the transport's logger
	 * @param acceptLoop the loop that accepts
	 * @param config the configuration
	 * @param handler the event-loop handler, or {@code null}
	 * @param streamHandler the thread-per-connection handler, or {@code null}
	 * @param localAddress the bound address
	 */
	protected AbstractListener(Logger logger, Loop acceptLoop, ListenerConfig config, @Nullable TcpHandler handler,
			@Nullable TcpStreamHandler streamHandler, InetSocketAddress localAddress) {
		this.logger = logger;
		this.acceptLoop = acceptLoop;
		this.config = config;
		this.handler = handler;
		this.streamHandler = streamHandler;
		this.mode = (handler != null) ? ListenerMode.EVENT_LOOP : ListenerMode.THREAD_PER_CONNECTION;
		this.handlerThreads = (streamHandler != null) ? HandlerThreads.factory(config.name()) : null;
		this.localAddress = localAddress;
		this.idleTimeoutNanos = config.idleTimeout().toNanos();
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

	/** @return whether every loop of the group is alive (a drain waits only while they are) */
	protected abstract boolean loopsAlive();

	/** The listener stopped: the group forgets it. */
	protected abstract void stopped();

	// Accepting, on the accept loop

	/** Accept interest was registered with the listening socket. */
	protected final void acceptingStarted() {
		this.accepting = true;
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
		if (this.connections.remove(connection.id())) {
			this.stats.recordClosed(reason);
		}
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
		this.acceptLoop.call(() -> {
			if (this.state == ListenerState.RUNNING) {
				setAccepting(false);
				this.state = ListenerState.PAUSED;
			}
			return null;
		}, 5000);
	}

	@Override
	public final void resume() {
		this.acceptLoop.call(() -> {
			if (this.state == ListenerState.PAUSED) {
				this.state = ListenerState.RUNNING;
				if (!this.backingOff) {
					setAccepting(true);
				}
			}
			return null;
		}, 5000);
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

	@Override
	public final void stop(Duration gracePeriod) {
		awaitStop(beginStop(gracePeriod));
	}

	/**
	 * Close the listening socket (new connects are refused) and start draining every
	 * connection.
	 * @param gracePeriod the time connections are given
	 * @return the drain deadline
	 */
	public final long beginStop(Duration gracePeriod) {
		long deadline = System.nanoTime() + gracePeriod.toNanos();
		if (this.state == ListenerState.STOPPED || this.state == ListenerState.DRAINING) {
			return deadline;
		}
		this.state = ListenerState.DRAINING;
		Object closed = this.acceptLoop.call(() -> {
			closeSocket();
			listeningSocketClosedByStop();
			return Boolean.TRUE;
		}, 5000);
		if (closed == null && !this.acceptLoop.isAlive()) {
			closeSocket();
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
		return deadline;
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
	 * Wait for the drain to end, then close what remains with a reset.
	 * @param deadline the drain deadline
	 */
	public final void awaitStop(long deadline) {
		if (!this.connections.awaitEmpty(deadline, this::loopsAlive)) {
			this.logger.info("Listener '{}': grace period over, closing {} remaining connections", name(),
					this.connections.size());
			for (AbstractConnection connection : this.connections.values()) {
				connection.loop().execute(() -> connection.forceClose(CloseReason.SHUTDOWN));
			}
			this.connections.awaitEmpty(System.nanoTime() + TimeUnit.SECONDS.toNanos(2), this::loopsAlive);
		}
		joinHandlerThreads(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
		this.state = ListenerState.STOPPED;
		stopped();
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
