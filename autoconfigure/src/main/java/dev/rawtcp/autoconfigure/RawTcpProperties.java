package dev.rawtcp.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ServerTls.ClientAuth;
import dev.rawtcp.Transport;
import dev.rawtcp.proxy.ProxyProtocolMode;

/**
 * Configuration properties for rawtcp servers. Top-level values are the defaults of every
 * listener; {@code rawtcp.listeners.<name>.*} overrides them per listener. An unknown key
 * under {@code rawtcp.} (a typo such as {@code prot} or {@code keepalve}) fails startup. The
 * ranges are those of {@link dev.rawtcp.ListenerOption}, checked in core.
 */
@ConfigurationProperties(prefix = "rawtcp", ignoreUnknownFields = false)
public class RawTcpProperties {

	/**
	 * Whether to start rawtcp listeners; false starts nothing.
	 */
	private boolean enabled = true;

	/**
	 * Transport: epoll where it works (auto), Linux epoll through jnr-ffi (epoll) or the JDK's selector (nio).
	 */
	private Transport transport = Transport.AUTO;

	private final EventLoop eventLoop = new EventLoop();

	/**
	 * Port of the listener named 'default' built when no listeners are configured, and of every listener that sets none; 0 picks an ephemeral port.
	 */
	private @Nullable Integer port;

	/**
	 * Address to bind; 0.0.0.0 or :: for every interface.
	 */
	private String host = "0.0.0.0";

	/**
	 * Backlog passed to listen(2), 1 to 65535; the kernel caps it at net.core.somaxconn.
	 */
	private int backlog = 1024;

	/**
	 * How connections reach the handler; auto follows the type of the handler bean.
	 */
	private ListenerMode mode = ListenerMode.AUTO;

	/**
	 * Name of the TcpHandler or TcpStreamHandler bean; optional when exactly one handler bean exists.
	 */
	private @Nullable String handler;

	/**
	 * Whether to set SO_REUSEADDR on the listening socket.
	 */
	private boolean reuseAddress = true;

	/**
	 * Whether to set SO_REUSEPORT on the listening socket.
	 */
	private boolean reusePort;

	/**
	 * Whether to set TCP_NODELAY (disable Nagle's algorithm) on accepted connections.
	 */
	private boolean tcpNoDelay = true;

	private final Keepalive keepalive = new Keepalive();

	/**
	 * TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the connection is dropped, at most 24d; 0 keeps the kernel default.
	 */
	private Duration userTimeout = Duration.ZERO;

	/**
	 * Close a connection that has had no traffic for this long, at most 24d; 0 never does.
	 */
	private Duration idleTimeout = Duration.ZERO;

	/**
	 * Close a connection whose frame (a FramedHandler's or a FrameReader's) is not complete this long after its first byte, at most 24d; 0 never does.
	 */
	private Duration frameTimeout = Duration.ZERO;

	/**
	 * Open connections per listener, 1 to 1048576, beyond which new ones are accepted and closed at once, counted as rejected.
	 */
	private int maxConnections = 10000;

	/**
	 * SO_RCVBUF of accepted connections, at most 1GB; unset keeps the kernel default.
	 */
	private @Nullable DataSize receiveBufferSize;

	/**
	 * SO_SNDBUF of accepted connections, at most 1GB; unset keeps the kernel default.
	 */
	private @Nullable DataSize sendBufferSize;

	private final WriteBuffer writeBuffer = new WriteBuffer();

	private final Shutdown shutdown = new Shutdown();

	private final Ssl ssl = new Ssl();

	/**
	 * TCP_DEFER_ACCEPT on the listening socket: a connection is accepted once its first bytes arrive, at most 1h, rounded up to whole seconds; 0 is off (epoll only).
	 */
	private Duration deferAccept = Duration.ZERO;

	private final FastOpen fastOpen = new FastOpen();

	/**
	 * Listening sockets per listener: off for one, per-loop for one per event loop on the same port (SO_REUSEPORT), each loop accepting and serving its own connections.
	 */
	private AcceptSharding acceptSharding = AcceptSharding.OFF;

