package dev.rawtcp;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import jdk.net.ExtendedSocketOptions;

/**
 * One setting of a listener, in the manner of Netty's {@code ChannelOption}: its property key
 * (below {@code rawtcp.} or {@code rawtcp.listeners.<name>.}), its default, the range it is
 * checked against, and, for a socket option, how each transport applies it and reads it back
 * from the kernel. Values are checked here and nowhere else ({@link #validate(Object)}); a
 * failure is an {@link InvalidListenerOptionException} naming the option and the range.
 * <p>
 * Adding a socket option means a constant here (with its Linux level and number in
 * {@link Kernel}, and its JDK equivalent), a component of {@link SocketOptionsView} if the
 * endpoint should show it, a property field in the auto-configuration, and a line in
 * {@code docs/configuration.md}: both transports apply and read every option through its
 * descriptor, with one generic {@code setsockopt}/{@code getsockopt} call.
 *
 * @param <T> the type of the value: {@link Integer} for counts and ports, {@link Long} for
 * sizes in bytes, {@link Duration} or {@link Boolean}
 */
public final class ListenerOption<T> {

	private static final List<ListenerOption<?>> OPTIONS = new ArrayList<>();

	/** Most bytes any size may take: 1 GiB. */
	static final long MAX_BYTES = 1L << 30;

	/** Longest connection timer ({@code idle-timeout}, {@code user-timeout}): 24 days, under 2^31 ms. */
	static final Duration MAX_TIMER = Duration.ofDays(24);

	/** Port to bind; 0 for an ephemeral one. */
	public static final ListenerOption<Integer> PORT = setting("port", Integer.class, 7000, 0, 65535);

	/** The {@code listen(2)} backlog; kernels before 4.1 keep it in 16 bits. */
	public static final ListenerOption<Integer> BACKLOG = setting("backlog", Integer.class, 1024, 1, 65535);

	/** {@code SO_REUSEADDR} on the listening socket. */
	public static final ListenerOption<Boolean> REUSE_ADDRESS = flag("reuse-address", true, Kernel.SOL_SOCKET,
			Kernel.SO_REUSEADDR, StandardSocketOptions.SO_REUSEADDR, Placement.LISTENING);

	/** {@code SO_REUSEPORT} on the listening socket. */
	public static final ListenerOption<Boolean> REUSE_PORT = flag("reuse-port", false, Kernel.SOL_SOCKET,
			Kernel.SO_REUSEPORT, StandardSocketOptions.SO_REUSEPORT, Placement.LISTENING);

	/** {@code TCP_NODELAY} on accepted connections. */
	public static final ListenerOption<Boolean> TCP_NO_DELAY = flag("tcp-no-delay", true, Kernel.IPPROTO_TCP,
			Kernel.TCP_NODELAY, StandardSocketOptions.TCP_NODELAY, Placement.ACCEPTED);

	/** {@code SO_KEEPALIVE} on accepted connections. */
	public static final ListenerOption<Boolean> KEEPALIVE = flag("keepalive.enabled", true, Kernel.SOL_SOCKET,
			Kernel.SO_KEEPALIVE, StandardSocketOptions.SO_KEEPALIVE, Placement.ACCEPTED);

	/** {@code TCP_KEEPIDLE}, rounded up to whole seconds; Linux takes 1 to 32767; set only with keepalive on. */
	public static final ListenerOption<Duration> KEEPALIVE_IDLE = socket("keepalive.idle", Duration.class,
			Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(32767),
			new Kernel(Kernel.IPPROTO_TCP, Kernel.TCP_KEEPIDLE, Encoding.SECONDS), ExtendedSocketOptions.TCP_KEEPIDLE,
			Placement.ACCEPTED, KEEPALIVE);

	/** {@code TCP_KEEPINTVL}, rounded up to whole seconds; Linux takes 1 to 32767; set only with keepalive on. */
	public static final ListenerOption<Duration> KEEPALIVE_INTERVAL = socket("keepalive.interval", Duration.class,
			Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(32767),
			new Kernel(Kernel.IPPROTO_TCP, Kernel.TCP_KEEPINTVL, Encoding.SECONDS),
			ExtendedSocketOptions.TCP_KEEPINTERVAL, Placement.ACCEPTED, KEEPALIVE);

