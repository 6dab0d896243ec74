package dev.rawtcp.epoll;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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

/**
 * The epoll transport: N event-loop threads, each with its own epoll fd. Listeners accept
 * on one loop (round-robin per listener) and spread connections over all of them.
 */
public final class EpollEventLoopGroup implements EventLoopGroup {

	private static final Logger logger = LoggerFactory.getLogger(EpollEventLoopGroup.class);

	private static final AtomicInteger GROUPS = new AtomicInteger();

	private final EpollEventLoop[] loops;

	private final AtomicInteger nextLoop = new AtomicInteger();

	private final AtomicInteger nextAcceptLoop = new AtomicInteger();

	private final List<EpollListener> listeners = new CopyOnWriteArrayList<>();

	/** Lends thread-per-connection streams their direct buffers (one pool per group: see BufferPool). */
	private final BufferPool streamBuffers = BufferPool.forStreams(Native::streamBuffer);

	private volatile boolean shutdown;

	/**
	 * Start {@code threads} event loops.
	 * @param threads the number of loops, at least 1
	 */
	public EpollEventLoopGroup(int threads) {
		Epoll.ensureAvailability();
		if (threads < 1) {
			throw new IllegalArgumentException("'threads' must be at least 1");
		}
		int group = GROUPS.incrementAndGet();
		this.loops = new EpollEventLoop[threads];
		try {
			for (int i = 0; i < threads; i++) {
				String name = "rawtcp-epoll-" + ((group > 1) ? group + "-" : "") + (i + 1);
				this.loops[i] = new EpollEventLoop(name, i);
			}
		}
		catch (IOException ex) {
			throw new RawTcpException("Could not create epoll event loops: " + ex.getMessage(), ex);
		}
		for (EpollEventLoop loop : this.loops) {
			loop.start();
		}
	}

	EpollEventLoop next() {
		return this.loops[Math.floorMod(this.nextLoop.getAndIncrement(), this.loops.length)];
	}

	/** @return loop {@code index} (tests) */
	EpollEventLoop loop(int index) {
		return this.loops[index];
	}

	@Override
	public Transport transport() {
		return Transport.EPOLL;
	}

	@Override
	public int threads() {
		return this.loops.length;
	}

	@Override
	public Listener bind(ListenerConfig config, TcpHandler handler) {
		ListenerModes.resolve(config, ListenerMode.EVENT_LOOP);
		return bind(config, handler, null);
	}

	@Override
	public Listener bind(ListenerConfig config, TcpStreamHandler handler) {
		ListenerModes.resolve(config, ListenerMode.THREAD_PER_CONNECTION);
		return bind(config, null, handler);
	}

	private Listener bind(ListenerConfig config, TcpHandler handler, TcpStreamHandler streamHandler) {
		if (this.shutdown) {
			throw new IllegalStateException("Event loop group is shut down");
		}
		EpollEventLoop acceptLoop = this.loops[Math.floorMod(this.nextAcceptLoop.getAndIncrement(), this.loops.length)];
		EpollListener listener = EpollListener.bind(this, acceptLoop, config, handler, streamHandler);
		this.listeners.add(listener);
		logger.info("rawtcp listener '{}' bound to {} (epoll, {}, backlog {} -> effective {})", config.name(),
				listener.localAddress(), listener.mode().value(), config.backlog(),
				listener.effectiveBacklog().orElse(-1));
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

	void listenerStopped(EpollListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public List<Listener> listeners() {
		return List.copyOf(this.listeners);
	}

	@Override
	public boolean isAlive() {
		for (EpollEventLoop loop : this.loops) {
			if (!loop.isAlive()) {
				return false;
			}
		}
		return !this.shutdown;
	}

	@Override
	public void shutdownGracefully(Duration gracePeriod) {
		if (this.shutdown) {
			return;
		}
		List<EpollListener> stopping = new ArrayList<>(this.listeners);
		List<Long> deadlines = new ArrayList<>();
		for (EpollListener listener : stopping) {
			deadlines.add(listener.beginStop(gracePeriod));
		}
		for (int i = 0; i < stopping.size(); i++) {
			stopping.get(i).awaitStop(deadlines.get(i));
		}
		this.shutdown = true;
		for (EpollEventLoop loop : this.loops) {
			loop.shutdown();
		}
		for (EpollEventLoop loop : this.loops) {
			try {
				loop.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
