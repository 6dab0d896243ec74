package dev.rawtcp.epoll;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
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
import dev.rawtcp.PortInUseException;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.HandlerThreads;
import dev.rawtcp.internal.ListenerLog;
import dev.rawtcp.internal.OpenConnections;
import dev.rawtcp.internal.PeriodicCheck;
import dev.rawtcp.internal.WriteQueue;

/**
 * A listening socket built from syscalls: {@code socket}, {@code setsockopt},
 * {@code bind}, {@code listen(fd, backlog)}, then {@code accept4} on its loop. The options
 * accepted sockets inherit on Linux are set here once, so accepting costs one syscall.
 */
final class EpollListener implements Listener {

	private static final Logger logger = LoggerFactory.getLogger(EpollListener.class);

	private static final int MAX_ACCEPTS_PER_WAKEUP = 64;

	private final EpollEventLoopGroup group;

	private final EpollEventLoop acceptLoop;

	private final ListenerConfig config;

	private final ListenerMode mode;

	private final @Nullable TcpHandler handler;

	private final @Nullable TcpStreamHandler streamHandler;

	private final @Nullable ThreadFactory handlerThreads;

	private final LinuxSocket socket;

	private final InetSocketAddress localAddress;

	private final ListenerStats stats = new ListenerStats();

	private final OpenConnections<EpollConnection> connections = new OpenConnections<>();

	private final ListenerLog log;

	private final long idleTimeoutNanos;

	private volatile ListenerState state = ListenerState.RUNNING;

	private boolean accepting;

	private boolean backingOff;

	private boolean socketClosed;

	private EpollListener(EpollEventLoopGroup group, EpollEventLoop acceptLoop, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, LinuxSocket socket,
			InetSocketAddress localAddress) {
		this.group = group;
		this.acceptLoop = acceptLoop;
		this.config = config;
		this.handler = handler;
		this.streamHandler = streamHandler;
		this.mode = (handler != null) ? ListenerMode.EVENT_LOOP : ListenerMode.THREAD_PER_CONNECTION;
		this.handlerThreads = (streamHandler != null) ? HandlerThreads.factory(config.name()) : null;
		this.socket = socket;
		this.localAddress = localAddress;
		this.idleTimeoutNanos = config.idleTimeout().toNanos();
		this.log = new ListenerLog(logger, config.name(), this.stats);
	}

	/**
	 * Create, configure, bind and listen, then start accepting on {@code acceptLoop}.
	 */
	static EpollListener bind(EpollEventLoopGroup group, EpollEventLoop acceptLoop, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
		InetSocketAddress address;
		try {
			address = new InetSocketAddress(InetAddress.getByName(config.host()), config.port());
		}
		catch (UnknownHostException ex) {
			throw new ListenerBindException(config.name(), config.host(), config.port(),
					ListenerBindException.Kind.ADDRESS_NOT_AVAILABLE, ex);
		}
		LinuxSocket socket = null;
		try {
			socket = LinuxSocket.newStream(address);
			socket.setReuseAddress(config.reuseAddress());
			if (config.reusePort()) {
				socket.setReusePort(true);
			}
			if (address.getAddress() instanceof java.net.Inet6Address && address.getAddress().isAnyLocalAddress()) {
				socket.setV6Only(false);
			}
			socket.applyConnectionOptions(config);
			Native.bind(socket.fd, address);
			Native.listen(socket.fd, backlogFor(config.backlog()));
			InetSocketAddress local = socket.localAddress();
			EpollListener listener = new EpollListener(group, acceptLoop, config, handler, streamHandler, socket,
					local);
			listener.warnIfBacklogClamped();
			Boolean started = acceptLoop.call(() -> {
				listener.startAccepting();
				return true;
			}, 5000);
			if (started == null) {
				throw new IOException("event loop " + acceptLoop.thread.getName() + " did not register the listener");
			}
			return listener;
		}
		catch (IOException ex) {
			if (socket != null) {
				Native.close(socket.fd);
			}
			throw bindFailure(config, ex);
		}
	}

	private static ListenerBindException bindFailure(ListenerConfig config, IOException ex) {
		int errno = Errors.errno(ex);
		if (errno == Errors.EADDRINUSE) {
			return new PortInUseException(config.name(), config.host(), config.port(), ex);
		}
		ListenerBindException.Kind kind = switch (errno) {
			case Errors.EACCES, Errors.EPERM -> ListenerBindException.Kind.PERMISSION_DENIED;
			case Errors.EADDRNOTAVAIL -> ListenerBindException.Kind.ADDRESS_NOT_AVAILABLE;
			default -> ListenerBindException.Kind.OTHER;
		};
		return new ListenerBindException(config.name(), config.host(), config.port(), kind, ex);
	}

	/**
	 * Kernels before 4.1 kept the backlog in 16 bits, so 65536 became 0 (golang/go#41470,
	 * netty#10137): never pass them more than 65535.
	 */
	private static int backlogFor(int requested) {
		return (requested > 65535 && !KernelVersion.atLeast(4, 1)) ? 65535 : requested;
	}

	private void warnIfBacklogClamped() {
		OptionalInt effective = effectiveBacklog();
		if (effective.isPresent() && effective.getAsInt() < this.config.backlog()) {
			logger.warn("Listener '{}': backlog {} was clamped by the kernel to {} (net.core.somaxconn={}); "
					+ "raise net.core.somaxconn to get more", name(), this.config.backlog(), effective.getAsInt(),
					somaxconn());
		}
	}

