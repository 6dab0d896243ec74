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
import dev.rawtcp.internal.AbstractListener;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.ListenerLog;
import dev.rawtcp.internal.OpenConnections;
import dev.rawtcp.internal.WriteQueue;

/**
 * A listening socket built from syscalls: {@code socket}, {@code setsockopt},
 * {@code bind}, {@code listen(fd, backlog)}, then {@code accept4} on its loop. The options
 * accepted sockets inherit on Linux are set here once, so accepting costs one syscall.
 */
final class EpollListener extends AbstractListener {

	private static final Logger logger = LoggerFactory.getLogger(EpollListener.class);

	private final EpollEventLoopGroup group;

	private final EpollEventLoop acceptLoop;

	private final LinuxSocket socket;

	private EpollListener(EpollEventLoopGroup group, EpollEventLoop acceptLoop, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, LinuxSocket socket,
			InetSocketAddress localAddress) {
		super(logger, group, acceptLoop, config, handler, streamHandler, localAddress);
		this.group = group;
		this.acceptLoop = acceptLoop;
		this.socket = socket;
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
			if (address.getAddress() instanceof java.net.Inet6Address && address.getAddress().isAnyLocalAddress()) {
				socket.setV6Only(false);
			}
			socket.applyOptions(config);
			Native.bind(socket.fd, address);
			Native.listen(socket.fd, backlogFor(config.backlog()));
			InetSocketAddress local = socket.localAddress();
			EpollListener listener = new EpollListener(group, acceptLoop, config, handler, streamHandler, socket,
					local);
			listener.warnIfBacklogClamped();
			listener.startAccepting(() -> {
				acceptLoop.register(listener.socket.fd, listener, Native.EPOLLIN);
				return null;
			});
			return listener;
		}
		catch (IOException ex) {
			if (socket != null) {
				Native.close(socket.fd);
			}
			throw bindFailure(config, ex);
		}
		catch (RuntimeException ex) {
			if (socket != null) {
				Native.close(socket.fd);
			}
			throw ex;
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

	@Override
	protected boolean setAcceptInterest(boolean on) {
		int res = this.acceptLoop.ctl(Native.EPOLL_CTL_MOD, this.socket.fd, on ? Native.EPOLLIN : 0);
		if (res != 0) {
			logger.warn("Listener '{}': epoll_ctl failed: {}", name(), Errors.newIOException("epoll_ctl", res).getMessage());
		}
		return res == 0;
	}

	void acceptReady(EpollEventLoop loop) {
		if (!isAccepting()) {
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
				remote = peerOf(fd);
			}
			EpollEventLoop target = this.group.nextLoop();
			accepted(new EpollConnection(target, this, fd, remote, this.handler));
		}
	}

	private void acceptFailed(int errno) {
		String name = Errors.name(errno);
		if (errno == Errors.ECONNABORTED || errno == Errors.EINTR) {
			this.stats.recordAcceptError(name);
			return;
		}
		acceptFailed(name, Native.strerror(errno), ListenerLog.isExhaustion(name));
	}

	/** The peer as {@code getpeername} reports it, for a sockaddr {@code accept4} left unparseable. */
	private static InetSocketAddress peerOf(int fd) {
		try {
			return Native.remoteAddress(fd);
		}
		catch (IOException ex) {
			return InetSocketAddress.createUnresolved("unknown", 0);
		}
	}

	// Listener

	@Override
	public Transport transport() {
		return Transport.EPOLL;
	}

	private @Nullable TcpInfo listenerInfo() {
		if (state() == ListenerState.STOPPED || state() == ListenerState.DRAINING) {
			return null;
		}
		return this.acceptLoop.call(() -> isSocketClosed() ? null : this.socket.tcpInfo(), 1000);
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
		SocketOptionsView options = this.acceptLoop.call(() -> isSocketClosed() ? null : this.socket.options(), 1000);
		return (options != null) ? options : SocketOptionsView.UNREADABLE;
	}

	@Override
	protected void closeListeningSocket() {
		this.acceptLoop.forget(this.socket.fd, this);
		Native.close(this.socket.fd);
	}

}
