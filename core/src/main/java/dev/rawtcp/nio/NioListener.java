package dev.rawtcp.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ConnectionInfo;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerBindException;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerState;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.ChannelTcpStream;
import dev.rawtcp.internal.HandlerThreads;
import dev.rawtcp.internal.ListenerLog;
import dev.rawtcp.internal.OpenConnections;
import dev.rawtcp.internal.PeriodicCheck;
import dev.rawtcp.internal.WriteQueue;

/**
 * A {@link ServerSocketChannel} bound with {@code bind(address, backlog)} and accepting on
 * one loop; accepted channels get their options one by one (the JDK does not let us rely
 * on inheritance from the listening socket) and are spread over every loop. What only the
 * kernel knows (effective backlog, accept queue) is reported as absent.
 */
final class NioListener implements Listener {

	private static final Logger logger = LoggerFactory.getLogger(NioListener.class);

	private static final int MAX_ACCEPTS_PER_WAKEUP = 64;

	private final NioEventLoopGroup group;

	private final NioEventLoop acceptLoop;

	private final ListenerConfig config;

	private final ListenerMode mode;

	private final @Nullable TcpHandler handler;

	private final @Nullable TcpStreamHandler streamHandler;

	private final @Nullable ThreadFactory handlerThreads;

	private final ServerSocketChannel server;

	private final InetSocketAddress localAddress;

	private final ListenerStats stats = new ListenerStats();

	private final ListenerLog log;

	private final OpenConnections<NioConnection> connections = new OpenConnections<>();

	/** Handler threads still running, so that a stop can wait for them to end. */
	private final Set<Thread> runningHandlers = ConcurrentHashMap.newKeySet();

	private final long idleTimeoutNanos;

	private final long idleCheckIntervalNanos;

	private volatile ListenerState state = ListenerState.RUNNING;

	private @Nullable SelectionKey acceptKey;

	private boolean accepting;

	private boolean backingOff;

	private boolean socketClosed;

	private NioListener(NioEventLoopGroup group, NioEventLoop acceptLoop, ListenerConfig config, ListenerMode mode,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, ServerSocketChannel server)
			throws IOException {
		this.group = group;
		this.acceptLoop = acceptLoop;
		this.config = config;
		this.mode = mode;
		this.handler = handler;
		this.streamHandler = streamHandler;
		this.handlerThreads = (streamHandler != null) ? HandlerThreads.factory(config.name()) : null;
		this.server = server;
		this.localAddress = (InetSocketAddress) server.getLocalAddress();
		this.log = new ListenerLog(logger, config.name(), this.stats);
		this.idleTimeoutNanos = config.idleTimeout().toNanos();
		this.idleCheckIntervalNanos = PeriodicCheck.idleIntervalNanos(config.idleTimeout());
	}

	/**
	 * Open, configure, bind with the backlog, then start accepting on {@code acceptLoop}.
	 */
	static NioListener bind(NioEventLoopGroup group, NioEventLoop acceptLoop, ListenerConfig config, ListenerMode mode,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
		InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
		if (address.isUnresolved()) {
			throw NioSockets.bindFailure(config, new UnknownHostException(config.host()));
		}
		ServerSocketChannel server = null;
		try {
			server = ServerSocketChannel.open();
			server.configureBlocking(false);
			NioSockets.applyListenerOptions(server, config);
			server.bind(address, config.backlog());
			NioListener listener = new NioListener(group, acceptLoop, config, mode, handler, streamHandler, server);
			Boolean started = acceptLoop.call(() -> {
				listener.startAccepting();
				return Boolean.TRUE;
			}, 5000);
			if (started == null) {
				throw new IOException("event loop " + acceptLoop.thread.getName() + " did not register the listener");
			}
			return listener;
		}
		catch (IOException ex) {
			closeQuietly(server);
			throw NioSockets.bindFailure(config, ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(server);
			if (ex instanceof ListenerBindException bindException) {
				throw bindException;
			}
			throw new ListenerBindException(config.name(), config.host(), config.port(),
					ListenerBindException.Kind.OTHER, new IOException(ex.toString(), ex));
		}
	}

	private static void closeQuietly(@Nullable ServerSocketChannel server) {
		if (server != null) {
			try {
				server.close();
			}
			catch (IOException ex) {
				// the bind failure is what matters
			}
		}
	}

	// Accepting, on the accept loop

	private void startAccepting() throws IOException {
		this.acceptKey = this.server.register(this.acceptLoop.selector, SelectionKey.OP_ACCEPT, this);
		this.accepting = true;
	}

	private void setAccepting(boolean on) {
		SelectionKey key = this.acceptKey;
		if (this.socketClosed || this.accepting == on || key == null || !key.isValid()) {
			return;
		}
		key.interestOps(on ? SelectionKey.OP_ACCEPT : 0);
		this.accepting = on;
	}

	void acceptReady() {
		if (!this.accepting) {
			return;
		}
		for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
			SocketChannel channel;
			try {
				channel = this.server.accept();
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				acceptFailed(ex);
				return;
			}
			if (channel == null) {
				return;
			}
			if (this.stats.active() >= this.config.maxConnections()) {
				reject(channel);
				continue;
			}
			NioConnection connection;
			try {
				channel.configureBlocking(false);
				NioSockets.applyConnectionOptions(channel, this.config);
				connection = new NioConnection(this.group.nextLoop(), this, channel, this.handler);
			}
			catch (IOException ex) {
				// reset before we got to it; the handler never sees it
				logger.debug("Listener '{}': dropping a connection that failed at once", name(), ex);
				closeQuietly(channel);
				continue;
			}
			this.stats.recordAccepted();
			this.connections.add(connection.id(), connection);
			connection.register();
		}
	}

