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

import dev.rawtcp.AcceptSharding;
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
import dev.rawtcp.internal.AcceptShard;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.ListenerLog;
import dev.rawtcp.internal.OpenConnections;
import dev.rawtcp.internal.WriteQueue;

/**
 * A listening socket built from syscalls: {@code socket}, {@code setsockopt},
 * {@code bind}, {@code listen(fd, backlog)}, then {@code accept4} on its loop. The options
 * accepted sockets inherit on Linux are set here once, so accepting costs one syscall. With
 * accept sharding, one such socket per loop of the group, all with {@code SO_REUSEPORT} on one
 * port (the first binds the port, the others bind the port it got), each accepted on its own
 * loop, which also serves what it accepts; with CPU steering, a classic BPF program attached to
 * the group picks the socket by the CPU that received the connection.
 */
final class EpollListener extends AbstractListener {

	private static final Logger logger = LoggerFactory.getLogger(EpollListener.class);

	private final EpollEventLoopGroup group;

	/** The listening sockets, by shard index. */
	private final LinuxSocket[] sockets;

	/** Whether each loop keeps what it accepts (sharded) rather than spreading it over the group. */
	private final boolean sharded;

	private EpollListener(EpollEventLoopGroup group, List<EpollEventLoop> acceptLoops, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, LinuxSocket[] sockets,
			InetSocketAddress localAddress) {
		super(logger, group, acceptLoops, config, handler, streamHandler, localAddress);
		this.group = group;
		this.sockets = sockets;
		this.sharded = config.acceptSharding() == AcceptSharding.PER_LOOP;
	}

	/**
	 * Create, configure, bind and listen one socket per accept loop, then start accepting on each.
	 */
	static EpollListener bind(EpollEventLoopGroup group, List<EpollEventLoop> acceptLoops, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
		InetSocketAddress address;
		try {
			address = new InetSocketAddress(InetAddress.getByName(config.host()), config.port());
		}
		catch (UnknownHostException ex) {
			throw new ListenerBindException(config.name(), config.host(), config.port(),
					ListenerBindException.Kind.ADDRESS_NOT_AVAILABLE, ex);
		}
		boolean sharded = config.acceptSharding() == AcceptSharding.PER_LOOP;
		List<LinuxSocket> made = new ArrayList<>();
		EpollListener listener = null;
		int started = 0;
		try {
			InetSocketAddress bindTo = address;
			for (int i = 0; i < acceptLoops.size(); i++) {
				LinuxSocket socket = LinuxSocket.newStream(bindTo);
				made.add(socket);
				if (address.getAddress() instanceof java.net.Inet6Address && address.getAddress().isAnyLocalAddress()) {
					socket.setV6Only(false);
				}
				socket.applyOptions(config);
				if (sharded) {
					socket.setReusePort();
				}
				Native.bind(socket.fd, bindTo);
				Native.listen(socket.fd, backlogFor(config.backlog()));
				if (i == 0) {
					// port 0: every other shard binds the port the first one got
					bindTo = new InetSocketAddress(address.getAddress(), socket.localAddress().getPort());
				}
			}
			if (sharded && config.acceptShardingCpuSteering()) {
				made.get(0).steerByCpu(made.size());
			}
			listener = new EpollListener(group, acceptLoops, config, handler, streamHandler,
					made.toArray(new LinuxSocket[0]), made.get(0).localAddress());
			listener.warnIfBacklogClamped();
			listener.warnIfFastOpenOff();
			for (AcceptShard shard : listener.shardList()) {
				EpollListener registered = listener;
				int fd = registered.sockets[shard.index()].fd;
				EpollEventLoop loop = (EpollEventLoop) shard.loop();
				registered.startAccepting(shard, () -> {
					loop.register(fd, registered, Native.EPOLLIN);
					return null;
				});
				started++;
			}
			return listener;
		}
		catch (IOException ex) {
			closeAfterFailure(listener, made, started);
			throw bindFailure(config, ex);
		}
		catch (RuntimeException ex) {
			closeAfterFailure(listener, made, started);
			throw ex;
		}
	}

