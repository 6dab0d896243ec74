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
import dev.rawtcp.internal.AbstractListener;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.ListenerLog;
import dev.rawtcp.internal.OpenConnections;
import dev.rawtcp.internal.WriteQueue;

/**
 * A {@link ServerSocketChannel} bound with {@code bind(address, backlog)} and accepting on
 * one loop; accepted channels get their options one by one (the JDK does not let us rely
 * on inheritance from the listening socket) and are spread over every loop. What only the
 * kernel knows (effective backlog, accept queue) is reported as absent.
 */
final class NioListener extends AbstractListener {

	private static final Logger logger = LoggerFactory.getLogger(NioListener.class);

	private final NioEventLoopGroup group;

	private final NioEventLoop acceptLoop;

	private final ServerSocketChannel server;

	private @Nullable SelectionKey acceptKey;

	private NioListener(NioEventLoopGroup group, NioEventLoop acceptLoop, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler, ServerSocketChannel server)
			throws IOException {
		super(logger, group, acceptLoop, config, handler, streamHandler, (InetSocketAddress) server.getLocalAddress());
		this.group = group;
		this.acceptLoop = acceptLoop;
		this.server = server;
	}

	/**
	 * Open, configure, bind with the backlog, then start accepting on {@code acceptLoop}.
	 */
	static NioListener bind(NioEventLoopGroup group, NioEventLoop acceptLoop, ListenerConfig config,
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
			NioListener listener = new NioListener(group, acceptLoop, config, handler, streamHandler, server);
			listener.startAccepting(() -> listener.acceptKey = listener.server.register(acceptLoop.selector,
					SelectionKey.OP_ACCEPT, listener));
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

	@Override
	protected boolean setAcceptInterest(boolean on) {
		SelectionKey key = this.acceptKey;
		if (key == null || !key.isValid()) {
			return false;
		}
		key.interestOps(on ? SelectionKey.OP_ACCEPT : 0);
		return true;
	}

	void acceptReady() {
		if (!isAccepting()) {
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
			accepted(connection);
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
		acceptFailed(errno, String.valueOf(ex.getMessage()), true);
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
	public OptionalInt acceptQueueSize() {
		return OptionalInt.empty();
	}

	@Override
	public SocketOptionsView socketOptions() {
		return NioSockets.listenerOptions(this.server);
	}

	@Override
	protected void closeListeningSocket() {
		closeQuietly(this.server);
	}

	@Override
	protected void listeningSocketClosedByStop() {
		this.acceptLoop.deregisterCancelled();
	}

}
