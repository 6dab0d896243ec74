package dev.rawtcp;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.proxy.ProxyHeaderDecoder;
import dev.rawtcp.proxy.ProxyProtocolPolicy;

/**
 * Everything a listener needs to know: its name, host and mode, and a value for every
 * {@link ListenerOption}, each checked by its option when built. Create one with
 * {@link #builder(String)}; the defaults are those of the {@code rawtcp.*} properties.
 */
public final class ListenerConfig {

	/** The default {@link #proxyHeaderTimeout()}. */
	public static final Duration DEFAULT_PROXY_HEADER_TIMEOUT = Duration.ofSeconds(5);

	private final String name;

	private final String host;

	private final ListenerMode mode;

	private final @Nullable Object[] values;

	private final @Nullable ServerTls tls;

	private final @Nullable ProxyProtocolPolicy proxyProtocol;

	private final Duration proxyHeaderTimeout;

	private final int proxyMaxHeaderSize;

	private ListenerConfig(Builder builder) {
		this.name = Objects.requireNonNull(builder.name, "'name' must not be null");
		this.host = Objects.requireNonNull(builder.host, "'host' must not be null");
		this.mode = Objects.requireNonNull(builder.mode, "'mode' must not be null");
		if (this.name.isBlank()) {
			throw new IllegalArgumentException("'name' must not be blank");
		}
		this.values = builder.values.clone();
		this.tls = builder.tls;
		this.proxyProtocol = (builder.proxyProtocol != null && builder.proxyProtocol.isEnabled()) ? builder.proxyProtocol
				: null;
		this.proxyHeaderTimeout = Objects.requireNonNull(builder.proxyHeaderTimeout, "'proxyHeaderTimeout' must not be null");
		if (this.proxyHeaderTimeout.isNegative() || this.proxyHeaderTimeout.isZero()) {
			throw new IllegalArgumentException("'proxyHeaderTimeout' must be positive, was " + this.proxyHeaderTimeout);
		}
		this.proxyMaxHeaderSize = builder.proxyMaxHeaderSize;
		if (this.proxyMaxHeaderSize < ProxyHeaderDecoder.MIN_HEADER_SIZE
				|| this.proxyMaxHeaderSize > ProxyHeaderDecoder.MAX_HEADER_SIZE) {
			throw new IllegalArgumentException("'proxyMaxHeaderSize' must be between " + ProxyHeaderDecoder.MIN_HEADER_SIZE
					+ " and " + ProxyHeaderDecoder.MAX_HEADER_SIZE + ", was " + this.proxyMaxHeaderSize);
		}
		for (ListenerOption<?> option : ListenerOption.values()) {
			validate(option);
		}
		checkNotBelow(ListenerOption.WRITE_BUFFER_HIGH_WATER_MARK, ListenerOption.WRITE_BUFFER_LOW_WATER_MARK);
		checkNotBelow(ListenerOption.WRITE_BUFFER_LIMIT, ListenerOption.WRITE_BUFFER_HIGH_WATER_MARK);
		if (acceptShardingCpuSteering() && acceptSharding() == AcceptSharding.OFF) {
			throw new InvalidListenerOptionException(ListenerOption.ACCEPT_SHARDING_CPU_STEERING, true,
					"needs " + ListenerOption.ACCEPT_SHARDING.key() + " " + AcceptSharding.PER_LOOP.value()
							+ " (there is one listening socket to steer to)");
		}
	}

	private <T> void validate(ListenerOption<T> option) {
		option.validate(get(option));
	}

	private void checkNotBelow(ListenerOption<Long> option, ListenerOption<Long> floor) {
		long value = get(option);
		long lowest = get(floor);
		if (value < lowest) {
			throw new InvalidListenerOptionException(option, value,
					"must not be below " + floor.key() + " (" + floor.format(lowest) + ")");
		}
	}

	/**
	 * Start a builder with the documented defaults.
	 * @param name the listener's name
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * A builder initialised from this configuration.
	 * @return a builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * The value of an option.
	 * @param <T> the option's type
	 * @param option the option
	 * @return its value; {@code null} only for an option without default that was not set
	 */
	@SuppressWarnings({ "unchecked", "NullAway" })
	public <T> T get(ListenerOption<T> option) {
		return (T) this.values[option.index];
	}

	/** @return the listener's name (metric tag, endpoint path) */
	public String name() {
		return this.name;
	}

	/** @return the address to bind; {@code 0.0.0.0} or {@code ::} for every interface */
	public String host() {
		return this.host;
	}

	/** @return the listener's TLS, or {@code null} for plaintext */
	public @Nullable ServerTls tls() {
		return this.tls;
	}

	/** @return the PROXY protocol policy, or {@code null} when it is off */
	public @Nullable ProxyProtocolPolicy proxyProtocol() {
		return this.proxyProtocol;
	}