	/** {@code TCP_KEEPCNT}; Linux takes 1 to 127; set only with keepalive on. */
	public static final ListenerOption<Integer> KEEPALIVE_COUNT = socket("keepalive.count", Integer.class, 9, 1, 127,
			new Kernel(Kernel.IPPROTO_TCP, Kernel.TCP_KEEPCNT, Encoding.COUNT), ExtendedSocketOptions.TCP_KEEPCOUNT,
			Placement.ACCEPTED, KEEPALIVE);

	/** {@code TCP_USER_TIMEOUT} in milliseconds; zero keeps the kernel default (the JDK cannot set it). */
	public static final ListenerOption<Duration> USER_TIMEOUT = socket("user-timeout", Duration.class, Duration.ZERO,
			Duration.ZERO, MAX_TIMER, new Kernel(Kernel.IPPROTO_TCP, Kernel.TCP_USER_TIMEOUT, Encoding.MILLIS), null,
			Placement.ACCEPTED, null);

	/** Close a connection with no traffic for this long; zero never does. */
	public static final ListenerOption<Duration> IDLE_TIMEOUT = setting("idle-timeout", Duration.class, Duration.ZERO,
			Duration.ZERO, MAX_TIMER);

	/** Close a connection whose frame is not complete this long after its first byte; zero never does. */
	public static final ListenerOption<Duration> FRAME_TIMEOUT = setting("frame-timeout", Duration.class,
			Duration.ZERO, Duration.ZERO, MAX_TIMER);

	/** Open connections beyond which new ones are accepted and closed at once; at most Linux's default fs.nr_open. */
	public static final ListenerOption<Integer> MAX_CONNECTIONS = setting("max-connections", Integer.class, 10000, 1,
			1 << 20);

	/**
	 * {@code SO_RCVBUF} in bytes; {@code null} keeps the kernel default. Set before
	 * {@code listen(2)} on every transport, so that accepted sockets get a window scale to match.
	 */
	public static final ListenerOption<Long> RECEIVE_BUFFER_SIZE = socket("receive-buffer-size", Long.class, null, 1L,
			MAX_BYTES, new Kernel(Kernel.SOL_SOCKET, Kernel.SO_RCVBUF, Encoding.BYTES), StandardSocketOptions.SO_RCVBUF,
			Placement.BOTH, null);

	/** {@code SO_SNDBUF} in bytes; {@code null} keeps the kernel default. */
	public static final ListenerOption<Long> SEND_BUFFER_SIZE = socket("send-buffer-size", Long.class, null, 1L,
			MAX_BYTES, new Kernel(Kernel.SOL_SOCKET, Kernel.SO_SNDBUF, Encoding.BYTES), StandardSocketOptions.SO_SNDBUF,
			Placement.ACCEPTED, null);

	/** Queued bytes below which a connection becomes writable again. */
	public static final ListenerOption<Long> WRITE_BUFFER_LOW_WATER_MARK = setting("write-buffer.low-water-mark",
			Long.class, 32L * 1024, 0L, MAX_BYTES);

	/** Queued bytes above which a connection is no longer writable; at least the low water mark. */
	public static final ListenerOption<Long> WRITE_BUFFER_HIGH_WATER_MARK = setting("write-buffer.high-water-mark",
			Long.class, 64L * 1024, 0L, MAX_BYTES);

	/** Queued bytes beyond which the connection is closed; at least the high water mark. */
	public static final ListenerOption<Long> WRITE_BUFFER_LIMIT = setting("write-buffer.limit", Long.class,
			16L * 1024 * 1024, 0L, MAX_BYTES);

	/** How long a graceful stop lets connections finish: 20 s, under Kubernetes' 30 s termination grace. */
	public static final ListenerOption<Duration> SHUTDOWN_GRACE_PERIOD = setting("shutdown.grace-period",
			Duration.class, Duration.ofSeconds(20), Duration.ZERO, Duration.ofHours(1));

	/** {@code TCP_DEFER_ACCEPT}: accept once the first bytes arrive; whole seconds, rounded up; zero is off. */
	public static final ListenerOption<Duration> DEFER_ACCEPT = socket("defer-accept", Duration.class, Duration.ZERO,
			Duration.ZERO, Duration.ofHours(1), new Kernel(Kernel.IPPROTO_TCP, Kernel.TCP_DEFER_ACCEPT, Encoding.SECONDS),
			null, Placement.LISTENING, null);

