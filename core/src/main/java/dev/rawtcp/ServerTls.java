package dev.rawtcp;

import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * TLS for a listener: where each connection's {@link javax.net.ssl.SSLEngine} comes from,
 * whether a client certificate is asked for, and how long a handshake may take. Set with
 * {@link ListenerConfig.Builder#tls(ServerTls)}; the Spring Boot starter builds one from an
 * SSL bundle ({@code rawtcp.ssl.bundle}).
 * <p>
 * The engine is made when the client's first TLS record has arrived, so the factory is told
 * the host name the client asked for (SNI), and a factory that reads its material anew
 * each time serves new connections with a reloaded certificate while open ones keep theirs.
 */
public final class ServerTls {

	/** The default {@link #handshakeTimeout()}. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private final TlsEngineFactory engines;

	private final ClientAuth clientAuth;

	private final Duration handshakeTimeout;

	private ServerTls(TlsEngineFactory engines, ClientAuth clientAuth, Duration handshakeTimeout) {
		this.engines = Objects.requireNonNull(engines, "'engines' must not be null");
		this.clientAuth = Objects.requireNonNull(clientAuth, "'clientAuth' must not be null");
		this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "'handshakeTimeout' must not be null");
		if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
			throw new IllegalArgumentException("'handshakeTimeout' must be positive, was " + handshakeTimeout);
		}
	}

	/**
	 * TLS with one context for every connection: no client certificate, the default time-out.
	 * @param context the context (key material, and trust material for client authentication)
	 * @return the settings
	 */
	public static ServerTls of(SSLContext context) {
		Objects.requireNonNull(context, "'context' must not be null");
		return of((serverName) -> context.createSSLEngine());
	}

	/**
	 * TLS with engines from a factory: no client certificate, the default time-out.
	 * @param engines makes each connection's engine
	 * @return the settings
	 */
	public static ServerTls of(TlsEngineFactory engines) {
		return new ServerTls(engines, ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT);
	}

	/**
	 * The same settings asking clients for a certificate.
	 * @param clientAuth whether to ask
	 * @return new settings
	 */
	public ServerTls withClientAuth(ClientAuth clientAuth) {
		return new ServerTls(this.engines, clientAuth, this.handshakeTimeout);
	}

	/**
	 * The same settings with another handshake time-out.
	 * @param handshakeTimeout how long a handshake may take from the accept; positive
	 * @return new settings
	 */
	public ServerTls withHandshakeTimeout(Duration handshakeTimeout) {
		return new ServerTls(this.engines, this.clientAuth, handshakeTimeout);
	}

	/** @return where the engines come from */
	public TlsEngineFactory engines() {
		return this.engines;
	}

	/** @return whether clients are asked for a certificate */
	public ClientAuth clientAuth() {
		return this.clientAuth;
	}

	/** @return how long a handshake may take from the accept */
	public Duration handshakeTimeout() {
		return this.handshakeTimeout;
	}

	@Override
	public String toString() {
		return "ServerTls[clientAuth=" + this.clientAuth.value() + ", handshakeTimeout=" + this.handshakeTimeout + "]";
	}

	/**
	 * Whether the server asks the client for a certificate, verified against the trust
	 * material of the engine's context.
	 */
	public enum ClientAuth {

		/** No client certificate is asked for. */
		NONE,

		/** A certificate is asked for; a client without one is still served. */
		WANT,

		/** A certificate is required: a client without a valid one fails the handshake. */
		NEED;

		/** @return the property value: {@code none}, {@code want} or {@code need} */
		public String value() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
