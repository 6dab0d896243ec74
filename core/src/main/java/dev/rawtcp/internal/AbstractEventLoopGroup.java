package dev.rawtcp.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.EventLoopStats;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.RawTcpException;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;

/**
 * The part of an event-loop group both transports share. Its loops start with the first
 * listener (a group that never binds holds no thread and no buffer); if one of them cannot
 * be made, those already made are released and the bind fails. Listeners accept on one loop
 * (round robin per listener) and spread their connections over all of them (round robin per
 * connection), or, sharded, accept on every loop, each keeping what it accepts. Shutting down stops every listener against one deadline, then the loops; a
 * shutdown asked for on one of the group's own loop threads runs on a thread of its own, so
 * that no loop ever waits for itself. One {@link LoopWatchdog} thread starts with the loops
 * and ends with them. A transport supplies its loop and its listener. Internal.
 *
 * @param <L> the transport's loop type
 */
public abstract class AbstractEventLoopGroup<L extends AbstractEventLoop> implements EventLoopGroup {

	private static final Map<Transport, AtomicInteger> GROUPS = new ConcurrentHashMap<>();

	/** The default of {@code event-loop.blocked-threshold}. */
	public static final Duration DEFAULT_BLOCKED_THRESHOLD = Duration.ofSeconds(2);

	/** How long a shutdown waits for the loop threads to end once their listeners stopped. */
	private static final long LOOP_JOIN_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final Logger logger;

	private final Transport transport;

	private final int threads;

	private final String threadNamePrefix;

	private final Object startMonitor = new Object();

	private volatile @Nullable RoundRobin<L> loops;

	private @Nullable RoundRobin<L> acceptLoops;

	private final List<AbstractListener> listeners = new CopyOnWriteArrayList<>();

	/** Lends thread-per-connection streams their buffers (one pool per group: see BufferPool). */
	private final BufferPool streamBuffers;

	private final AtomicBoolean shutdown = new AtomicBoolean();

	private final CompletableFuture<Void> terminated = new CompletableFuture<>();

	private final EventLoopStats stats = new EventLoopStats();

	private volatile Duration blockedThreshold = DEFAULT_BLOCKED_THRESHOLD;

	private @Nullable LoopWatchdog watchdog;

	/**
	 * Create a group whose loops start with its first listener.
	 * @param logger the transport's logger
	 * @param transport {@link Transport#EPOLL} or {@link Transport#NIO}
	 * @param threads the number of loops, at least 1
	 * @param streamBuffers the transport's pool of stream buffers (allocates nothing until used)
	 */
	protected AbstractEventLoopGroup(Logger logger, Transport transport, int threads, BufferPool streamBuffers) {
		if (threads < 1) {
			throw new IllegalArgumentException("'threads' must be at least 1");
		}
		this.logger = logger;
		this.transport = transport;
		this.threads = threads;
		this.streamBuffers = streamBuffers;
		int group = GROUPS.computeIfAbsent(transport, (key) -> new AtomicInteger()).incrementAndGet();
		this.threadNamePrefix = "rawtcp-" + transport.tagValue() + "-" + ((group > 1) ? group + "-" : "");
	}

	// Transport primitives

	/**
	 * Make one loop, not started.
	 * @param name its thread's name
	 * @param index its index in the group
	 * @return the loop
	 * @throws IOException if its selector or fds cannot be made (it must have released what it made)
	 */
	protected abstract L newLoop(String name, int index) throws IOException;

	/**
	 * Bind a listener and start accepting: one listening socket per loop of {@code acceptLoops}.
	 * @param acceptLoops the loops to accept on: one, or every loop of the group when accepting is sharded
	 * @param config the configuration
	 * @param handler the event-loop handler, or {@code null}
	 * @param streamHandler the thread-per-connection handler, or {@code null}
	 * @return the bound listener
	 * @throws dev.rawtcp.ListenerBindException if it cannot be bound
	 */
	protected abstract AbstractListener newListener(List<L> acceptLoops, ListenerConfig config, @Nullable TcpHandler handler,
			@Nullable TcpStreamHandler streamHandler);

	// Loops

	private RoundRobin<L> started() {
		RoundRobin<L> running = this.loops;
		if (running != null) {
			return running;
		}
		synchronized (this.startMonitor) {
			if (this.loops == null) {
				if (this.shutdown.get()) {
					throw new IllegalStateException("Event loop group is shut down");
				}
				List<L> created = createLoops();
				LoopWatchdog watching = new LoopWatchdog(this.threadNamePrefix + "watchdog", this.blockedThreshold);
				created.forEach((loop) -> loop.watchedBy(watching, this.stats));
				this.watchdog = watching;
				created.forEach(AbstractEventLoop::start);
				this.acceptLoops = new RoundRobin<>(created);
				this.loops = new RoundRobin<>(created);
			}
			return this.loops;
		}
	}