	/** {@code TCP_FASTOPEN} on the listening socket: the most pending fast-open requests; zero is off. */
	public static final ListenerOption<Integer> FAST_OPEN_QUEUE_LENGTH = socket("fast-open.queue-length",
			Integer.class, 0, 0, 65535, new Kernel(Kernel.IPPROTO_TCP, Kernel.TCP_FASTOPEN, Encoding.COUNT), null,
			Placement.LISTENING, null);

	/** One listening socket, or one per event loop on the same port ({@code SO_REUSEPORT}). */
	public static final ListenerOption<AcceptSharding> ACCEPT_SHARDING = choice("accept-sharding",
			AcceptSharding.class, AcceptSharding.OFF);

	/** With sharding, pick a connection's shard by the CPU that received it ({@code SO_ATTACH_REUSEPORT_CBPF}). */
	public static final ListenerOption<Boolean> ACCEPT_SHARDING_CPU_STEERING = choice("accept-sharding-cpu-steering",
			Boolean.class, false);

	private final String key;

	private final Class<T> type;

	private final @Nullable T defaultValue;

	private final @Nullable T minimum;

	private final @Nullable T maximum;

	private final @Nullable Kernel kernel;

	private final @Nullable SocketOption<?> jdkOption;

	private final Placement placement;

	private final @Nullable ListenerOption<Boolean> onlyWith;

	final int index;

	private ListenerOption(String key, Class<T> type, @Nullable T defaultValue, @Nullable T minimum,
			@Nullable T maximum, @Nullable Kernel kernel, @Nullable SocketOption<?> jdkOption, Placement placement,
			@Nullable ListenerOption<Boolean> onlyWith) {
		this.key = key;
		this.type = type;
		this.defaultValue = defaultValue;
		this.minimum = minimum;
		this.maximum = maximum;
		this.kernel = kernel;
		this.jdkOption = jdkOption;
		this.placement = placement;
		this.onlyWith = onlyWith;
		this.index = OPTIONS.size();
		OPTIONS.add(this);
	}

	private static <T> ListenerOption<T> setting(String key, Class<T> type, @Nullable T defaultValue, T minimum,
			T maximum) {
		return new ListenerOption<>(key, type, defaultValue, minimum, maximum, null, null, Placement.NONE, null);
	}

	private static <T> ListenerOption<T> choice(String key, Class<T> type, T defaultValue) {
		return new ListenerOption<>(key, type, defaultValue, null, null, null, null, Placement.NONE, null);
	}

	private static ListenerOption<Boolean> flag(String key, boolean defaultValue, int level, int name,
			SocketOption<Boolean> jdkOption, Placement placement) {
		return new ListenerOption<>(key, Boolean.class, defaultValue, null, null,
				new Kernel(level, name, Encoding.FLAG), jdkOption, placement, null);
	}

	private static <T> ListenerOption<T> socket(String key, Class<T> type, @Nullable T defaultValue, T minimum,
			T maximum, Kernel kernel, @Nullable SocketOption<?> jdkOption, Placement placement,
			@Nullable ListenerOption<Boolean> onlyWith) {
		return new ListenerOption<>(key, type, defaultValue, minimum, maximum, kernel, jdkOption, placement,
				onlyWith);
	}

	/**
	 * Every option, in declaration order.
	 * @return the options
	 */
	public static List<ListenerOption<?>> values() {
		return Collections.unmodifiableList(OPTIONS);
	}

	/**
	 * The options that are socket options, with a kernel level and name.
	 * @return the socket options
	 */
	public static List<ListenerOption<?>> socketOptions() {
		return OPTIONS.stream().filter((option) -> option.kernel != null).toList();
	}

	/**
	 * The property key below {@code rawtcp.} or {@code rawtcp.listeners.<name>.}, e.g.
	 * {@code keepalive.idle}.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * The type of the value.
	 * @return the type
	 */
	public Class<T> type() {
		return this.type;
	}

	/**
	 * The default value; {@code null} for an option whose default is the kernel's.
	 * @return the default
	 */
	public @Nullable T defaultValue() {
		return this.defaultValue;
	}

