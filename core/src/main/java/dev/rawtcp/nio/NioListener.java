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

import dev.rawtcp.AcceptSharding;
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
import dev.rawtcp.internal.AbstractListener;
import dev.rawtcp.internal.AcceptShard;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.ListenerLog;
import dev.rawtcp.internal.OpenConnections;
import dev.rawtcp.internal.WriteQueue;

/**
 * A {@link ServerSocketChannel} bound with {@code bind(address, backlog)} and accepting on
 * one loop; accepted channels get their options one by one (the JDK does not let us rely
 * on inheritance from the listening socket) and are spread over every loop. With accept
 * sharding, one channel per loop with {@code SO_REUSEPORT} on one port, each loop keeping what
 * it accepts (CPU steering needs the epoll transport). What only the kernel knows (effective
 * backlog, accept queue) is reported as absent.
 */
final class NioListener extends AbstractListener {

	private static final Logger logger = LoggerFactory.getLogger(NioListener.class);

	private final NioEventLoopGroup group;

	/** The listening channels, by shard index. */
	private final ServerSocketChannel[] servers;

	private final @Nullable SelectionKey[] acceptKeys;

	private final boolean sharded;

	private NioListener(NioEventLoopGroup group, List<NioEventLoop> acceptLoops, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, ServerSocketChannel[] servers)
			throws IOException {
		super(logger, group, acceptLoops, config, handler, streamHandler,
				(InetSocketAddress) servers[0].getLocalAddress());
		this.group = group;
		this.servers = servers;
		this.acceptKeys = new SelectionKey[servers.length];
		this.sharded = config.acceptSharding() == AcceptSharding.PER_LOOP;
	}

	/**
	 * Open, configure, bind with the backlog (one channel per accept loop), then start accepting
	 * on each.
	 */
	static NioListener bind(NioEventLoopGroup group, List<NioEventLoop> acceptLoops, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
		InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
		if (address.isUnresolved()) {
			throw NioSockets.bindFailure(config, new UnknownHostException(config.host()));
		}
		boolean sharded = config.acceptSharding() == AcceptSharding.PER_LOOP;
		if (sharded && config.acceptShardingCpuSteering()) {
			logger.info("Listener '{}': accept-sharding-cpu-steering needs the epoll transport; the kernel's hash "
					+ "spreads connections over the shards instead", config.name());
		}
		List<ServerSocketChannel> made = new ArrayList<>();
		NioListener listener = null;
		int started = 0;
		try {
			InetSocketAddress bindTo = address;
			for (int i = 0; i < acceptLoops.size(); i++) {
				ServerSocketChannel server = ServerSocketChannel.open();
				made.add(server);
				server.configureBlocking(false);
				NioSockets.applyListenerOptions(server, config);
				if (sharded) {
					NioSockets.setReusePort(server, config);
				}
				server.bind(bindTo, config.backlog());
				if (i == 0) {
					bindTo = new InetSocketAddress(address.getAddress(),
							((InetSocketAddress) server.getLocalAddress()).getPort());
				}
			}
			listener = new NioListener(group, acceptLoops, config, handler, streamHandler,
					made.toArray(new ServerSocketChannel[0]));
			for (AcceptShard shard : listener.shardList()) {
				NioListener registered = listener;
				NioEventLoop loop = (NioEventLoop) shard.loop();
				registered.startAccepting(shard, () -> registered.acceptKeys[shard.index()] = registered.servers[shard
					.index()].register(loop.selector, SelectionKey.OP_ACCEPT, registered));
				started++;
			}
			return listener;
		}
		catch (IOException ex) {
			closeAfterFailure(listener, made, started);
			throw NioSockets.bindFailure(config, ex);
		}
		catch (RuntimeException ex) {
			closeAfterFailure(listener, made, started);
			if (ex instanceof ListenerBindException bindException) {
				throw bindException;
			}
			throw new ListenerBindException(config.name(), config.host(), config.port(),
					ListenerBindException.Kind.OTHER, new IOException(ex.toString(), ex));
		}
	}

	/** Close what a failed bind made: channels already accepting on their loops, the others here. */
	private static void closeAfterFailure(@Nullable NioListener listener, List<ServerSocketChannel> made, int started) {
		for (int i = 0; i < made.size(); i++) {
			if (listener != null && i < started) {
				AcceptShard shard = listener.shardList().get(i);
				NioListener owner = listener;
				shard.loop().execute(() -> owner.closeSocketsOn(shard.loop()));
			}
			else {
				closeQuietly(made.get(i));
			}
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

	// Accepting, on the shard's loop

	@Override
	protected boolean setAcceptInterest(AcceptShard shard, boolean on) {
		SelectionKey key = this.acceptKeys[shard.index()];
		if (key == null || !key.isValid()) {
			return false;
		}
		key.interestOps(on ? SelectionKey.OP_ACCEPT : 0);
		return true;
	}

	void acceptReady(NioEventLoop loop) {
		AcceptShard shard = shardOn(loop);
		if (shard == null || !shard.isAccepting()) {
			return;
		}
		ServerSocketChannel server = this.servers[shard.index()];
		for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
			SocketChannel channel;
			try {
				channel = server.accept();
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				acceptFailed(shard, ex);
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
				connection = new NioConnection(this.sharded ? loop : this.group.nextLoop(), this, channel,
						this.handler);
			}
			catch (IOException ex) {
				// reset before we got to it; the handler never sees it
				logger.debug("Listener '{}': dropping a connection that failed at once", name(), ex);
				closeQuietly(channel);
				continue;
			}
			accepted(shard, connection);
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

	private void acceptFailed(AcceptShard shard, IOException ex) {
		String errno = NioSockets.acceptErrno(ex);
		if ("ECONNABORTED".equals(errno)) {
			this.stats.recordAcceptError(errno);
			return;
		}
		// whatever failed would most likely fail again at once: never spin on it
		acceptFailed(shard, errno, String.valueOf(ex.getMessage()), true);
	}

	// Listener

	@Override
	public Transport transport() {
		return Transport.NIO;
	}

	/** The JDK cannot read {@code TCP_INFO} of a listening socket: always empty. */
	@Override
	public OptionalInt effectiveBacklog() {
		return OptionalInt.empty();
	}

	/** The JDK cannot read {@code TCP_INFO} of a listening socket: always empty. */
	@Override
	protected OptionalInt acceptQueueSize(AcceptShard shard) {
		return OptionalInt.empty();
	}

	/** The options of the first listening channel (every shard is set alike). */
	@Override
	public SocketOptionsView socketOptions() {
		return NioSockets.listenerOptions(this.servers[0]);
	}

	@Override
	protected void closeListeningSocket(AcceptShard shard) {
		closeQuietly(this.servers[shard.index()]);
	}

	@Override
	protected void listeningSocketClosedByStop(AcceptShard shard) {
		((NioEventLoop) shard.loop()).deregisterCancelled();
	}

}
