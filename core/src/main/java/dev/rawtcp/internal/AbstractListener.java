package dev.rawtcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
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
import dev.rawtcp.ListenerShard;
import dev.rawtcp.ListenerState;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;

/**
 * The part of a listener both transports share: state, pause and resume, accept back-off,
 * the graceful stop and its drain, the open connections and their snapshots, counters and
 * log. A transport supplies the listening sockets (one per {@link AcceptShard}): accept
 * interest on and off, closing them, and accepting. Internal.
 */
public abstract class AbstractListener implements Listener {

	/** At most this many accepts per wakeup, so that accepting cannot starve the loop. */
	protected static final int MAX_ACCEPTS_PER_WAKEUP = 64;

	private final Logger logger;

	private final AbstractEventLoopGroup<?> group;

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

	/** Orders state changes: pause, resume and the start of a stop. */
	private final Object stateLock = new Object();

	private final AcceptShards shards;

	/** Set by the first stop: whoever sets it runs the stop, every other caller waits for {@link #stopped}. */
	private final AtomicBoolean stopBegun = new AtomicBoolean();

	/** Completed when the stop has ended: every connection closed and counted, the listener forgotten. */
	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

	/**
	 * Create the shared part of a bound listener.
	 * @param logger the transport's logger
	 * @param group the group the listener is bound on
	 * @param acceptLoops the loops that accept, one per listening socket
	 * @param config the configuration
	 * @param handler the event-loop handler, or {@code null}
	 * @param streamHandler the thread-per-connection handler, or {@code null}
	 * @param localAddress the bound address
	 */
	protected AbstractListener(Logger logger, AbstractEventLoopGroup<?> group,
			List<? extends AbstractEventLoop> acceptLoops, ListenerConfig config, @Nullable TcpHandler handler,
			@Nullable TcpStreamHandler streamHandler, InetSocketAddress localAddress) {
		this.logger = logger;
		this.group = group;
		this.shards = new AcceptShards(this, acceptLoops);
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

	// Transport primitives, on the shard's loop

	/**
	 * Add or remove accept interest of a listening socket.
	 * @param shard the socket
	 * @param on whether to accept
	 * @return whether it worked
	 */
	protected abstract boolean setAcceptInterest(AcceptShard shard, boolean on);

	/**
	 * Close a listening socket and forget its registration.
	 * @param shard the socket
	 */
	protected abstract void closeListeningSocket(AcceptShard shard);

	/**
	 * Called on the shard's loop once a stop closed its listening socket.
	 * @param shard the socket
	 */
	protected void listeningSocketClosedByStop(AcceptShard shard) {
	}

	/**
	 * Connections in a listening socket's accept queue now.
	 * @param shard the socket
	 * @return the queue length, empty where the transport cannot read it or the socket is closed
	 */
	protected abstract OptionalInt acceptQueueSize(AcceptShard shard);

	// Accepting, on the shard's loop

	/** @return the listening sockets, in index order */
	protected final List<AcceptShard> shardList() {
		return this.shards.all();
	}

	/**
	 * The shard accepting on a loop.
	 * @param loop the loop
	 * @return the shard, or {@code null} if none accepts there
	 */
	protected final @Nullable AcceptShard shardOn(Loop loop) {
		return this.shards.on(loop);
	}

	/**
	 * Register a listening socket with its loop and wait until it accepts. A registration that
	 * timed out was cancelled and never runs, so the caller may then close the socket.
	 * @param shard the socket
	 * @param register registers the socket with accept interest, on the shard's loop
	 * @throws IOException the registration's own failure (with its errno on epoll), or why it did not run
	 */
	protected final void startAccepting(AcceptShard shard, Callable<?> register) throws IOException {
		CallOutcome<Object> outcome = this.shards.start(shard, register);
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

	/**
	 * An accepted connection: count it, track it, and register it on its loop.
	 * @param shard the socket it was accepted on
	 * @param connection the connection
	 */
	protected final void accepted(AcceptShard shard, AbstractConnection connection) {
		shard.recordAccepted();
		this.stats.recordAccepted();
		this.connections.add(connection.id(), connection);
		connection.register();
	}

	/**
	 * Count and log a failed accept; back off for 100 ms if asked.
	 * @param shard the socket the accept failed on
	 * @param errno the errno name
	 * @param detail the error message
	 * @param backOff whether accepting again at once would fail again
	 */
	protected final void acceptFailed(AcceptShard shard, String errno, String detail, boolean backOff) {
		this.log.acceptFailed(errno, detail, backOff);
		if (backOff) {
			this.shards.backOff(shard);
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

	/**
	 * Stop accepting on every listening socket. Each shard's task sets accept interest from the
	 * state when it runs, so a pause and a resume racing each other end as the last one left it.
	 */
	@Override
	public final void pause() {
		if (moveState(ListenerState.RUNNING, ListenerState.PAUSED)) {
			this.shards.onEveryLoop("pause", this.shards::sync);
		}
	}

	@Override
	public final void resume() {
		if (moveState(ListenerState.PAUSED, ListenerState.RUNNING)) {
			this.shards.onEveryLoop("resume", this.shards::sync);
		}
	}

	private boolean moveState(ListenerState from, ListenerState to) {
		synchronized (this.stateLock) {
			if (this.state != from) {
				return false;
			}
			this.state = to;
			return true;
		}
	}

	private boolean beginDraining() {
		synchronized (this.stateLock) {
			if (!this.stopBegun.compareAndSet(false, true)) {
				return false;
			}
			this.state = ListenerState.DRAINING;
			return true;
		}
	}

	/** The sum of the shards' accept queues; empty if any cannot be read. */
	@Override
	public final OptionalInt acceptQueueSize() {
		return this.shards.acceptQueueSize();
	}

	@Override
	public final List<ListenerShard> shards() {
		return this.shards.describe();
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
		if (beginDraining()) {
			// draining from now on, as seen by the caller; the rest runs on a thread of its own
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
		if (!beginDraining()) {
			return new Stop(System.nanoTime(), false);
		}
		return stopBegun(gracePeriod);
	}

	/** The stop was begun by the caller: close the listening sockets and start the drain. */
	private Stop stopBegun(Duration gracePeriod) {
		long deadline = System.nanoTime() + gracePeriod.toNanos();
		this.shards.closeAll(this.logger);
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

	/**
	 * Close the listening sockets accepted on a loop that is exiting. That loop only.
	 * @param loop the loop
	 */
	public final void closeSocketsOn(Loop loop) {
		this.shards.closeOn(loop);
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
