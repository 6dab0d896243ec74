package dev.rawtcp.nio;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketOption;
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
import dev.rawtcp.ListenerOption;
import dev.rawtcp.PortInUseException;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.internal.StreamBuffer;

/**
 * Socket options through the JDK ({@link java.net.StandardSocketOptions} and
 * {@link jdk.net.ExtendedSocketOptions} where this JDK and OS support them), and the mapping of
 * the JDK's I/O error messages to what the epoll transport reads from errno.
 */
final class NioSockets {

	private static final Logger logger = LoggerFactory.getLogger(NioSockets.class);

	private NioSockets() {
	}

	/**
	 * Set the options of the listening channel: those placed on it (reuse, the receive buffer
	 * before {@code listen(2)}) that the configuration sets.
	 */
	static void applyListenerOptions(ServerSocketChannel channel, ListenerConfig config) throws IOException {
		for (ListenerOption<?> option : ListenerOption.socketOptions()) {
			if (option.placement().onListening()) {
				apply(channel, option, config, false);
			}
		}
	}

	/**
	 * Set {@code SO_REUSEPORT} on a listening channel of a sharded listener.
	 * @throws IOException if this JDK or OS cannot set it, naming the property that asked for it
	 */
	static void setReusePort(ServerSocketChannel channel, ListenerConfig config) throws IOException {
		if (!channel.supportedOptions().contains(java.net.StandardSocketOptions.SO_REUSEPORT)) {
			throw new IOException("accept-sharding " + config.acceptSharding().value()
					+ " needs SO_REUSEPORT, which this JDK does not support on this OS");
		}
		channel.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
	}

	/**
	 * Set the options of an accepted channel, one call each. Flags left at {@code false} are
	 * not set: an accepted socket starts with them off, as the listening socket they would be
	 * inherited from never has them on (a system call less for each option switched off).
	 * Options this JDK cannot set here (e.g. keepalive details on older Windows JDKs) are left
	 * at the kernel's value without a log line per connection.
	 */
	static void applyConnectionOptions(SocketChannel channel, ListenerConfig config) throws IOException {
		for (ListenerOption<?> option : ListenerOption.socketOptions()) {
			if (option.placement().onAccepted()) {
				apply(channel, option, config, true);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> void apply(NetworkChannel channel, ListenerOption<T> option, ListenerConfig config,
			boolean skipFalse) throws IOException {
		SocketOption<Object> jdkOption = (SocketOption<Object>) option.jdkOption();
		T value = config.get(option);
		if (!option.isSetIn(config) || (skipFalse && Boolean.FALSE.equals(value)) || jdkOption == null) {
			return;
		}
		if (channel.supportedOptions().contains(jdkOption)) {
			channel.setOption(jdkOption, option.toJdk(value));
		}
		else if (!skipFalse && !Boolean.FALSE.equals(value)) {
			logger.info("Listener '{}': {} is not supported here; {} is ignored", config.name(), jdkOption.name(),
					option.key());
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
		return SocketOptionsView.read((option) -> (option.jdkOption() != null) ? get(channel, option.jdkOption()) : null);
	}

	/**
	 * Options of a listening channel: those placed on it. Keepalive and no-delay are set on
	 * each accepted channel on nio (the JDK offers no way to set them on a listening one), so
	 * they are absent here rather than the kernel's untouched defaults of the listening socket.
	 */
	static SocketOptionsView listenerOptions(ServerSocketChannel channel) {
		return SocketOptionsView.read((option) -> (option.jdkOption() != null && option.placement().onListening())
				? get(channel, option.jdkOption()) : null);
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