	/** @return how long after the accept a PROXY header must be complete */
	public Duration proxyHeaderTimeout() {
		return this.proxyHeaderTimeout;
	}

	/** @return the largest PROXY header accepted, in bytes */
	public int proxyMaxHeaderSize() {
		return this.proxyMaxHeaderSize;
	}

	/** @return how connections are handed to the handler */
	public ListenerMode mode() {
		return this.mode;
	}

	/** @return {@link ListenerOption#PORT} */
	public int port() {
		return get(ListenerOption.PORT);
	}

	/** @return {@link ListenerOption#BACKLOG} */
	public int backlog() {
		return get(ListenerOption.BACKLOG);
	}

	/** @return {@link ListenerOption#REUSE_ADDRESS} */
	public boolean reuseAddress() {
		return get(ListenerOption.REUSE_ADDRESS);
	}

	/** @return {@link ListenerOption#REUSE_PORT} */
	public boolean reusePort() {
		return get(ListenerOption.REUSE_PORT);
	}

	/** @return {@link ListenerOption#TCP_NO_DELAY} */
	public boolean tcpNoDelay() {
		return get(ListenerOption.TCP_NO_DELAY);
	}

	/** @return {@link ListenerOption#KEEPALIVE} */
	public boolean keepAlive() {
		return get(ListenerOption.KEEPALIVE);
	}

	/** @return {@link ListenerOption#KEEPALIVE_IDLE} */
	public Duration keepAliveIdle() {
		return get(ListenerOption.KEEPALIVE_IDLE);
	}

	/** @return {@link ListenerOption#KEEPALIVE_INTERVAL} */
	public Duration keepAliveInterval() {
		return get(ListenerOption.KEEPALIVE_INTERVAL);
	}

	/** @return {@link ListenerOption#KEEPALIVE_COUNT} */
	public int keepAliveCount() {
		return get(ListenerOption.KEEPALIVE_COUNT);
	}

	/** @return {@link ListenerOption#USER_TIMEOUT}; zero keeps the kernel default */
	public Duration userTimeout() {
		return get(ListenerOption.USER_TIMEOUT);
	}

	/** @return {@link ListenerOption#IDLE_TIMEOUT}; zero never closes */
	public Duration idleTimeout() {
		return get(ListenerOption.IDLE_TIMEOUT);
	}

	/** @return {@link ListenerOption#FRAME_TIMEOUT}; zero never closes */
	public Duration frameTimeout() {
		return get(ListenerOption.FRAME_TIMEOUT);
	}

	/** @return {@link ListenerOption#MAX_CONNECTIONS} */
	public int maxConnections() {
		return get(ListenerOption.MAX_CONNECTIONS);
	}

	/** @return {@link ListenerOption#RECEIVE_BUFFER_SIZE} in bytes, {@code null} for the kernel default */
	public @Nullable Integer receiveBufferSize() {
		return intOrNull(get(ListenerOption.RECEIVE_BUFFER_SIZE));
	}

	/** @return {@link ListenerOption#SEND_BUFFER_SIZE} in bytes, {@code null} for the kernel default */
	public @Nullable Integer sendBufferSize() {
		return intOrNull(get(ListenerOption.SEND_BUFFER_SIZE));
	}

	/** @return {@link ListenerOption#WRITE_BUFFER_LOW_WATER_MARK} in bytes */
	public int writeBufferLowWaterMark() {
		return Math.toIntExact(get(ListenerOption.WRITE_BUFFER_LOW_WATER_MARK));
	}

	/** @return {@link ListenerOption#WRITE_BUFFER_HIGH_WATER_MARK} in bytes */
	public int writeBufferHighWaterMark() {
		return Math.toIntExact(get(ListenerOption.WRITE_BUFFER_HIGH_WATER_MARK));
	}

	/** @return {@link ListenerOption#WRITE_BUFFER_LIMIT} in bytes */
	public long writeBufferLimit() {
		return get(ListenerOption.WRITE_BUFFER_LIMIT);
	}

	/** @return {@link ListenerOption#SHUTDOWN_GRACE_PERIOD} */
	public Duration shutdownGracePeriod() {
		return get(ListenerOption.SHUTDOWN_GRACE_PERIOD);
	}

	/** @return {@link ListenerOption#DEFER_ACCEPT}; zero is off */
	public Duration deferAccept() {
		return get(ListenerOption.DEFER_ACCEPT);
	}

	/** @return {@link ListenerOption#FAST_OPEN_QUEUE_LENGTH}; zero is off */
	public int fastOpenQueueLength() {
		return get(ListenerOption.FAST_OPEN_QUEUE_LENGTH);
	}

	/** @return {@link ListenerOption#ACCEPT_SHARDING} */
	public AcceptSharding acceptSharding() {
		return get(ListenerOption.ACCEPT_SHARDING);
	}