	/**
	 * The smallest valid value, or {@code null} for a flag or a choice.
	 * @return the minimum
	 */
	public @Nullable T minimum() {
		return this.minimum;
	}

	/**
	 * The largest valid value, or {@code null} for a flag or a choice.
	 * @return the maximum
	 */
	public @Nullable T maximum() {
		return this.maximum;
	}

	/**
	 * How Linux knows this option, or {@code null} if it is not a socket option.
	 * @return the kernel level, name and encoding
	 */
	public @Nullable Kernel kernel() {
		return this.kernel;
	}

	/**
	 * The JDK's socket option for the same setting, or {@code null} if the JDK has none.
	 * @return the JDK option
	 */
	public @Nullable SocketOption<?> jdkOption() {
		return this.jdkOption;
	}

	/**
	 * Which sockets the JDK transport sets the option on (the epoll transport sets every
	 * option on the listening socket, which accepted sockets inherit from on Linux).
	 * @return the placement
	 */
	public Placement placement() {
		return this.placement;
	}

	/**
	 * Whether the option is set at all with this configuration: a {@code null} value, a zero
	 * duration or count (e.g. {@code TCP_USER_TIMEOUT}, {@code TCP_FASTOPEN}) and keepalive
	 * details with keepalive off keep the kernel's value.
	 * @param config the configuration
	 * @return whether to set it
	 */
	public boolean isSetIn(ListenerConfig config) {
		T value = config.get(this);
		if (value == null || (value instanceof Duration duration && duration.isZero())
				|| (this.kernel != null && value instanceof Integer count && count == 0)) {
			return false;
		}
		return this.onlyWith == null || config.get(this.onlyWith);
	}

	/**
	 * The value as the kernel (and the JDK's option) takes it: 0/1 for a flag, seconds or
	 * milliseconds for a duration (by the option's encoding), bytes for a size.
	 * @param value a valid value
	 * @return the value as an {@code int}
	 */
	public int toKernel(T value) {
		Kernel kernel = Objects.requireNonNull(this.kernel, () -> this.key + " is not a socket option");
		return kernel.encoding().encode(value);
	}

	/**
	 * The value for the JDK's socket option: a {@link Boolean} for a flag, else an
	 * {@link Integer} in the kernel's unit.
	 * @param value a valid value
	 * @return the JDK value
	 */
	public Object toJdk(T value) {
		return (value instanceof Boolean) ? value : toKernel(value);
	}

	/**
	 * A value as read back from the kernel, in the form {@link SocketOptionsView} shows it: a
	 * {@link Boolean} for a flag, else the kernel's integer.
	 * @param kernelValue what {@code getsockopt} returned
	 * @return the shown value
	 */
	public Object fromKernel(int kernelValue) {
		Kernel kernel = Objects.requireNonNull(this.kernel, () -> this.key + " is not a socket option");
		return (kernel.encoding() == Encoding.FLAG) ? kernelValue != 0 : kernelValue;
	}

	/**
	 * Check a value against this option's range.
	 * @param value the value; {@code null} only for options without a default
	 * @return the value
	 * @throws InvalidListenerOptionException if it is out of range
	 */
	public @Nullable T validate(@Nullable T value) {
		if (value == null) {
			if (this.defaultValue != null) {
				throw new InvalidListenerOptionException(this, null, "must be set");
			}
			return null;
		}
		if (!this.type.isInstance(value)) {
			throw new InvalidListenerOptionException(this, value, "must be a " + this.type.getSimpleName());
		}
		if (OptionValues.compare(value, this.minimum) < 0 || OptionValues.compare(value, this.maximum) > 0) {
			throw new InvalidListenerOptionException(this, value, "must be " + range());
		}
		return value;
	}

	/**
	 * The allowed range in words, e.g. {@code between 1s and 32767s}.
	 * @return the range
	 */
	public String range() {
		return OptionValues.range(this.type, this.minimum, this.maximum);
	}

	/**
	 * A value as written in configuration: {@code 15s}, {@code 24d}, {@code 65536B}, {@code 9},
	 * {@code per-loop}.
	 * @param value the value
	 * @return its text
	 */
	public String format(@Nullable Object value) {
		return OptionValues.format(value);
	}

	@Override
	public String toString() {
		return this.key;
	}