	private void reject(SocketChannel channel) {
		try {
			channel.setOption(StandardSocketOptions.SO_LINGER, 0);
		}
		catch (IOException ex) {
			// closing is all that matters
		}
		closeQuietly(channel);
		this.stats.recordRejected();
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing more to do
		}
	}

	private void acceptFailed(IOException ex) {
		String errno = NioSockets.acceptErrno(ex);
		if ("ECONNABORTED".equals(errno)) {
			this.stats.recordAcceptError(errno);
			return;
		}
		// whatever failed would most likely fail again at once: never spin on it
		boolean backOff = !this.backingOff;
		this.log.acceptFailed(errno, String.valueOf(ex.getMessage()), true);
		if (backOff) {
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

	void connectionClosed(NioConnection connection, CloseReason reason) {
		if (this.connections.remove(connection.id())) {
			this.stats.recordClosed(reason);
		}
	}

	Thread newHandlerThread(ChannelTcpStream stream) {
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

	ListenerLog log() {
		return this.log;
	}

	WriteQueue newWriteQueue() {
		return new WriteQueue(this.config.writeBufferLowWaterMark(), this.config.writeBufferHighWaterMark(),
				this.config.writeBufferLimit());
	}

	long idleTimeoutNanos() {
		return this.idleTimeoutNanos;
	}

	long idleCheckIntervalNanos() {
		return this.idleCheckIntervalNanos;
	}

	// Listener

	@Override
	public String name() {
		return this.config.name();
	}

	@Override
	public ListenerConfig config() {
		return this.config;
	}

	@Override
	public Transport transport() {
		return Transport.NIO;
	}

	@Override
	public ListenerMode mode() {
		return this.mode;
	}

	@Override
	public InetSocketAddress localAddress() {
		return this.localAddress;
	}

	@Override
	public ListenerState state() {
		return this.state;
	}

	@Override
	public void pause() {
		this.acceptLoop.call(() -> {
			if (this.state == ListenerState.RUNNING) {
				setAccepting(false);
				this.state = ListenerState.PAUSED;
			}
			return null;
		}, 5000);
	}

	@Override
	public void resume() {
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

	/** The JDK cannot read {@code TCP_INFO} of a listening socket: always empty. */
	@Override
	public OptionalInt effectiveBacklog() {
		return OptionalInt.empty();
	}

	/** The JDK cannot read {@code TCP_INFO} of a listening socket: always empty. */
	@Override
	public OptionalInt acceptQueueSize() {
		return OptionalInt.empty();
	}

	@Override
	public SocketOptionsView socketOptions() {
		return NioSockets.listenerOptions(this.server);
	}

	@Override
	public int activeConnections() {
		return (int) this.stats.active();
	}

	@Override
	public List<ConnectionInfo> connections(int limit) {
		List<ConnectionInfo> result = new ArrayList<>();
		for (NioConnection connection : this.connections.values()) {
			if (result.size() >= limit) {
				break;
			}
			ConnectionInfo info = connection.loop.call(
					() -> connection.isClosed() ? null : ConnectionInfo.of(connection), 1000);
			if (info != null) {
				result.add(info);
			}
		}
		return result;
	}

	@Override
	public ListenerStats stats() {
		return this.stats;
	}

	@Override
	public void stop(Duration gracePeriod) {
		awaitStop(beginStop(gracePeriod));
	}

	/**
	 * Close the listening socket (new connects are refused) and start draining every
	 * connection.
	 * @param gracePeriod the time connections are given
	 * @return the drain deadline
	 */
	long beginStop(Duration gracePeriod) {
		long deadline = System.nanoTime() + gracePeriod.toNanos();
		if (this.state == ListenerState.STOPPED || this.state == ListenerState.DRAINING) {
			return deadline;
		}
		this.state = ListenerState.DRAINING;
		Object closed = this.acceptLoop.call(() -> {
			closeSocket();
			this.acceptLoop.deregisterCancelled();
			return Boolean.TRUE;
		}, 5000);
		if (closed == null && !this.acceptLoop.isAlive()) {
			closeQuietly(this.server);
		}
		for (NioConnection connection : this.connections.values()) {
			connection.loop.execute(() -> {
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

	/** Close the listening channel. Accept loop only. */
	void closeSocket() {
		if (!this.socketClosed) {
			this.socketClosed = true;
			this.accepting = false;
			closeQuietly(this.server);
		}
	}

	/**
	 * Wait for the drain to end, then close what remains with a reset.
	 * @param deadline the drain deadline
	 */
	void awaitStop(long deadline) {
		if (!this.connections.awaitEmpty(deadline, this.group::loopsAlive)) {
			logger.info("Listener '{}': grace period over, closing {} remaining connections", name(),
					this.connections.size());
			for (NioConnection connection : this.connections.values()) {
				connection.loop.execute(() -> connection.forceClose(CloseReason.SHUTDOWN));
			}
			this.connections.awaitEmpty(System.nanoTime() + TimeUnit.SECONDS.toNanos(2), this.group::loopsAlive);
		}
		joinHandlerThreads(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
		this.state = ListenerState.STOPPED;
		this.group.listenerStopped(this);
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
		return "listener '" + name() + "' on " + this.localAddress + " (nio, " + this.mode.value() + ")";
	}

}
