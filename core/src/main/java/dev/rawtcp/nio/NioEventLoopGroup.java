package dev.rawtcp.nio;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.RawTcpException;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.ListenerModes;
import dev.rawtcp.internal.RoundRobin;

/**
 * The JDK NIO transport: N event-loop threads, each with its own {@link java.nio.channels.Selector}.
 * Listeners accept on one loop (round-robin per listener) and spread connections over all
 * of them. Works on any OS and JVM; kernel-only facts are reported as absent.
 */
public final class NioEventLoopGroup implements EventLoopGroup {

	private static final Logger logger = LoggerFactory.getLogger(NioEventLoopGroup.class);

	private static final AtomicInteger GROUPS = new AtomicInteger();

	private final RoundRobin<NioEventLoop> loops;

	private final RoundRobin<NioEventLoop> acceptLoops;

	private final List<NioListener> listeners = new CopyOnWriteArrayList<>();

	/** Lends thread-per-connection streams their buffers (one pool per group: see BufferPool). */
	private final BufferPool streamBuffers = BufferPool.forStreams(NioSockets::streamBuffer);

	private volatile boolean shutdown;

	/**
	 * Start {@code threads} event loops named {@code rawtcp-nio-<i>}.
	 * @param threads the number of loops, at least 1
	 */
	public NioEventLoopGroup(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("'threads' must be at least 1");
		}
		int group = GROUPS.incrementAndGet();
		List<NioEventLoop> created = new ArrayList<>();
		try {
			for (int i = 0; i < threads; i++) {
				created.add(new NioEventLoop("rawtcp-nio-" + ((group > 1) ? group + "-" : "") + (i + 1)));
			}
		}
		catch (IOException ex) {
			for (NioEventLoop loop : created) {
				try {
					loop.selector.close();
				}
				catch (IOException closeFailure) {
					ex.addSuppressed(closeFailure);
				}
			}
			throw new RawTcpException("Could not open NIO selectors: " + ex.getMessage(), ex);
		}
		this.loops = new RoundRobin<>(created);
		this.acceptLoops = new RoundRobin<>(created);
		created.forEach(NioEventLoop::start);
	}

	NioEventLoop nextLoop() {
		return this.loops.next();
	}

	/** @return loop {@code index} (tests) */
	NioEventLoop loop(int index) {
		return this.loops.all().get(index);
	}

	@Override
	public Transport transport() {
		return Transport.NIO;
	}

	@Override
	public int threads() {
		return this.loops.all().size();
	}

	@Override
	public Listener bind(ListenerConfig config, TcpHandler handler) {
		return bind(config, ListenerModes.resolve(config, ListenerMode.EVENT_LOOP), handler, null);
	}

	@Override
	public Listener bind(ListenerConfig config, TcpStreamHandler handler) {
		return bind(config, ListenerModes.resolve(config, ListenerMode.THREAD_PER_CONNECTION), null, handler);
	}

	private Listener bind(ListenerConfig config, ListenerMode mode, @Nullable TcpHandler handler,
			@Nullable TcpStreamHandler streamHandler) {
		if (this.shutdown) {
			throw new IllegalStateException("Event loop group is shut down");
		}
		if (!config.userTimeout().isZero()) {
			logger.info("Listener '{}': 'user-timeout' ({}) is not available on the nio transport; ignored",
					config.name(), config.userTimeout());
		}
		NioListener listener = NioListener.bind(this, this.acceptLoops.next(), config, handler, streamHandler);
		this.listeners.add(listener);
		logger.info("rawtcp listener '{}' bound to {} (nio, {}, backlog {})", config.name(), listener.localAddress(),
				mode.value(), config.backlog());
		return listener;
	}

	/**
	 * The pool that lends thread-per-connection streams their buffers. Internal: for tests
	 * and diagnostics.
	 * @return the pool
	 */
	public BufferPool streamBuffers() {
		return this.streamBuffers;
	}

	void listenerStopped(NioListener listener) {
		this.listeners.remove(listener);
	}

	boolean loopsAlive() {
		for (NioEventLoop loop : this.loops.all()) {
			if (!loop.isAlive()) {
				return false;
			}
		}
		return true;
	}

	@Override
	public List<Listener> listeners() {
		return List.copyOf(this.listeners);
	}

	@Override
	public boolean isAlive() {
		return !this.shutdown && loopsAlive();
	}

	@Override
	public void shutdownGracefully(Duration gracePeriod) {
		if (this.shutdown) {
			return;
		}
		// every listener drains at once, against one deadline
		List<NioListener> stopping = new ArrayList<>(this.listeners);
		long[] deadlines = new long[stopping.size()];
		for (int i = 0; i < deadlines.length; i++) {
			deadlines[i] = stopping.get(i).beginStop(gracePeriod);
		}
		for (int i = 0; i < deadlines.length; i++) {
			stopping.get(i).awaitStop(deadlines[i]);
		}
		this.shutdown = true;
		this.loops.all().forEach(NioEventLoop::shutdown);
		long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		for (NioEventLoop loop : this.loops.all()) {
			if (loop.inLoop()) {
				// closed from a handler: this loop ends when the call returns
				continue;
			}
			try {
				loop.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