	static String somaxconn() {
		try {
			return Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim();
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	// Accepting, on the accept loop

	private void startAccepting() throws IOException {
		this.acceptLoop.register(this.socket.fd, this, Native.EPOLLIN);
		this.accepting = true;
	}

	private void setAccepting(boolean on) {
		if (this.socketClosed || this.accepting == on) {
			return;
		}
		int res = this.acceptLoop.ctl(Native.EPOLL_CTL_MOD, this.socket.fd, on ? Native.EPOLLIN : 0);
		if (res == 0) {
			this.accepting = on;
		}
		else {
			logger.warn("Listener '{}': epoll_ctl failed: {}", name(), Errors.newIOException("epoll_ctl", res).getMessage());
		}
	}

	void acceptReady(EpollEventLoop loop) {
		if (!this.accepting) {
			return;
		}
		ByteBuffer sockaddr = loop.acceptAddress;
		long address = loop.acceptAddressAddress;
		for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
			sockaddr.putInt(Native.SOCKADDR_SIZE, Native.SOCKADDR_SIZE);
			int fd = Native.accept(this.socket.fd, address, address + Native.SOCKADDR_SIZE);
			if (fd < 0) {
				int errno = -fd;
				if (errno != Errors.EAGAIN) {
					acceptFailed(errno);
				}
				return;
			}
			if (this.stats.active() >= this.config.maxConnections()) {
				Native.setLinger(fd, true, 0);
				Native.close(fd);
				this.stats.recordRejected();
				continue;
			}
			InetSocketAddress remote;
			try {
				remote = Native.readSockaddr(sockaddr, 0);
			}
			catch (UnknownHostException ex) {
				remote = new InetSocketAddress(0);
			}
			EpollEventLoop target = this.group.next();
			EpollConnection connection = new EpollConnection(target, this, fd, remote, this.handler);
			this.stats.recordAccepted();
			this.connections.add(connection.id(), connection);
			connection.register();
		}
	}

	private void acceptFailed(int errno) {
		String name = Errors.name(errno);
		if (errno == Errors.ECONNABORTED || errno == Errors.EINTR) {
			this.stats.recordAcceptError(name);
			return;
		}
		boolean exhausted = ListenerLog.isExhaustion(name);
		this.log.acceptFailed(name, Native.strerror(errno), exhausted);
		if (exhausted && !this.backingOff) {
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

	// Called by connections, on their loops

	void connectionClosed(EpollConnection connection, CloseReason reason) {
		if (this.connections.remove(connection.id())) {
			this.stats.recordClosed(reason);
		}
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
		return PeriodicCheck.idleIntervalNanos(this.config.idleTimeout());
	}

	@Nullable TcpStreamHandler streamHandler() {
		return this.streamHandler;
	}

	@Nullable ThreadFactory handlerThreads() {
		return this.handlerThreads;
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
		return Transport.EPOLL;
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

	private @Nullable TcpInfo listenerInfo() {
		if (this.state == ListenerState.STOPPED || this.state == ListenerState.DRAINING) {
			return null;
		}
		return this.acceptLoop.call(() -> this.socketClosed ? null : this.socket.tcpInfo(), 1000);
	}

	@Override
	public OptionalInt effectiveBacklog() {
		TcpInfo info = listenerInfo();
		return (info != null) ? OptionalInt.of((int) info.sacked()) : OptionalInt.empty();
	}

	@Override
	public OptionalInt acceptQueueSize() {
		TcpInfo info = listenerInfo();
		return (info != null) ? OptionalInt.of((int) info.unacked()) : OptionalInt.empty();
	}

	@Override
	public SocketOptionsView socketOptions() {
		SocketOptionsView options = this.acceptLoop.call(() -> this.socketClosed ? null : this.socket.options(), 1000);
		return (options != null) ? options
				: new SocketOptionsView(null, null, null, null, null, null, null, null, null, null);
	}

	@Override
	public int activeConnections() {
		return (int) this.stats.active();
	}

	@Override
	public List<ConnectionInfo> connections(int limit) {
		List<ConnectionInfo> result = new ArrayList<>();
		for (EpollConnection connection : this.connections.values()) {
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
		long deadline = beginStop(gracePeriod);
		awaitStop(deadline);
	}

	/**
	 * Stop accepting, close the listening socket, and start draining every connection.
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
			return Boolean.TRUE;
		}, 5000);
		if (closed == null && !this.acceptLoop.isAlive()) {
			closeSocket();
		}
		for (EpollConnection connection : this.connections.values()) {
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

	private void closeSocket() {
		if (!this.socketClosed) {
			this.socketClosed = true;
			this.accepting = false;
			this.acceptLoop.forget(this.socket.fd, this);
			Native.close(this.socket.fd);
		}
	}

	/**
	 * Wait for the drain to end, then close what remains.
	 * @param deadline the drain deadline
	 */
	void awaitStop(long deadline) {
		waitForConnections(deadline);
		if (!this.connections.isEmpty()) {
			logger.info("Listener '{}': grace period over, closing {} remaining connections", name(),
					this.connections.size());
			for (EpollConnection connection : this.connections.values()) {
				connection.loop.execute(() -> connection.forceClose(CloseReason.SHUTDOWN));
			}
			waitForConnections(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
		}
		this.state = ListenerState.STOPPED;
		this.group.listenerStopped(this);
	}

	private void waitForConnections(long deadline) {
		this.connections.awaitEmpty(deadline, this.group::isAlive);
	}

	@Override
	public String toString() {
		return "listener '" + name() + "' on " + this.localAddress + " (epoll, " + this.mode.value() + ")";
	}

}
