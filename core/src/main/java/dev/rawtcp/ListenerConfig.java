package dev.rawtcp;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Everything a listener needs to know, validated when built. Create one with
 * {@link #builder(String)}; the defaults are those of the {@code rawtcp.*} properties.
 *
 * @param name the listener's name (metric tag, endpoint path)
 * @param host the address to bind; {@code 0.0.0.0} or {@code ::} for every interface
 * @param port the port, {@code 0} for an ephemeral one
 * @param backlog the {@code listen(2)} backlog
 * @param mode how connections are handed to the handler
 * @param reuseAddress {@code SO_REUSEADDR}
 * @param reusePort {@code SO_REUSEPORT}
 * @param tcpNoDelay {@code TCP_NODELAY} on accepted connections
 * @param keepAlive {@code SO_KEEPALIVE} on accepted connections
 * @param keepAliveIdle {@code TCP_KEEPIDLE}, rounded up to whole seconds
 * @param keepAliveInterval {@code TCP_KEEPINTVL}, rounded up to whole seconds
 * @param keepAliveCount {@code TCP_KEEPCNT}
 * @param userTimeout {@code TCP_USER_TIMEOUT}; zero keeps the kernel default
 * @param idleTimeout close a connection with no traffic for this long; zero never does
 * @param maxConnections open connections beyond which new ones are accepted and closed at once
 * @param receiveBufferSize {@code SO_RCVBUF} in bytes, or {@code null} for the kernel default
 * @param sendBufferSize {@code SO_SNDBUF} in bytes, or {@code null} for the kernel default
 * @param writeBufferLowWaterMark queued bytes below which a connection becomes writable again
 * @param writeBufferHighWaterMark queued bytes above which a connection is no longer writable
 * @param writeBufferLimit queued bytes beyond which the connection is closed
 * @param shutdownGracePeriod how long a graceful stop lets connections finish
 */
public record ListenerConfig(String name, String host, int port, int backlog, ListenerMode mode, boolean reuseAddress,
		boolean reusePort, boolean tcpNoDelay, boolean keepAlive, Duration keepAliveIdle, Duration keepAliveInterval,
		int keepAliveCount, Duration userTimeout, Duration idleTimeout, int maxConnections,
		@Nullable Integer receiveBufferSize, @Nullable Integer sendBufferSize, int writeBufferLowWaterMark,
		int writeBufferHighWaterMark, long writeBufferLimit, Duration shutdownGracePeriod) {

	/**
	 * Validate every value; each message names the offending setting.
	 */
	public ListenerConfig {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(host, "'host' must not be null");
		Objects.requireNonNull(mode, "'mode' must not be null");
		check(!name.isBlank(), "name", name, "must not be blank");
		check(port >= 0 && port <= 65535, "port", port, "must be between 0 and 65535");
		check(backlog >= 1, "backlog", backlog, "must be at least 1");
		check(keepAliveCount >= 1, "keepalive.count", keepAliveCount, "must be at least 1");
		checkPositive("keepalive.idle", keepAliveIdle);
		checkPositive("keepalive.interval", keepAliveInterval);
		checkNotNegative("user-timeout", userTimeout);
		checkNotNegative("idle-timeout", idleTimeout);
		checkNotNegative("shutdown.grace-period", shutdownGracePeriod);
		check(maxConnections >= 1, "max-connections", maxConnections, "must be at least 1");
		check(receiveBufferSize == null || receiveBufferSize > 0, "receive-buffer-size", receiveBufferSize,
				"must be positive");
		check(sendBufferSize == null || sendBufferSize > 0, "send-buffer-size", sendBufferSize, "must be positive");
		check(writeBufferLowWaterMark >= 0, "write-buffer.low-water-mark", writeBufferLowWaterMark,
				"must not be negative");
		check(writeBufferHighWaterMark >= writeBufferLowWaterMark, "write-buffer.high-water-mark",
				writeBufferHighWaterMark, "must not be below write-buffer.low-water-mark (" + writeBufferLowWaterMark + ")");
		check(writeBufferLimit >= writeBufferHighWaterMark, "write-buffer.limit", writeBufferLimit,
				"must not be below write-buffer.high-water-mark (" + writeBufferHighWaterMark + ")");
		check(toSeconds(keepAliveIdle) <= 32767, "keepalive.idle", keepAliveIdle, "must be at most 32767s");
		check(toSeconds(keepAliveInterval) <= 32767, "keepalive.interval", keepAliveInterval,
				"must be at most 32767s");
		check(keepAliveCount <= 127, "keepalive.count", keepAliveCount, "must be at most 127");
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
	 * {@code TCP_KEEPIDLE} in whole seconds, rounded up, never 0.
	 * @return seconds
	 */
	public int keepAliveIdleSeconds() {
		return toSeconds(this.keepAliveIdle);
	}

	/**
	 * {@code TCP_KEEPINTVL} in whole seconds, rounded up, never 0.
	 * @return seconds
	 */
	public int keepAliveIntervalSeconds() {
		return toSeconds(this.keepAliveInterval);
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

	private static void check(boolean ok, String setting, @Nullable Object value, String rule) {
		if (!ok) {
			throw new IllegalArgumentException("Invalid '" + setting + "' value '" + value + "': " + rule);
		}
	}

	private static void checkPositive(String setting, Duration value) {
		Objects.requireNonNull(value, () -> "'" + setting + "' must not be null");
		check(!value.isNegative() && !value.isZero(), setting, value, "must be positive");
	}

	private static void checkNotNegative(String setting, Duration value) {
		Objects.requireNonNull(value, () -> "'" + setting + "' must not be null");
		check(!value.isNegative(), setting, value, "must not be negative");
	}

	/**
	 * Builds a {@link ListenerConfig}; defaults match the {@code rawtcp.*} properties.
	 */
	public static final class Builder {

		private String name;

		private String host = "0.0.0.0";

		private int port = 7000;

		private int backlog = 1024;

		private ListenerMode mode = ListenerMode.AUTO;

		private boolean reuseAddress = true;

		private boolean reusePort;

		private boolean tcpNoDelay = true;

		private boolean keepAlive = true;

		private Duration keepAliveIdle = Duration.ofSeconds(15);

		private Duration keepAliveInterval = Duration.ofSeconds(15);

		private int keepAliveCount = 9;

		private Duration userTimeout = Duration.ZERO;

		private Duration idleTimeout = Duration.ZERO;

		private int maxConnections = 10000;

		private @Nullable Integer receiveBufferSize;

		private @Nullable Integer sendBufferSize;

		private int writeBufferLowWaterMark = 32 * 1024;

		private int writeBufferHighWaterMark = 64 * 1024;

		private long writeBufferLimit = 16L * 1024 * 1024;

		private Duration shutdownGracePeriod = Duration.ofSeconds(30);

		private Builder(String name) {
			this.name = name;
		}

		private Builder(ListenerConfig c) {
			this.name = c.name;
			this.host = c.host;
			this.port = c.port;
			this.backlog = c.backlog;
			this.mode = c.mode;
			this.reuseAddress = c.reuseAddress;
			this.reusePort = c.reusePort;
			this.tcpNoDelay = c.tcpNoDelay;
			this.keepAlive = c.keepAlive;
			this.keepAliveIdle = c.keepAliveIdle;
			this.keepAliveInterval = c.keepAliveInterval;
			this.keepAliveCount = c.keepAliveCount;
			this.userTimeout = c.userTimeout;
			this.idleTimeout = c.idleTimeout;
			this.maxConnections = c.maxConnections;
			this.receiveBufferSize = c.receiveBufferSize;
			this.sendBufferSize = c.sendBufferSize;
			this.writeBufferLowWaterMark = c.writeBufferLowWaterMark;
			this.writeBufferHighWaterMark = c.writeBufferHighWaterMark;
			this.writeBufferLimit = c.writeBufferLimit;
			this.shutdownGracePeriod = c.shutdownGracePeriod;
		}

		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder host(String host) {
			this.host = host;
			return this;
		}

		public Builder port(int port) {
			this.port = port;
			return this;
		}

		public Builder backlog(int backlog) {
			this.backlog = backlog;
			return this;
		}

		public Builder mode(ListenerMode mode) {
			this.mode = mode;
			return this;
		}

		public Builder reuseAddress(boolean reuseAddress) {
			this.reuseAddress = reuseAddress;
			return this;
		}

		public Builder reusePort(boolean reusePort) {
			this.reusePort = reusePort;
			return this;
		}

		public Builder tcpNoDelay(boolean tcpNoDelay) {
			this.tcpNoDelay = tcpNoDelay;
			return this;
		}

		public Builder keepAlive(boolean keepAlive) {
			this.keepAlive = keepAlive;
			return this;
		}

		/**
		 * Go's {@code SetKeepAlivePeriod}: idle and interval together.
		 * @param period the period
		 * @return this builder
		 */
		public Builder keepAlivePeriod(Duration period) {
			this.keepAliveIdle = period;
			this.keepAliveInterval = period;
			return this;
		}

		public Builder keepAliveIdle(Duration keepAliveIdle) {
			this.keepAliveIdle = keepAliveIdle;
			return this;
		}

		public Builder keepAliveInterval(Duration keepAliveInterval) {
			this.keepAliveInterval = keepAliveInterval;
			return this;
		}

		public Builder keepAliveCount(int keepAliveCount) {
			this.keepAliveCount = keepAliveCount;
			return this;
		}

		public Builder userTimeout(Duration userTimeout) {
			this.userTimeout = userTimeout;
			return this;
		}

		public Builder idleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		public Builder receiveBufferSize(@Nullable Integer receiveBufferSize) {
			this.receiveBufferSize = receiveBufferSize;
			return this;
		}

		public Builder sendBufferSize(@Nullable Integer sendBufferSize) {
			this.sendBufferSize = sendBufferSize;
			return this;
		}

		public Builder writeBufferLowWaterMark(int writeBufferLowWaterMark) {
			this.writeBufferLowWaterMark = writeBufferLowWaterMark;
			return this;
		}

		public Builder writeBufferHighWaterMark(int writeBufferHighWaterMark) {
			this.writeBufferHighWaterMark = writeBufferHighWaterMark;
			return this;
		}

		public Builder writeBufferLimit(long writeBufferLimit) {
			this.writeBufferLimit = writeBufferLimit;
			return this;
		}

		public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
			this.shutdownGracePeriod = shutdownGracePeriod;
			return this;
		}

		/**
		 * Validate and build.
		 * @return the configuration
		 * @throws IllegalArgumentException naming the first invalid setting
		 */
		public ListenerConfig build() {
			return new ListenerConfig(this.name, this.host, this.port, this.backlog, this.mode, this.reuseAddress,
					this.reusePort, this.tcpNoDelay, this.keepAlive, this.keepAliveIdle, this.keepAliveInterval,
					this.keepAliveCount, this.userTimeout, this.idleTimeout, this.maxConnections,
					this.receiveBufferSize, this.sendBufferSize, this.writeBufferLowWaterMark,
					this.writeBufferHighWaterMark, this.writeBufferLimit, this.shutdownGracePeriod);
		}

	}

}
