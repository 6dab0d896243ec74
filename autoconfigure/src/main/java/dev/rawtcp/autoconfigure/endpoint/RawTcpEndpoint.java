package dev.rawtcp.autoconfigure.endpoint;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ConnectionInfo;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerShard;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.ServerTls;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.TlsHandshakeFailure;
import dev.rawtcp.TlsInfo;
import dev.rawtcp.TlsStats;
import dev.rawtcp.autoconfigure.BundleTlsEngines;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.autoconfigure.ReloadableSslBundle;
import dev.rawtcp.proxy.ProxyHeaderError;
import dev.rawtcp.proxy.ProxyProtocolPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} exposing rawtcp listeners with what the kernel says about
 * them (effective backlog, accept queue, socket options) and their open connections, and
 * pausing or resuming a listener. Holds no payload bytes. Read-only unless
 * {@code management.endpoint.rawtcp.access=unrestricted}: pausing a listener is opt-in.
 */
@Endpoint(id = "rawtcp", defaultAccess = Access.READ_ONLY)
public class RawTcpEndpoint {

	/** The most connections listed for one listener. */
	public static final int CONNECTION_LIMIT = 100;

	private final RawTcpServer server;

	/**
	 * Create an endpoint.
	 * @param server the server whose listeners are shown
	 */
	public RawTcpEndpoint(RawTcpServer server) {
		Assert.notNull(server, "'server' must not be null");
		this.server = server;
	}

	/**
	 * Every listener, without its connections.
	 * @return the listeners by name
	 */
	@ReadOperation
	public ListenersDescriptor listeners() {
		Map<String, ListenerDescriptor> listeners = new LinkedHashMap<>();
		this.server.getListeners().forEach((name, listener) -> listeners.put(name, describe(listener, false)));
		return new ListenersDescriptor(listeners);
	}

	/**
	 * One listener with its open connections (at most {@link #CONNECTION_LIMIT}).
	 * @param listener the listener's name
	 * @return the listener, or {@code null} (404) if there is none of that name
	 */
	@ReadOperation
	public @Nullable ListenerDescriptor listener(@Selector String listener) {
		return this.server.getListener(listener).map((found) -> describe(found, true)).orElse(null);
	}

	/**
	 * Pause (stop accepting; the socket stays bound, connections wait in the kernel accept
	 * queue) or resume a listener.
	 * @param listener the listener's name
	 * @param action {@code pause} or {@code resume}
	 * @return the listener after the action
	 * @throws InvalidEndpointRequestException if there is no such listener or the action is
	 * missing or unknown
	 */
	@WriteOperation
	public ListenerDescriptor control(@Selector String listener, @Nullable String action) {
		Listener target = this.server.getListener(listener)
			.orElseThrow(() -> invalid(noSuchListener(listener)));
		if (action == null) {
			throw invalid("Missing 'action' for rawtcp listener '" + listener + "': expected 'pause' or 'resume'");
		}
		switch (action.trim().toLowerCase(Locale.ROOT)) {
			case "pause" -> target.pause();
			case "resume" -> target.resume();
			default -> throw invalid("Unknown action '" + action + "' for rawtcp listener '" + listener
					+ "': expected 'pause' or 'resume'");
		}
		return describe(target, false);
	}

	boolean hasListener(String name) {
		return this.server.getListener(name).isPresent();
	}

	String noSuchListener(String name) {
		return "No rawtcp listener named '" + name + "' (listeners: " + this.server.getListeners().keySet() + ")";
	}