	private List<L> createLoops() {
		List<L> created = new ArrayList<>(this.threads);
		try {
			for (int i = 0; i < this.threads; i++) {
				created.add(newLoop(this.threadNamePrefix + (i + 1), i));
			}
			return created;
		}
		catch (IOException | RuntimeException ex) {
			for (L loop : created) {
				try {
					loop.releaseUnstarted();
				}
				catch (RuntimeException releaseFailure) {
					ex.addSuppressed(releaseFailure);
				}
			}
			throw new RawTcpException("Could not create " + this.transport.tagValue() + " event loops: "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * Set how long a loop may stay away from its poll before the watchdog reports it. Before the
	 * first listener (the watchdog starts with the loops).
	 * @param threshold the threshold, validated by the caller; zero switches the watchdog off
	 */
	public final void blockedThreshold(Duration threshold) {
		this.blockedThreshold = threshold;
	}

	/** @return the loop the next connection goes to; starts the loops if needed */
	public final L nextLoop() {
		return started().next();
	}

	/**
	 * A loop, starting the loops if needed (tests).
	 * @param index its index
	 * @return the loop
	 */
	public final L loop(int index) {
		return started().all().get(index);
	}

	/** @return whether the caller runs on one of this group's loop threads */
	public final boolean inLoop() {
		RoundRobin<L> running = this.loops;
		if (running != null) {
			for (L loop : running.all()) {
				if (loop.inLoop()) {
					return true;
				}
			}
		}
		return false;
	}

	/** @return whether no started loop has died (a group not started yet has none) */
	public final boolean loopsAlive() {
		RoundRobin<L> running = this.loops;
		if (running != null) {
			for (L loop : running.all()) {
				if (!loop.isAlive()) {
					return false;
				}
			}
		}
		return true;
	}

	/** @return whether the loops were started (by a first listener) */
	public final boolean isStarted() {
		return this.loops != null;
	}

	/** @return the pool that lends thread-per-connection streams their buffers */
	public final BufferPool streamBuffers() {
		return this.streamBuffers;
	}

	// EventLoopGroup

	@Override
	public final Transport transport() {
		return this.transport;
	}

	@Override
	public final int threads() {
		return this.threads;
	}

	@Override
	public final EventLoopStats stats() {
		return this.stats;
	}

	@Override
	public final Listener bind(ListenerConfig config, TcpHandler handler) {
		return bind(config, ListenerModes.resolve(config, ListenerMode.EVENT_LOOP), handler, null);
	}

	@Override
	public final Listener bind(ListenerConfig config, TcpStreamHandler handler) {
		return bind(config, ListenerModes.resolve(config, ListenerMode.THREAD_PER_CONNECTION), null, handler);
	}

	private Listener bind(ListenerConfig config, ListenerMode mode, @Nullable TcpHandler handler,
			@Nullable TcpStreamHandler streamHandler) {
		if (this.shutdown.get()) {
			throw new IllegalStateException("Event loop group is shut down");
		}
		RoundRobin<L> running = started();
		List<L> acceptOn = (config.acceptSharding() == AcceptSharding.PER_LOOP) ? running.all()
				: List.of(this.acceptLoops.next());
		AbstractListener listener = newListener(acceptOn, config, handler, streamHandler);
		this.listeners.add(listener);
		if (this.shutdown.get()) {
			// the shutdown began during the bind and may not have seen this listener
			listener.stop(Duration.ZERO);
			throw new IllegalStateException("Event loop group is shut down");
		}
		this.logger.info("rawtcp listener '{}' bound to {} ({}, {}, backlog {}{}{})", config.name(),
				listener.localAddress(), this.transport.tagValue(), mode.value(), config.backlog(),
				listener.effectiveBacklog().isPresent() ? " -> effective " + listener.effectiveBacklog().getAsInt() : "",
				(acceptOn.size() > 1) ? ", " + acceptOn.size() + " accept shards" : "");
		return listener;
	}

	final void listenerStopped(AbstractListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public final List<Listener> listeners() {
		return List.copyOf(this.listeners);
	}

	@Override
	public final boolean isAlive() {
		return !this.shutdown.get() && loopsAlive();
	}

	/**
	 * Stop every listener against one deadline, then the loops. Called on one of the group's own
	 * loop threads (from a handler), it starts the shutdown on a thread of its own and returns at
	 * once; from any other thread it returns when the loops have ended (a second caller waits
	 * for the first caller's shutdown).
	 * @param gracePeriod the time connections are given
	 */
	@Override
	public final void shutdownGracefully(Duration gracePeriod) {
		boolean first = this.shutdown.compareAndSet(false, true);
		if (inLoop()) {
			if (first) {
				Thread shutdown = new Thread(() -> shutdownNow(gracePeriod), this.threadNamePrefix + "shutdown");
				shutdown.setDaemon(true);
				shutdown.start();
			}
			return;
		}
		if (first) {
			shutdownNow(gracePeriod);
		}
		else {
			this.terminated.join();
		}
	}

	private void shutdownNow(Duration gracePeriod) {
		try {
			List<AbstractListener> stopping = new ArrayList<>(this.listeners);
			List<AbstractListener.Stop> stops = new ArrayList<>();
			for (AbstractListener listener : stopping) {
				stops.add(listener.beginStop(gracePeriod));
			}
			stops.forEach(AbstractListener.Stop::await);
			RoundRobin<L> running;
			synchronized (this.startMonitor) {
				// the shutdown flag is set: no loop can start after this
				running = this.loops;
			}
			if (running == null) {
				return;
			}
			running.all().forEach(AbstractEventLoop::shutdown);
			long deadline = System.nanoTime() + LOOP_JOIN_NANOS;
			for (L loop : running.all()) {
				if (!loop.awaitTermination(deadline)) {
					this.logger.warn("rawtcp event loop {} did not end within 5 s of the shutdown", loop.thread.getName());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			closeWatchdog();
			this.terminated.complete(null);
		}
	}

	private void closeWatchdog() {
		LoopWatchdog watching;
		synchronized (this.startMonitor) {
			watching = this.watchdog;
		}
		if (watching != null) {
			watching.close();
		}
	}

}