	/**
	 * A socket option's level and name in the Linux headers, and how its value is encoded.
	 *
	 * @param level {@code SOL_SOCKET} or {@code IPPROTO_TCP}
	 * @param name the option's number, e.g. {@code TCP_KEEPIDLE} (4)
	 * @param encoding how the value becomes the kernel's {@code int}
	 */
	public record Kernel(int level, int name, Encoding encoding) {

		/** {@code SOL_SOCKET} from {@code asm-generic/socket.h}. */
		public static final int SOL_SOCKET = 1;

		/** {@code IPPROTO_TCP} from {@code netinet/in.h}. */
		public static final int IPPROTO_TCP = 6;

		/** {@code SO_REUSEADDR}, level {@code SOL_SOCKET}. */
		public static final int SO_REUSEADDR = 2;

		/** {@code SO_SNDBUF}, level {@code SOL_SOCKET}. */
		public static final int SO_SNDBUF = 7;

		/** {@code SO_RCVBUF}, level {@code SOL_SOCKET}. */
		public static final int SO_RCVBUF = 8;

		/** {@code SO_KEEPALIVE}, level {@code SOL_SOCKET}. */
		public static final int SO_KEEPALIVE = 9;

		/** {@code SO_REUSEPORT}, level {@code SOL_SOCKET}. */
		public static final int SO_REUSEPORT = 15;

		/** {@code TCP_NODELAY} from {@code netinet/tcp.h}, level {@code IPPROTO_TCP}. */
		public static final int TCP_NODELAY = 1;

		/** {@code TCP_KEEPIDLE}, level {@code IPPROTO_TCP}. */
		public static final int TCP_KEEPIDLE = 4;

		/** {@code TCP_KEEPINTVL}, level {@code IPPROTO_TCP}. */
		public static final int TCP_KEEPINTVL = 5;

		/** {@code TCP_KEEPCNT}, level {@code IPPROTO_TCP}. */
		public static final int TCP_KEEPCNT = 6;

		/** {@code TCP_DEFER_ACCEPT}, level {@code IPPROTO_TCP}. */
		public static final int TCP_DEFER_ACCEPT = 9;

		/** {@code TCP_USER_TIMEOUT}, level {@code IPPROTO_TCP}. */
		public static final int TCP_USER_TIMEOUT = 18;

		/** {@code TCP_FASTOPEN}, level {@code IPPROTO_TCP}. */
		public static final int TCP_FASTOPEN = 23;

	}

	/**
	 * How a value becomes the {@code int} that {@code setsockopt} takes.
	 */
	public enum Encoding {

		/** A {@link Boolean} as 0 or 1. */
		FLAG,

		/** An {@link Integer} as it is. */
		COUNT,

		/** A {@link Duration} in whole seconds, rounded up, at least 1. */
		SECONDS,

		/** A {@link Duration} in milliseconds. */
		MILLIS,

		/** A {@link Long} number of bytes (validated to fit an {@code int}). */
		BYTES;

		int encode(Object value) {
			return switch (this) {
				case FLAG -> ((Boolean) value) ? 1 : 0;
				case COUNT -> (Integer) value;
				case SECONDS -> ListenerConfig.toSeconds((Duration) value);
				case MILLIS -> Math.toIntExact(((Duration) value).toMillis());
				case BYTES -> Math.toIntExact((Long) value);
			};
		}

	}

	/**
	 * Where the JDK transport sets an option. The JDK cannot set keepalive or no-delay on a
	 * listening socket, so those are set on each accepted one.
	 */
	public enum Placement {

		/** Not a socket option. */
		NONE,

		/** On the listening socket only ({@code SO_REUSEADDR}, {@code SO_REUSEPORT}). */
		LISTENING,

		/** On each accepted socket. */
		ACCEPTED,

		/** On the listening socket before {@code listen(2)} and on each accepted socket. */
		BOTH;

		/**
		 * Whether the JDK transport sets the option on the listening socket.
		 * @return whether it does
		 */
		public boolean onListening() {
			return this == LISTENING || this == BOTH;
		}

		/**
		 * Whether the JDK transport sets the option on each accepted socket.
		 * @return whether it does
		 */
		public boolean onAccepted() {
			return this == ACCEPTED || this == BOTH;
		}

	}

}