	private static InvalidEndpointRequestException invalid(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

	private static ListenerDescriptor describe(Listener listener, boolean withConnections) {
		List<ConnectionDescriptor> connections = null;
		if (withConnections) {
			Instant now = Instant.now();
			connections = listener.connections(CONNECTION_LIMIT)
				.stream()
				.map((info) -> ConnectionDescriptor.of(info, now))
				.toList();
		}
		return new ListenerDescriptor(listener.name(), AddressText.of(listener.localAddress()),
				listener.transport().tagValue(), listener.mode().value(), listener.state().value(),
				listener.configuredBacklog(), valueOf(listener.effectiveBacklog()),
				valueOf(listener.acceptQueueSize()), listener.activeConnections(), listener.socketOptions(),
				AcceptShardingDescriptor.of(listener), SettingsDescriptor.of(listener.config()),
				ProxyProtocolDescriptor.of(listener.config()),
				StatsDescriptor.of(listener.stats(), listener.config().proxyProtocol() != null),
				TlsDescriptor.of(listener.config().tls(), listener.stats().tls()), connections);
	}

	private static @Nullable Integer valueOf(OptionalInt value) {
		return value.isPresent() ? value.getAsInt() : null;
	}

	/**
	 * Every listener, by name.
	 *
	 * @param listeners the listeners in configuration order
	 */
	public record ListenersDescriptor(Map<String, ListenerDescriptor> listeners) implements OperationResponseBody {

	}

	/**
	 * One listener. Values the transport cannot read are {@code null} and left out of the JSON.
	 *
	 * @param name the listener's name
	 * @param address the bound address, {@code host:port}
	 * @param transport {@code epoll} or {@code nio}
	 * @param mode {@code event-loop} or {@code thread-per-connection}
	 * @param state {@code running}, {@code paused}, {@code draining} or {@code stopped}
	 * @param configuredBacklog the backlog passed to {@code listen(2)}
	 * @param effectiveBacklog the backlog the kernel applied ({@code tcpi_sacked}), {@code null} on nio
	 * @param acceptQueueSize connections in the kernel accept queue now ({@code tcpi_unacked}), {@code null} on nio
	 * @param activeConnections open connections (all of them, even when {@code connections} is capped)
	 * @param socketOptions options of the listening socket read back with {@code getsockopt}
	 * (accepted sockets inherit them)
	 * @param acceptSharding how many listening sockets accept, and each one's queue and count
	 * @param settings limits the listener enforces itself (no kernel counterpart)
	 * @param proxyProtocol whether and from whom the listener reads a PROXY protocol header
	 * @param stats the listener's counters
	 * @param tls the listener's TLS, {@code null} (left out) on a plaintext listener
	 * @param connections at most {@link #CONNECTION_LIMIT} open connections (single-listener view only)
	 */
	public record ListenerDescriptor(String name, String address, String transport, String mode, String state,
			int configuredBacklog, @Nullable Integer effectiveBacklog, @Nullable Integer acceptQueueSize,
			int activeConnections, SocketOptionsView socketOptions, AcceptShardingDescriptor acceptSharding,
			SettingsDescriptor settings, ProxyProtocolDescriptor proxyProtocol, StatsDescriptor stats,
			@Nullable TlsDescriptor tls, @Nullable List<ConnectionDescriptor> connections)
			implements OperationResponseBody {

	}

	/**
	 * The listening sockets of a listener.
	 *
	 * @param mode {@code off} (one socket) or {@code per-loop} (one per event loop, {@code SO_REUSEPORT})
	 * @param cpuSteering whether a classic BPF program picks the socket by the receiving CPU
	 * @param shards each socket: index, accepting loop, accept queue now ({@code null} on nio),
	 * connections accepted
	 */
	public record AcceptShardingDescriptor(String mode, boolean cpuSteering, List<ListenerShard> shards) {

		static AcceptShardingDescriptor of(Listener listener) {
			ListenerConfig config = listener.config();
			return new AcceptShardingDescriptor(config.acceptSharding().value(), config.acceptShardingCpuSteering(),
					listener.shards());
		}

	}

	/**
	 * A listener's PROXY protocol settings; all but the mode are left out when it is off.
	 *
	 * @param mode {@code off}, {@code optional} or {@code required}
	 * @param trustedSources the CIDR blocks allowed to send a header; empty: every peer
	 * @param headerTimeoutMillis how long after the accept the header must be complete
	 * @param maxHeaderSize the largest header accepted, in bytes
	 */
	public record ProxyProtocolDescriptor(String mode, @Nullable List<String> trustedSources,
			@Nullable Long headerTimeoutMillis, @Nullable Integer maxHeaderSize) {

		static ProxyProtocolDescriptor of(ListenerConfig config) {
			ProxyProtocolPolicy policy = config.proxyProtocol();
			if (policy == null) {
				return new ProxyProtocolDescriptor("off", null, null, null);
			}
			return new ProxyProtocolDescriptor(policy.mode().name().toLowerCase(Locale.ROOT),
					policy.trustedSources().entries(), config.proxyHeaderTimeout().toMillis(),
					config.proxyMaxHeaderSize());
		}

	}

	/**
	 * The limits a listener applies itself, as configured.
	 *
	 * @param idleTimeoutMillis a connection without traffic for this long is closed; {@code 0}
	 * never
	 * @param maxConnections open connections beyond which new ones are accepted and closed at
	 * once
	 * @param writeBuffer the write-queue thresholds of each connection
	 * @param shutdownGracePeriodMillis how long a graceful stop lets connections finish
	 */
	public record SettingsDescriptor(long idleTimeoutMillis, int maxConnections, WriteBufferDescriptor writeBuffer,
			long shutdownGracePeriodMillis) {

		static SettingsDescriptor of(ListenerConfig config) {
			return new SettingsDescriptor(config.idleTimeout().toMillis(), config.maxConnections(),
					new WriteBufferDescriptor(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark(),
							config.writeBufferLimit()),
					config.shutdownGracePeriod().toMillis());
		}

	}

	/**
	 * Write-queue thresholds of each connection, in bytes.
	 *
	 * @param lowWaterMark below it a connection is writable again
	 * @param highWaterMark above it a connection is not writable (event-loop reads pause)
	 * @param limit beyond it the connection is closed
	 */
	public record WriteBufferDescriptor(int lowWaterMark, int highWaterMark, long limit) {

	}

	/**
	 * A listener's counters since it started.
	 *
	 * @param accepted connections accepted
	 * @param rejected connections refused over {@code max-connections}
	 * @param closed closed connections by reason
	 * @param bytesReceived bytes read
	 * @param bytesSent bytes the kernel took
	 * @param handlerErrors exceptions thrown by the handler
	 * @param frameErrors frames rejected by a codec
	 * @param acceptErrors failed {@code accept} calls by errno name
	 * @param proxyHeaderErrors connections refused for their PROXY header, by reason; left out
	 * when the listener reads no header
	 */
	public record StatsDescriptor(long accepted, long rejected, Map<String, Long> closed, long bytesReceived,
			long bytesSent, long handlerErrors, long frameErrors, Map<String, Long> acceptErrors,
			@Nullable Map<String, Long> proxyHeaderErrors) {

		static StatsDescriptor of(ListenerStats stats, boolean proxyProtocol) {
			Map<String, Long> closed = new LinkedHashMap<>();
			for (CloseReason reason : CloseReason.values()) {
				closed.put(reason.tagValue(), stats.closed(reason));
			}
			Map<String, Long> proxyHeaderErrors = null;
			if (proxyProtocol) {
				proxyHeaderErrors = new LinkedHashMap<>();
				for (ProxyHeaderError reason : ProxyHeaderError.values()) {
					proxyHeaderErrors.put(reason.tag(), stats.proxyHeaderErrors(reason));
				}
			}
			return new StatsDescriptor(stats.accepted(), stats.rejected(), closed, stats.bytesReceived(),
					stats.bytesSent(), stats.handlerErrors(), stats.frameErrors(), stats.acceptErrors(),
					proxyHeaderErrors);
		}

	}

	/**
	 * A listener's TLS. The bundle values are {@code null} (left out) when the TLS was set up
	 * in code rather than from an SSL bundle.
	 *
	 * @param bundle the listener's SSL bundle ({@code ssl.bundle})
	 * @param clientAuth {@code none}, {@code want} or {@code need}
	 * @param handshakeTimeoutMillis how long a handshake may take
	 * @param protocols the protocols a new connection may negotiate
	 * @param serverNameBundles the bundles chosen by host name (SNI)
	 * @param bundles every bundle the listener serves, by name, with the certificate served now
	 * @param handshakes successful handshakes and failed ones by reason
	 */
	public record TlsDescriptor(@Nullable String bundle, String clientAuth, long handshakeTimeoutMillis,
			@Nullable List<String> protocols, @Nullable Map<String, String> serverNameBundles,
			@Nullable Map<String, BundleDescriptor> bundles, HandshakesDescriptor handshakes) {

		static @Nullable TlsDescriptor of(@Nullable ServerTls tls, TlsStats stats) {
			if (tls == null) {
				return null;
			}
			HandshakesDescriptor handshakes = HandshakesDescriptor.of(stats);
			if (!(tls.engines() instanceof BundleTlsEngines engines)) {
				return new TlsDescriptor(null, tls.clientAuth().value(), tls.handshakeTimeout().toMillis(), null, null,
						null, handshakes);
			}
			Map<String, String> serverNames = new LinkedHashMap<>();
			engines.getServerNameBundles().forEach((host, bundle) -> serverNames.put(host, bundle.getName()));
			Map<String, BundleDescriptor> bundles = new LinkedHashMap<>();
			engines.getBundles().forEach((name, bundle) -> bundles.put(name, BundleDescriptor.of(bundle)));
			ReloadableSslBundle bundle = engines.getDefaultBundle();
			return new TlsDescriptor(bundle.getName(), tls.clientAuth().value(), tls.handshakeTimeout().toMillis(),
					bundle.getProtocols(), serverNames, bundles, handshakes);
		}

	}

	/**
	 * An SSL bundle as served now: its last good version.
	 *
	 * @param protocols the protocols a new connection may negotiate with it
	 * @param certificate the certificate of its key, {@code null} if it has none that can be read
	 * @param loadedAt when the version served now was loaded (ISO-8601)
	 * @param reloads reloads since startup
	 * @param failedReloads updates refused since startup (the last good version stayed in use)
	 * @param lastReloadFailure why the last refused update was refused, {@code null} if none was
	 */
	public record BundleDescriptor(List<String> protocols, @Nullable CertificateDescriptor certificate,
			String loadedAt, long reloads, long failedReloads, @Nullable String lastReloadFailure) {

		static BundleDescriptor of(ReloadableSslBundle bundle) {
			X509Certificate certificate = bundle.getCertificate();
			return new BundleDescriptor(bundle.getProtocols(),
					(certificate != null) ? CertificateDescriptor.of(certificate) : null,
					bundle.getLoadedAt().toString(), bundle.getReloads(), bundle.getFailedReloads(),
					bundle.getLastReloadFailure());
		}

	}

	/**
	 * A certificate.
	 *
	 * @param subject the subject's distinguished name (RFC 2253)
	 * @param issuer the issuer's distinguished name (RFC 2253)
	 * @param serialNumber the serial number in hexadecimal
	 * @param notBefore the start of its validity (ISO-8601)
	 * @param notAfter the end of its validity (ISO-8601)
	 */
	public record CertificateDescriptor(String subject, String issuer, String serialNumber, String notBefore,
			String notAfter) {

		static CertificateDescriptor of(X509Certificate certificate) {
			return new CertificateDescriptor(certificate.getSubjectX500Principal().getName(),
					certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber().toString(16),
					certificate.getNotBefore().toInstant().toString(), certificate.getNotAfter().toInstant().toString());
		}

	}

	/**
	 * A listener's TLS handshakes since it was created.
	 *
	 * @param succeeded handshakes that succeeded
	 * @param failed handshakes that failed, by reason
	 */
	public record HandshakesDescriptor(long succeeded, Map<String, Long> failed) {

		static HandshakesDescriptor of(TlsStats stats) {
			Map<String, Long> failed = new LinkedHashMap<>();
			for (TlsHandshakeFailure reason : TlsHandshakeFailure.values()) {
				failed.put(reason.tagValue(), stats.failed(reason));
			}
			return new HandshakesDescriptor(stats.succeeded(), failed);
		}

	}

	/**
	 * One open connection. The {@code TCP_INFO} values are {@code null} (left out) on nio.
	 *
	 * @param id the connection id
	 * @param remoteAddress the client, {@code host:port}: behind a load balancer sending a PROXY
	 * header, the client's address from the header
	 * @param socketRemoteAddress the socket's own peer, {@code host:port}: the load balancer
	 * when there is a PROXY header, else the same as {@code remoteAddress}
	 * @param localAddress this side, {@code host:port}
	 * @param openedAt when it was accepted (ISO-8601)
	 * @param ageMillis how long it has been open
	 * @param bytesReceived bytes read from it
	 * @param bytesSent bytes the kernel took for it
	 * @param rttMicros smoothed round-trip time ({@code tcpi_rtt})
	 * @param rttVarianceMicros round-trip time variance ({@code tcpi_rttvar})
	 * @param retransmits retransmissions over the connection's life ({@code tcpi_total_retrans})
	 * @param pendingWriteBytes bytes written by the handler and not yet taken by the kernel
	 * @param readPaused whether the transport is not reading from the socket (suspended by
	 * the handler, write queue above its high water mark, or draining)
	 * @param socketOptions the connection's own options read back with {@code getsockopt}
	 * @param tlsProtocol the negotiated TLS protocol, {@code null} (left out) on plaintext and
	 * during the handshake
	 * @param tlsCipherSuite the negotiated cipher suite, likewise
	 * @param tlsServerName the host name the client asked for (SNI), {@code null} if none
	 */
	public record ConnectionDescriptor(long id, String remoteAddress, String socketRemoteAddress,
			String localAddress, String openedAt,
			long ageMillis, long bytesReceived, long bytesSent, @Nullable Long rttMicros,
			@Nullable Long rttVarianceMicros, @Nullable Long retransmits, long pendingWriteBytes, boolean readPaused,
			SocketOptionsView socketOptions, @Nullable String tlsProtocol, @Nullable String tlsCipherSuite,
			@Nullable String tlsServerName) {

		static ConnectionDescriptor of(ConnectionInfo info, Instant now) {
			TcpInfo tcp = info.tcpInfo();
			TlsInfo tls = info.tls();
			return new ConnectionDescriptor(info.id(), AddressText.of(info.remoteAddress()),
					AddressText.of(info.socketRemoteAddress()), AddressText.of(info.localAddress()), info.openedAt().toString(),
					Math.max(0, Duration.between(info.openedAt(), now).toMillis()), info.bytesReceived(),
					info.bytesSent(), (tcp != null) ? tcp.rttMicros() : null,
					(tcp != null) ? tcp.rttVarianceMicros() : null, (tcp != null) ? tcp.totalRetransmits() : null,
					info.pendingWriteBytes(), info.readPaused(), info.socketOptions(),
					(tls != null) ? tls.protocol() : null, (tls != null) ? tls.cipherSuite() : null,
					(tls != null) ? tls.serverName() : null);
		}

	}

}
