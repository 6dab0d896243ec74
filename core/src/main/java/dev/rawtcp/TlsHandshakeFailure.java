package dev.rawtcp;

import java.util.Locale;

/**
 * Why a TLS handshake failed: the {@code reason} tag of {@code rawtcp.tls.handshakes}.
 */
public enum TlsHandshakeFailure {

	/** It did not finish within {@code ssl.handshake-timeout}. */
	TIMEOUT,

	/** The peer did not speak TLS, or a version or cipher suite this side does not allow. */
	PROTOCOL,

	/** A certificate was refused: the client's, by this side, or this side's, by the client. */
	CERTIFICATE,

	/** Client authentication is {@code need} and the client sent no certificate. */
	CLIENT_AUTH,

	/** The peer closed or reset the connection before the handshake finished. */
	CLOSED,

	/** The peer asked to renegotiate (TLS 1.2), which is refused: the connection is closed. */
	RENEGOTIATION;

	/** @return the tag value: lower case, words joined by {@code -} */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