	/** Close what a failed bind made: sockets already accepting on their loops, the others here. */
	private static void closeAfterFailure(@Nullable EpollListener listener, List<LinuxSocket> made, int started) {
		for (int i = 0; i < made.size(); i++) {
			if (listener != null && i < started) {
				AcceptShard shard = listener.shardList().get(i);
				EpollListener owner = listener;
				shard.loop().execute(() -> owner.closeSocketsOn(shard.loop()));
			}
			else {
				Native.close(made.get(i).fd);
			}
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
		return sysctl("net/core/somaxconn");
	}

	/**
	 * A fast-open queue length does nothing unless {@code net.ipv4.tcp_fastopen} has the server
	 * bit (2); the default, 1, has only the client bit.
	 */
	private void warnIfFastOpenOff() {
		if (this.config.fastOpenQueueLength() == 0) {
			return;
		}
		String value = sysctl("net/ipv4/tcp_fastopen");
		try {
			if ((Integer.decode(value) & 2) == 0) {
				logger.warn("Listener '{}': fast-open.queue-length is set but net.ipv4.tcp_fastopen={} lacks the "
						+ "server bit (2): the kernel answers fast-open SYNs with a plain handshake; set it to 3", name(),
						value);
			}
		}
		catch (NumberFormatException ex) {
			// unknown: nothing to say
		}
	}

	private static String sysctl(String path) {
		try {
			return Files.readAllLines(Path.of("/proc/sys/" + path)).get(0).trim();
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	// Accepting, on the shard's loop

	@Override
	protected boolean setAcceptInterest(AcceptShard shard, boolean on) {
		EpollEventLoop loop = (EpollEventLoop) shard.loop();
		int res = loop.ctl(Native.EPOLL_CTL_MOD, this.sockets[shard.index()].fd, on ? Native.EPOLLIN : 0);
		if (res != 0) {
			logger.warn("Listener '{}': epoll_ctl failed: {}", name(), Errors.newIOException("epoll_ctl", res).getMessage());
		}
		return res == 0;
	}

	void acceptReady(EpollEventLoop loop) {
		AcceptShard shard = shardOn(loop);
		if (shard == null || !shard.isAccepting()) {
			return;
		}
		int listening = this.sockets[shard.index()].fd;
		ByteBuffer sockaddr = loop.acceptAddress;
		long address = loop.acceptAddressAddress;
		for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
			sockaddr.putInt(Native.SOCKADDR_SIZE, Native.SOCKADDR_SIZE);
			int fd = Native.accept(listening, address, address + Native.SOCKADDR_SIZE);
			if (fd < 0) {
				int errno = -fd;
				if (errno != Errors.EAGAIN) {
					acceptFailed(shard, errno);
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
			EpollEventLoop target = this.sharded ? loop : this.group.nextLoop();
			accepted(shard, new EpollConnection(target, this, fd, remote, this.handler));
		}
	}

	private void acceptFailed(AcceptShard shard, int errno) {
		String name = Errors.name(errno);
		if (errno == Errors.ECONNABORTED || errno == Errors.EINTR) {
			this.stats.recordAcceptError(name);
			return;
		}
		acceptFailed(shard, name, Native.strerror(errno), ListenerLog.isExhaustion(name));
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

	private @Nullable TcpInfo listenerInfo(AcceptShard shard) {
		if (state() == ListenerState.STOPPED || state() == ListenerState.DRAINING) {
			return null;
		}
		LinuxSocket socket = this.sockets[shard.index()];
		return shard.loop().call(() -> shard.isClosed() ? null : socket.tcpInfo(), 1000);
	}

	/** The backlog the kernel applied to each listening socket (every shard has the same). */
	@Override
	public OptionalInt effectiveBacklog() {
		TcpInfo info = listenerInfo(shardList().get(0));
		return (info != null) ? OptionalInt.of((int) info.sacked()) : OptionalInt.empty();
	}

	@Override
	protected OptionalInt acceptQueueSize(AcceptShard shard) {
		TcpInfo info = listenerInfo(shard);
		return (info != null) ? OptionalInt.of((int) info.unacked()) : OptionalInt.empty();
	}

	/** The options of the first listening socket (every shard is set alike). */
	@Override
	public SocketOptionsView socketOptions() {
		AcceptShard shard = shardList().get(0);
		LinuxSocket socket = this.sockets[0];
		SocketOptionsView options = shard.loop().call(() -> shard.isClosed() ? null : socket.options(), 1000);
		return (options != null) ? options : SocketOptionsView.UNREADABLE;
	}

	@Override
	protected void closeListeningSocket(AcceptShard shard) {
		int fd = this.sockets[shard.index()].fd;
		((EpollEventLoop) shard.loop()).forget(fd, this);
		Native.close(fd);
	}

}
