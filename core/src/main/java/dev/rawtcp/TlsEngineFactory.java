package dev.rawtcp;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;

/**
 * Makes the {@link SSLEngine} of one accepted TLS connection. Called on the connection's event
 * loop (or its handler thread in thread-per-connection mode) once the client's first record
 * has arrived; it must not block. The transport then puts the engine in server mode and sets
 * client authentication from {@link ServerTls#clientAuth()}; protocols and cipher suites are
 * the factory's to set.
 */
@FunctionalInterface
public interface TlsEngineFactory {

	/**
	 * Make an engine.
	 * @param serverName the host name the client asked for (SNI), lower case, or {@code null}
	 * if it named none
	 * @return a new engine
	 */
	SSLEngine createEngine(@Nullable String serverName);

}