	/**
	 * With accept-sharding per-loop, whether a classic BPF program (SO_ATTACH_REUSEPORT_CBPF) gives a connection to shard 'receiving CPU modulo shards' (epoll only).
	 */
	private boolean acceptShardingCpuSteering;

	private ProxyProtocol proxyProtocol = new ProxyProtocol();

	/**
	 * Listeners by name; each value overrides the top-level rawtcp.* defaults for that listener.
	 */
	private Map<String, ListenerProperties> listeners = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public EventLoop getEventLoop() {
		return this.eventLoop;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getBacklog() {
		return this.backlog;
	}

	public void setBacklog(int backlog) {
		this.backlog = backlog;
	}

	public ListenerMode getMode() {
		return this.mode;
	}

	public void setMode(ListenerMode mode) {
		this.mode = mode;
	}

	public @Nullable String getHandler() {
		return this.handler;
	}

	public void setHandler(@Nullable String handler) {
		this.handler = handler;
	}

	public boolean isReuseAddress() {
		return this.reuseAddress;
	}

	public void setReuseAddress(boolean reuseAddress) {
		this.reuseAddress = reuseAddress;
	}

	public boolean isReusePort() {
		return this.reusePort;
	}

	public void setReusePort(boolean reusePort) {
		this.reusePort = reusePort;
	}

	public boolean isTcpNoDelay() {
		return this.tcpNoDelay;
	}

	public void setTcpNoDelay(boolean tcpNoDelay) {
		this.tcpNoDelay = tcpNoDelay;
	}

	public Keepalive getKeepalive() {
		return this.keepalive;
	}

	public Duration getUserTimeout() {
		return this.userTimeout;
	}

	public void setUserTimeout(Duration userTimeout) {
		this.userTimeout = userTimeout;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getFrameTimeout() {
		return this.frameTimeout;
	}

	public void setFrameTimeout(Duration frameTimeout) {
		this.frameTimeout = frameTimeout;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public @Nullable DataSize getReceiveBufferSize() {
		return this.receiveBufferSize;
	}

	public void setReceiveBufferSize(@Nullable DataSize receiveBufferSize) {
		this.receiveBufferSize = receiveBufferSize;
	}

	public @Nullable DataSize getSendBufferSize() {
		return this.sendBufferSize;
	}

	public void setSendBufferSize(@Nullable DataSize sendBufferSize) {
		this.sendBufferSize = sendBufferSize;
	}

	public WriteBuffer getWriteBuffer() {
		return this.writeBuffer;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Duration getDeferAccept() {
		return this.deferAccept;
	}

	public void setDeferAccept(Duration deferAccept) {
		this.deferAccept = deferAccept;
	}

	public FastOpen getFastOpen() {
		return this.fastOpen;
	}

	public AcceptSharding getAcceptSharding() {
		return this.acceptSharding;
	}

	public void setAcceptSharding(AcceptSharding acceptSharding) {
		this.acceptSharding = acceptSharding;
	}

	public boolean isAcceptShardingCpuSteering() {
		return this.acceptShardingCpuSteering;
	}

	public void setAcceptShardingCpuSteering(boolean acceptShardingCpuSteering) {
		this.acceptShardingCpuSteering = acceptShardingCpuSteering;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public ProxyProtocol getProxyProtocol() {
		return this.proxyProtocol;
	}

	public void setProxyProtocol(ProxyProtocol proxyProtocol) {
		this.proxyProtocol = proxyProtocol;
	}

	public Map<String, ListenerProperties> getListeners() {
		return this.listeners;
	}

	public void setListeners(Map<String, ListenerProperties> listeners) {
		this.listeners = listeners;
	}

	/**
	 * Event-loop group properties.
	 */
	public static class EventLoop {

		/**
		 * Number of event-loop threads, at most 256; 0 uses the number of available processors.
		 */
		private int threads;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		/**
		 * How long an event loop may stay away from its poll before a WARN with its stack is logged and counted; 0 switches the watchdog off.
		 */
		private Duration blockedThreshold = Duration.ofSeconds(2);

		public Duration getBlockedThreshold() {
			return this.blockedThreshold;
		}

		public void setBlockedThreshold(Duration blockedThreshold) {
			this.blockedThreshold = blockedThreshold;
		}

	}

	/**
	 * TCP keepalive defaults of every listener.
	 */
	public static class Keepalive {

		/**
		 * Whether to set SO_KEEPALIVE on accepted connections.
		 */
		private boolean enabled = true;

		/**
		 * Shorthand setting keepalive idle and interval together, like Go's SetKeepAlivePeriod.
		 */
		private Duration period = Duration.ofSeconds(15);

		/**
		 * TCP_KEEPIDLE: idle time before the first probe, 1s to 32767s, rounded up to whole seconds; defaults to the keepalive period.
		 */
		private @Nullable Duration idle;

		/**
		 * TCP_KEEPINTVL: time between probes, 1s to 32767s, rounded up to whole seconds; defaults to the keepalive period.
		 */
		private @Nullable Duration interval;

		/**
		 * TCP_KEEPCNT: unanswered probes before the connection is dropped, 1 to 127.
		 */
		private int count = 9;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public @Nullable Duration getIdle() {
			return this.idle;
		}

		public void setIdle(@Nullable Duration idle) {
			this.idle = idle;
		}

		public @Nullable Duration getInterval() {
			return this.interval;
		}

		public void setInterval(@Nullable Duration interval) {
			this.interval = interval;
		}

		public int getCount() {
			return this.count;
		}

		public void setCount(int count) {
			this.count = count;
		}

	}

	/**
	 * Write-queue defaults of every listener.
	 */
	public static class WriteBuffer {

		/**
		 * Queued bytes below which a connection becomes writable again.
		 */
		private DataSize lowWaterMark = DataSize.ofKilobytes(32);

		/**
		 * Queued bytes above which a connection reports itself not writable.
		 */
		private DataSize highWaterMark = DataSize.ofKilobytes(64);

		/**
		 * Queued bytes beyond which the connection is closed, at most 1GB.
		 */
		private DataSize limit = DataSize.ofMegabytes(16);

		public DataSize getLowWaterMark() {
			return this.lowWaterMark;
		}

		public void setLowWaterMark(DataSize lowWaterMark) {
			this.lowWaterMark = lowWaterMark;
		}

		public DataSize getHighWaterMark() {
			return this.highWaterMark;
		}

		public void setHighWaterMark(DataSize highWaterMark) {
			this.highWaterMark = highWaterMark;
		}

		public DataSize getLimit() {
			return this.limit;
		}

		public void setLimit(DataSize limit) {
			this.limit = limit;
		}

	}

	/**
	 * TCP Fast Open defaults of every listener.
	 */
	public static class FastOpen {

		/**
		 * TCP_FASTOPEN on the listening socket: the most pending fast-open requests, 0 to 65535; 0 is off (epoll only; needs net.ipv4.tcp_fastopen with bit 2).
		 */
		private int queueLength;

		public int getQueueLength() {
			return this.queueLength;
		}

		public void setQueueLength(int queueLength) {
			this.queueLength = queueLength;
		}

	}

	/**
	 * Graceful shutdown defaults.
	 */
	public static class Shutdown {

		/**
		 * Time open connections are given to finish and flush on shutdown before the rest are closed; at most 1h.
		 */
		private Duration gracePeriod = Duration.ofSeconds(20);

		/**
		 * Time a stop keeps accepting and serving while the rawtcp health indicator reports OUT_OF_SERVICE, so load balancers stop sending before the listeners drain; at most 5m, for the whole application.
		 */
		private Duration readinessDelay = Duration.ZERO;

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

		public Duration getReadinessDelay() {
			return this.readinessDelay;
		}

		public void setReadinessDelay(Duration readinessDelay) {
			this.readinessDelay = readinessDelay;
		}

	}

	/**
	 * TLS defaults of every listener, from Spring Boot SSL bundles ({@code spring.ssl.bundle.*}).
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) every listener serves TLS with; unset serves plaintext.
		 */
		private @Nullable String bundle;

		/**
		 * Whether clients are asked for a certificate, checked against the bundle's trust store.
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		/**
		 * Bundles chosen by the host name a client asks for (SNI); other clients get ssl.bundle.
		 */
		private List<ServerNameSslBundle> serverNameBundles = new ArrayList<>();

		/**
		 * How long a TLS handshake may take from the accept before the connection is closed.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

		public List<ServerNameSslBundle> getServerNameBundles() {
			return this.serverNameBundles;
		}

		public void setServerNameBundles(List<ServerNameSslBundle> serverNameBundles) {
			this.serverNameBundles = serverNameBundles;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

	}

	/**
	 * The bundle a client gets when it asks for a host name (SNI), as Spring Boot's
	 * {@code server.ssl.server-name-bundles}.
	 */
	public static class ServerNameSslBundle {

		/**
		 * Host name the client asks for (SNI), matched without regard to case.
		 */
		private @Nullable String serverName;

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) served to it.
		 */
		private @Nullable String bundle;

		public @Nullable String getServerName() {
			return this.serverName;
		}

		public void setServerName(@Nullable String serverName) {
			this.serverName = serverName;
		}

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * PROXY protocol defaults of every listener. A bare value is short for its mode:
	 * {@code proxy-protocol: required} is {@code proxy-protocol.mode: required}.
	 */
	public static class ProxyProtocol {

		/**
		 * Whether connections start with a PROXY protocol header (v1 or v2) naming the client: off, optional (with or without one) or required.
		 */
		private ProxyProtocolMode mode = ProxyProtocolMode.OFF;

		/**
		 * Peers allowed to send a PROXY header, as CIDR blocks such as 10.0.0.0/8 or ::1/128; empty trusts every peer.
		 */
		private List<String> trustedSources = new ArrayList<>();

		/**
		 * How long after the accept the PROXY header must be complete, positive and at most 24d.
		 */
		private Duration headerTimeout = Duration.ofSeconds(5);

		/**
		 * Largest PROXY header accepted, 52B to 65551B (a version 1 line never exceeds 107B).
		 */
		private DataSize maxHeaderSize = DataSize.ofKilobytes(4);

		public ProxyProtocolMode getMode() {
			return this.mode;
		}

		public void setMode(ProxyProtocolMode mode) {
			this.mode = mode;
		}

		public List<String> getTrustedSources() {
			return this.trustedSources;
		}

		public void setTrustedSources(List<String> trustedSources) {
			this.trustedSources = trustedSources;
		}

		public Duration getHeaderTimeout() {
			return this.headerTimeout;
		}

		public void setHeaderTimeout(Duration headerTimeout) {
			this.headerTimeout = headerTimeout;
		}

		public DataSize getMaxHeaderSize() {
			return this.maxHeaderSize;
		}

		public void setMaxHeaderSize(DataSize maxHeaderSize) {
			this.maxHeaderSize = maxHeaderSize;
		}

	}

	/**
	 * One listener; every value left unset is taken from the top-level {@code rawtcp.*} property.
	 */
	public static class ListenerProperties {

		/**
		 * Port to bind; 0 picks an ephemeral port; defaults to rawtcp.port.
		 */
		private @Nullable Integer port;

		/**
		 * Address to bind; defaults to rawtcp.host.
		 */
		private @Nullable String host;

		/**
		 * Backlog passed to listen(2); defaults to rawtcp.backlog.
		 */
		private @Nullable Integer backlog;

		/**
		 * How connections reach the handler; defaults to rawtcp.mode.
		 */
		private @Nullable ListenerMode mode;

		/**
		 * Name of the TcpHandler or TcpStreamHandler bean; defaults to rawtcp.handler.
		 */
		private @Nullable String handler;

		/**
		 * Whether to set SO_REUSEADDR; defaults to rawtcp.reuse-address.
		 */
		private @Nullable Boolean reuseAddress;

		/**
		 * Whether to set SO_REUSEPORT; defaults to rawtcp.reuse-port.
		 */
		private @Nullable Boolean reusePort;

		/**
		 * Whether to set TCP_NODELAY; defaults to rawtcp.tcp-no-delay.
		 */
		private @Nullable Boolean tcpNoDelay;

		private final Keepalive keepalive = new Keepalive();

		/**
		 * TCP_USER_TIMEOUT; defaults to rawtcp.user-timeout.
		 */
		private @Nullable Duration userTimeout;

		/**
		 * Close a connection with no traffic for this long; defaults to rawtcp.idle-timeout.
		 */
		private @Nullable Duration idleTimeout;

		/**
		 * Close a connection whose frame is not complete this long after its first byte; defaults to rawtcp.frame-timeout.
		 */
		private @Nullable Duration frameTimeout;

		/**
		 * Open connections beyond which new ones are rejected; defaults to rawtcp.max-connections.
		 */
		private @Nullable Integer maxConnections;

		/**
		 * SO_RCVBUF of accepted connections; defaults to rawtcp.receive-buffer-size.
		 */
		private @Nullable DataSize receiveBufferSize;

		/**
		 * SO_SNDBUF of accepted connections; defaults to rawtcp.send-buffer-size.
		 */
		private @Nullable DataSize sendBufferSize;

		private final WriteBuffer writeBuffer = new WriteBuffer();

		private final Shutdown shutdown = new Shutdown();

		/**
		 * TCP_DEFER_ACCEPT on this listener's socket; defaults to rawtcp.defer-accept.
		 */
		private @Nullable Duration deferAccept;

		private final FastOpen fastOpen = new FastOpen();

		/**
		 * Listening sockets of this listener (off or per-loop); defaults to rawtcp.accept-sharding.
		 */
		private @Nullable AcceptSharding acceptSharding;

		/**
		 * Whether to steer connections to shards by receiving CPU; defaults to rawtcp.accept-sharding-cpu-steering.
		 */
		private @Nullable Boolean acceptShardingCpuSteering;

		private final Ssl ssl = new Ssl();

		private ProxyProtocol proxyProtocol = new ProxyProtocol();

		public @Nullable Integer getPort() {
			return this.port;
		}

		public void setPort(@Nullable Integer port) {
			this.port = port;
		}

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public @Nullable Integer getBacklog() {
			return this.backlog;
		}

		public void setBacklog(@Nullable Integer backlog) {
			this.backlog = backlog;
		}

		public @Nullable ListenerMode getMode() {
			return this.mode;
		}

		public void setMode(@Nullable ListenerMode mode) {
			this.mode = mode;
		}

		public @Nullable String getHandler() {
			return this.handler;
		}

		public void setHandler(@Nullable String handler) {
			this.handler = handler;
		}

		public @Nullable Boolean getReuseAddress() {
			return this.reuseAddress;
		}

		public void setReuseAddress(@Nullable Boolean reuseAddress) {
			this.reuseAddress = reuseAddress;
		}

		public @Nullable Boolean getReusePort() {
			return this.reusePort;
		}

		public void setReusePort(@Nullable Boolean reusePort) {
			this.reusePort = reusePort;
		}

		public @Nullable Boolean getTcpNoDelay() {
			return this.tcpNoDelay;
		}

		public void setTcpNoDelay(@Nullable Boolean tcpNoDelay) {
			this.tcpNoDelay = tcpNoDelay;
		}

		public Keepalive getKeepalive() {
			return this.keepalive;
		}

		public @Nullable Duration getUserTimeout() {
			return this.userTimeout;
		}

		public void setUserTimeout(@Nullable Duration userTimeout) {
			this.userTimeout = userTimeout;
		}

		public @Nullable Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public @Nullable Duration getFrameTimeout() {
			return this.frameTimeout;
		}

		public void setFrameTimeout(@Nullable Duration frameTimeout) {
			this.frameTimeout = frameTimeout;
		}

		public @Nullable Integer getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(@Nullable Integer maxConnections) {
			this.maxConnections = maxConnections;
		}

		public @Nullable DataSize getReceiveBufferSize() {
			return this.receiveBufferSize;
		}

		public void setReceiveBufferSize(@Nullable DataSize receiveBufferSize) {
			this.receiveBufferSize = receiveBufferSize;
		}

		public @Nullable DataSize getSendBufferSize() {
			return this.sendBufferSize;
		}

		public void setSendBufferSize(@Nullable DataSize sendBufferSize) {
			this.sendBufferSize = sendBufferSize;
		}

		public WriteBuffer getWriteBuffer() {
			return this.writeBuffer;
		}

		public Shutdown getShutdown() {
			return this.shutdown;
		}

		public ProxyProtocol getProxyProtocol() {
			return this.proxyProtocol;
		}

		public void setProxyProtocol(ProxyProtocol proxyProtocol) {
			this.proxyProtocol = proxyProtocol;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

		public @Nullable Duration getDeferAccept() {
			return this.deferAccept;
		}

		public void setDeferAccept(@Nullable Duration deferAccept) {
			this.deferAccept = deferAccept;
		}

		public FastOpen getFastOpen() {
			return this.fastOpen;
		}

		public @Nullable AcceptSharding getAcceptSharding() {
			return this.acceptSharding;
		}

		public void setAcceptSharding(@Nullable AcceptSharding acceptSharding) {
			this.acceptSharding = acceptSharding;
		}

		public @Nullable Boolean getAcceptShardingCpuSteering() {
			return this.acceptShardingCpuSteering;
		}

		public void setAcceptShardingCpuSteering(@Nullable Boolean acceptShardingCpuSteering) {
			this.acceptShardingCpuSteering = acceptShardingCpuSteering;
		}

		/**
		 * Per-listener TCP Fast Open; unset values come from {@code rawtcp.fast-open.*}.
		 */
		public static class FastOpen {

			/**
			 * TCP_FASTOPEN queue length of this listener's socket; defaults to rawtcp.fast-open.queue-length.
			 */
			private @Nullable Integer queueLength;

			public @Nullable Integer getQueueLength() {
				return this.queueLength;
			}

			public void setQueueLength(@Nullable Integer queueLength) {
				this.queueLength = queueLength;
			}

		}

		/**
		 * Per-listener keepalive; unset values come from {@code rawtcp.keepalive.*}.
		 */
		public static class Keepalive {

			/**
			 * Whether to set SO_KEEPALIVE; defaults to rawtcp.keepalive.enabled.
			 */
			private @Nullable Boolean enabled;

			/**
			 * Sets this listener's keepalive idle and interval together; defaults to rawtcp.keepalive.period.
			 */
			private @Nullable Duration period;

			/**
			 * TCP_KEEPIDLE; defaults to this listener's keepalive period, else rawtcp.keepalive.idle.
			 */
			private @Nullable Duration idle;

			/**
			 * TCP_KEEPINTVL; defaults to this listener's keepalive period, else rawtcp.keepalive.interval.
			 */
			private @Nullable Duration interval;

			/**
			 * TCP_KEEPCNT; defaults to rawtcp.keepalive.count.
			 */
			private @Nullable Integer count;

			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			public @Nullable Duration getPeriod() {
				return this.period;
			}

			public void setPeriod(@Nullable Duration period) {
				this.period = period;
			}

			public @Nullable Duration getIdle() {
				return this.idle;
			}

			public void setIdle(@Nullable Duration idle) {
				this.idle = idle;
			}

			public @Nullable Duration getInterval() {
				return this.interval;
			}

			public void setInterval(@Nullable Duration interval) {
				this.interval = interval;
			}

			public @Nullable Integer getCount() {
				return this.count;
			}

			public void setCount(@Nullable Integer count) {
				this.count = count;
			}

		}

		/**
		 * Per-listener write queue; unset values come from {@code rawtcp.write-buffer.*}.
		 */
		public static class WriteBuffer {

			/**
			 * Queued bytes below which a connection is writable again; defaults to rawtcp.write-buffer.low-water-mark.
			 */
			private @Nullable DataSize lowWaterMark;

			/**
			 * Queued bytes above which a connection is not writable; defaults to rawtcp.write-buffer.high-water-mark.
			 */
			private @Nullable DataSize highWaterMark;

			/**
			 * Queued bytes beyond which the connection is closed; defaults to rawtcp.write-buffer.limit.
			 */
			private @Nullable DataSize limit;

			public @Nullable DataSize getLowWaterMark() {
				return this.lowWaterMark;
			}

			public void setLowWaterMark(@Nullable DataSize lowWaterMark) {
				this.lowWaterMark = lowWaterMark;
			}

			public @Nullable DataSize getHighWaterMark() {
				return this.highWaterMark;
			}

			public void setHighWaterMark(@Nullable DataSize highWaterMark) {
				this.highWaterMark = highWaterMark;
			}

			public @Nullable DataSize getLimit() {
				return this.limit;
			}

			public void setLimit(@Nullable DataSize limit) {
				this.limit = limit;
			}

		}

		/**
		 * Per-listener graceful shutdown.
		 */
		public static class Shutdown {

			/**
			 * Time this listener's connections get to finish on shutdown; defaults to rawtcp.shutdown.grace-period.
			 */
			private @Nullable Duration gracePeriod;

			public @Nullable Duration getGracePeriod() {
				return this.gracePeriod;
			}

			public void setGracePeriod(@Nullable Duration gracePeriod) {
				this.gracePeriod = gracePeriod;
			}

		}

		/**
		 * Per-listener TLS; unset values come from {@code rawtcp.ssl.*}.
		 */
		public static class Ssl {

			/**
			 * Name of the SSL bundle this listener serves TLS with; defaults to rawtcp.ssl.bundle.
			 */
			private @Nullable String bundle;

			/**
			 * Whether clients are asked for a certificate; defaults to rawtcp.ssl.client-auth.
			 */
			private @Nullable ClientAuth clientAuth;

			/**
			 * Bundles chosen by the host name a client asks for (SNI), replacing rawtcp.ssl.server-name-bundles.
			 */
			private @Nullable List<ServerNameSslBundle> serverNameBundles;

			/**
			 * How long a TLS handshake may take; defaults to rawtcp.ssl.handshake-timeout.
			 */
			private @Nullable Duration handshakeTimeout;

			public @Nullable String getBundle() {
				return this.bundle;
			}

			public void setBundle(@Nullable String bundle) {
				this.bundle = bundle;
			}

			public @Nullable ClientAuth getClientAuth() {
				return this.clientAuth;
			}

			public void setClientAuth(@Nullable ClientAuth clientAuth) {
				this.clientAuth = clientAuth;
			}

			public @Nullable List<ServerNameSslBundle> getServerNameBundles() {
				return this.serverNameBundles;
			}

			public void setServerNameBundles(@Nullable List<ServerNameSslBundle> serverNameBundles) {
				this.serverNameBundles = serverNameBundles;
			}

			public @Nullable Duration getHandshakeTimeout() {
				return this.handshakeTimeout;
			}

			public void setHandshakeTimeout(@Nullable Duration handshakeTimeout) {
				this.handshakeTimeout = handshakeTimeout;
			}

		}

		/**
		 * Per-listener PROXY protocol; unset values come from {@code rawtcp.proxy-protocol.*}. A
		 * bare value is short for its mode: {@code proxy-protocol: required}.
		 */
		public static class ProxyProtocol {

			/**
			 * Whether connections start with a PROXY protocol header; defaults to rawtcp.proxy-protocol.mode.
			 */
			private @Nullable ProxyProtocolMode mode;

			/**
			 * Peers allowed to send a PROXY header, as CIDR blocks; defaults to rawtcp.proxy-protocol.trusted-sources.
			 */
			private @Nullable List<String> trustedSources;

			/**
			 * How long after the accept the PROXY header must be complete; defaults to rawtcp.proxy-protocol.header-timeout.
			 */
			private @Nullable Duration headerTimeout;

			/**
			 * Largest PROXY header accepted; defaults to rawtcp.proxy-protocol.max-header-size.
			 */
			private @Nullable DataSize maxHeaderSize;

			public @Nullable ProxyProtocolMode getMode() {
				return this.mode;
			}

			public void setMode(@Nullable ProxyProtocolMode mode) {
				this.mode = mode;
			}

			public @Nullable List<String> getTrustedSources() {
				return this.trustedSources;
			}

			public void setTrustedSources(@Nullable List<String> trustedSources) {
				this.trustedSources = trustedSources;
			}

			public @Nullable Duration getHeaderTimeout() {
				return this.headerTimeout;
			}

			public void setHeaderTimeout(@Nullable Duration headerTimeout) {
				this.headerTimeout = headerTimeout;
			}

			public @Nullable DataSize getMaxHeaderSize() {
				return this.maxHeaderSize;
			}

			public void setMaxHeaderSize(@Nullable DataSize maxHeaderSize) {
				this.maxHeaderSize = maxHeaderSize;
			}

		}

	}

}
