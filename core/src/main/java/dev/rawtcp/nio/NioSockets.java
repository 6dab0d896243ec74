package dev.rawtcp.nio;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.ListenerBindException;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.PortInUseException;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.internal.StreamBuffer;
import jdk.net.ExtendedSocketOptions;

/**
 * Socket options through the JDK ({@link StandardSocketOptions} and
 * {@link ExtendedSocketOptions} where this JDK and OS support them), and the mapping of
 * the JDK's I/O error messages to what the epoll transport reads from errno.
 */
final class NioSockets {

	private static final Logger logger = LoggerFactory.getLogger(NioSockets.class);

	private NioSockets() {
	}

	static void applyListenerOptions(ServerSocketChannel channel, ListenerConfig config) throws IOException {
		channel.setOption(StandardSocketOptions.SO_REUSEADDR, config.reuseAddress());
		if (config.reusePort()) {
			if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
				channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			}
			else {
				logger.info("Listener '{}': SO_REUSEPORT is not supported here; reuse-port is ignored", config.name());
			}
		}
		if (config.receiveBufferSize() != null) {
			// set before listen so that accepted sockets get a window scale to match
			channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBufferSize());
		}
	}

	/**
	 * Set the options of an accepted channel, one call each. Options left at {@code false} are
	 * not set: an accepted socket starts with them off, as the listening socket they would be
	 * inherited from never has them on (a system call less for each option switched off).
	 */
	static void applyConnectionOptions(SocketChannel channel, ListenerConfig config) throws IOException {
		if (config.tcpNoDelay()) {
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		}
		if (config.keepAlive()) {
			channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
			setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPIDLE, config.keepAliveIdleSeconds());
			setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL, config.keepAliveIntervalSeconds());
			setIfSupported(channel, ExtendedSocketOptions.TCP_KEEPCOUNT, config.keepAliveCount());
		}
		if (config.receiveBufferSize() != null) {
			channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBufferSize());
		}
		if (config.sendBufferSize() != null) {
			channel.setOption(StandardSocketOptions.SO_SNDBUF, config.sendBufferSize());
		}
	}

	private static <T> void setIfSupported(SocketChannel channel, SocketOption<T> option, T value) throws IOException {
		if (channel.supportedOptions().contains(option)) {
			channel.setOption(option, value);
		}
	}

	/**
	 * Allocate a thread-per-connection stream buffer. Direct: a {@code SocketChannel} reads into
	 * and writes from a heap buffer through a temporary direct one, one more copy per call.
	 * @param capacity the size
	 * @return the buffer
	 */
	static StreamBuffer streamBuffer(int capacity) {
		return new StreamBuffer(ByteBuffer.allocateDirect(capacity), 0);
	}

	/**
	 * Read every option this JDK can read back; {@code null} for the rest (and for all of
	 * them once the channel is closed).
	 */
	static SocketOptionsView options(NetworkChannel channel) {
		return new SocketOptionsView(get(channel, StandardSocketOptions.SO_KEEPALIVE),
				get(channel, ExtendedSocketOptions.TCP_KEEPIDLE), get(channel, ExtendedSocketOptions.TCP_KEEPINTERVAL),
				get(channel, ExtendedSocketOptions.TCP_KEEPCOUNT), get(channel, StandardSocketOptions.TCP_NODELAY), null,
				get(channel, StandardSocketOptions.SO_RCVBUF), get(channel, StandardSocketOptions.SO_SNDBUF),
				get(channel, StandardSocketOptions.SO_REUSEADDR), get(channel, StandardSocketOptions.SO_REUSEPORT));
	}

	/**
	 * Options of a listening channel. Keepalive and no-delay are set on each accepted channel
	 * on nio (the JDK offers no way to set them on a listening one), so they are absent here
	 * rather than the kernel's untouched defaults of the listening socket.
	 */
	static SocketOptionsView listenerOptions(ServerSocketChannel channel) {
		return new SocketOptionsView(null, null, null, null, null, null, get(channel, StandardSocketOptions.SO_RCVBUF),
				null, get(channel, StandardSocketOptions.SO_REUSEADDR), get(channel, StandardSocketOptions.SO_REUSEPORT));
	}

	private static <T> @Nullable T get(NetworkChannel channel, SocketOption<T> option) {
		if (!channel.isOpen() || !channel.supportedOptions().contains(option)) {
			return null;
		}
		try {
			return channel.getOption(option);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** Map a failed bind or listen to the typed exception, by the JDK's strerror text. */
	static ListenerBindException bindFailure(ListenerConfig config, IOException ex) {
		String message = lower(ex);
		if (ex instanceof BindException && message.contains("address already in use")) {
			return new PortInUseException(config.name(), config.host(), config.port(), ex);
		}
		ListenerBindException.Kind kind = ListenerBindException.Kind.OTHER;
		if (message.contains("permission denied") || message.contains("operation not permitted")) {
			kind = ListenerBindException.Kind.PERMISSION_DENIED;
		}
		else if (message.contains("cannot assign requested address") || ex instanceof java.net.UnknownHostException) {
			kind = ListenerBindException.Kind.ADDRESS_NOT_AVAILABLE;
		}
		return new ListenerBindException(config.name(), config.host(), config.port(), kind, ex);
	}

	/** The errno name behind a failed accept, from the JDK's strerror text; {@code OTHER} if unknown. */
	static String acceptErrno(IOException ex) {
		String message = lower(ex);
		if (message.contains("too many open files in system")) {
			return "ENFILE";
		}
		if (message.contains("too many open files")) {
			return "EMFILE";
		}
		if (message.contains("no buffer space")) {
			return "ENOBUFS";
		}
		if (message.contains("cannot allocate memory") || message.contains("out of memory")) {
			return "ENOMEM";
		}
		if (message.contains("connection abort")) {
			return "ECONNABORTED";
		}
		if (message.contains("operation not permitted")) {
			return "EPERM";
		}
		return "OTHER";
	}

	/** Whether an I/O error means the peer reset the connection (ECONNRESET, EPIPE). */
	static boolean isReset(IOException ex) {
		String message = lower(ex);
		return message.contains("connection reset") || message.contains("broken pipe");
	}

	private static String lower(IOException ex) {
		String message = ex.getMessage();
		return (message != null) ? message.toLowerCase(Locale.ROOT) : "";
	}

}