	/** @return {@link ListenerOption#ACCEPT_SHARDING_CPU_STEERING} */
	public boolean acceptShardingCpuSteering() {
		return get(ListenerOption.ACCEPT_SHARDING_CPU_STEERING);
	}

	/**
	 * {@code TCP_KEEPIDLE} in whole seconds, rounded up, never 0.
	 * @return seconds
	 */
	public int keepAliveIdleSeconds() {
		return toSeconds(keepAliveIdle());
	}

	/**
	 * {@code TCP_KEEPINTVL} in whole seconds, rounded up, never 0.
	 * @return seconds
	 */
	public int keepAliveIntervalSeconds() {
		return toSeconds(keepAliveInterval());
	}

	/**
	 * Round a duration up to whole seconds, at least 1: what Linux takes for keepalive.
	 * @param duration the duration
	 * @return seconds, at least 1
	 */
	public static int toSeconds(Duration duration) {
		long seconds = duration.getSeconds() + ((duration.getNano() > 0) ? 1 : 0);
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
	}

	private static @Nullable Integer intOrNull(@Nullable Long bytes) {
		return (bytes != null) ? Math.toIntExact(bytes) : null;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof ListenerConfig that && this.name.equals(that.name)
				&& this.host.equals(that.host) && this.mode == that.mode && Arrays.equals(this.values, that.values)
				&& Objects.equals(this.tls, that.tls) && Objects.equals(this.proxyProtocol, that.proxyProtocol)
				&& this.proxyHeaderTimeout.equals(that.proxyHeaderTimeout) && this.proxyMaxHeaderSize == that.proxyMaxHeaderSize);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.name, this.host, this.mode, Arrays.hashCode(this.values), this.tls,
				this.proxyProtocol);
	}

	@Override
	public String toString() {
		StringJoiner joiner = new StringJoiner(", ", "ListenerConfig[", "]");
		joiner.add("name=" + this.name).add("host=" + this.host).add("mode=" + this.mode.value());
		if (this.tls != null) {
			joiner.add("tls=" + this.tls);
		}
		if (this.proxyProtocol != null) {
			joiner.add("proxyProtocol=" + this.proxyProtocol).add("proxyHeaderTimeout=" + this.proxyHeaderTimeout)
				.add("proxyMaxHeaderSize=" + this.proxyMaxHeaderSize);
		}
		for (ListenerOption<?> option : ListenerOption.values()) {
			joiner.add(option.key() + "=" + option.format(this.values[option.index]));
		}
		return joiner.toString();
	}

	/**
	 * Builds a {@link ListenerConfig}; defaults match the {@code rawtcp.*} properties.
	 */
	public static final class Builder {

		private String name;

		private String host = "0.0.0.0";

		private ListenerMode mode = ListenerMode.AUTO;

		private final @Nullable Object[] values;

		private @Nullable ServerTls tls;

		private @Nullable ProxyProtocolPolicy proxyProtocol;

		private Duration proxyHeaderTimeout = DEFAULT_PROXY_HEADER_TIMEOUT;

		private int proxyMaxHeaderSize = ProxyHeaderDecoder.DEFAULT_MAX_HEADER_SIZE;

		private Builder(String name) {
			this.name = name;
			List<ListenerOption<?>> options = ListenerOption.values();
			this.values = new Object[options.size()];
			options.forEach((option) -> this.values[option.index] = option.defaultValue());
		}

		private Builder(ListenerConfig config) {
			this.name = config.name;
			this.host = config.host;
			this.mode = config.mode;
			this.values = config.values.clone();
			this.tls = config.tls;
			this.proxyProtocol = config.proxyProtocol;
			this.proxyHeaderTimeout = config.proxyHeaderTimeout;
			this.proxyMaxHeaderSize = config.proxyMaxHeaderSize;
		}

		/**
		 * Read a PROXY protocol header (v1 or v2) before anything else on each connection.
		 * @param policy the mode and the sources trusted to send one; {@code null} or mode off for none
		 * @return this builder
		 */
		public Builder proxyProtocol(@Nullable ProxyProtocolPolicy policy) {
			this.proxyProtocol = policy;
			return this;
		}

		/**
		 * How long after the accept a PROXY header must be complete; positive. Default 5 s.
		 * @param timeout the time-out
		 * @return this builder
		 */
		public Builder proxyHeaderTimeout(Duration timeout) {
			this.proxyHeaderTimeout = timeout;
			return this;
		}

		/**
		 * The largest PROXY header accepted, in bytes; default 4096.
		 * @param size the size
		 * @return this builder
		 */
		public Builder proxyMaxHeaderSize(int size) {
			this.proxyMaxHeaderSize = size;
			return this;
		}

		/**
		 * Serve TLS: every connection's bytes pass through an {@link javax.net.ssl.SSLEngine}
		 * before the handler sees them, in both modes.
		 * @param tls the settings, {@code null} for plaintext (the default)
		 * @return this builder
		 */
		public Builder tls(@Nullable ServerTls tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Set an option; checked when the configuration is built.
		 * @param <T> the option's type
		 * @param option the option
		 * @param value the value, {@code null} for the kernel default where the option has no default
		 * @return this builder
		 */
		public <T> Builder option(ListenerOption<T> option, @Nullable T value) {
			this.values[option.index] = value;
			return this;
		}

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder host(String host) {
			this.host = host;
			return this;
		}

		public Builder mode(ListenerMode mode) {
			this.mode = mode;
			return this;
		}

		public Builder port(int port) {
			return option(ListenerOption.PORT, port);
		}

		public Builder backlog(int backlog) {
			return option(ListenerOption.BACKLOG, backlog);
		}

		public Builder reuseAddress(boolean reuseAddress) {
			return option(ListenerOption.REUSE_ADDRESS, reuseAddress);
		}

		public Builder reusePort(boolean reusePort) {
			return option(ListenerOption.REUSE_PORT, reusePort);
		}

		public Builder tcpNoDelay(boolean tcpNoDelay) {
			return option(ListenerOption.TCP_NO_DELAY, tcpNoDelay);
		}

		public Builder keepAlive(boolean keepAlive) {
			return option(ListenerOption.KEEPALIVE, keepAlive);
		}

		/**
		 * Go's {@code SetKeepAlivePeriod}: idle and interval together.
		 * @param period the period
		 * @return this builder
		 */
		public Builder keepAlivePeriod(Duration period) {
			return keepAliveIdle(period).keepAliveInterval(period);
		}

		public Builder keepAliveIdle(Duration keepAliveIdle) {
			return option(ListenerOption.KEEPALIVE_IDLE, keepAliveIdle);
		}

		public Builder keepAliveInterval(Duration keepAliveInterval) {
			return option(ListenerOption.KEEPALIVE_INTERVAL, keepAliveInterval);
		}

		public Builder keepAliveCount(int keepAliveCount) {
			return option(ListenerOption.KEEPALIVE_COUNT, keepAliveCount);
		}

		public Builder userTimeout(Duration userTimeout) {
			return option(ListenerOption.USER_TIMEOUT, userTimeout);
		}

		public Builder idleTimeout(Duration idleTimeout) {
			return option(ListenerOption.IDLE_TIMEOUT, idleTimeout);
		}

		public Builder frameTimeout(Duration frameTimeout) {
			return option(ListenerOption.FRAME_TIMEOUT, frameTimeout);
		}

		public Builder maxConnections(int maxConnections) {
			return option(ListenerOption.MAX_CONNECTIONS, maxConnections);
		}

		public Builder receiveBufferSize(@Nullable Integer receiveBufferSize) {
			return option(ListenerOption.RECEIVE_BUFFER_SIZE, (receiveBufferSize != null) ? (long) receiveBufferSize : null);
		}

		public Builder sendBufferSize(@Nullable Integer sendBufferSize) {
			return option(ListenerOption.SEND_BUFFER_SIZE, (sendBufferSize != null) ? (long) sendBufferSize : null);
		}

		public Builder writeBufferLowWaterMark(int writeBufferLowWaterMark) {
			return option(ListenerOption.WRITE_BUFFER_LOW_WATER_MARK, (long) writeBufferLowWaterMark);
		}

		public Builder writeBufferHighWaterMark(int writeBufferHighWaterMark) {
			return option(ListenerOption.WRITE_BUFFER_HIGH_WATER_MARK, (long) writeBufferHighWaterMark);
		}

		public Builder writeBufferLimit(long writeBufferLimit) {
			return option(ListenerOption.WRITE_BUFFER_LIMIT, writeBufferLimit);
		}

		public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
			return option(ListenerOption.SHUTDOWN_GRACE_PERIOD, shutdownGracePeriod);
		}

		public Builder deferAccept(Duration deferAccept) {
			return option(ListenerOption.DEFER_ACCEPT, deferAccept);
		}

		public Builder fastOpenQueueLength(int fastOpenQueueLength) {
			return option(ListenerOption.FAST_OPEN_QUEUE_LENGTH, fastOpenQueueLength);
		}

		public Builder acceptSharding(AcceptSharding acceptSharding) {
			return option(ListenerOption.ACCEPT_SHARDING, acceptSharding);
		}

		public Builder acceptShardingCpuSteering(boolean cpuSteering) {
			return option(ListenerOption.ACCEPT_SHARDING_CPU_STEERING, cpuSteering);
		}

		/**
		 * Check every option and build.
		 * @return the configuration
		 * @throws InvalidListenerOptionException naming the first option out of range
		 */
		public ListenerConfig build() {
			return new ListenerConfig(this);
		}

	}

}
