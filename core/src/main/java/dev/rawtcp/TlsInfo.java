package dev.rawtcp;

import java.security.cert.Certificate;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a TLS connection's handshake agreed on.
 *
 * @param protocol the protocol, such as {@code TLSv1.3}
 * @param cipherSuite the cipher suite, such as {@code TLS_AES_128_GCM_SHA256}
 * @param serverName the host name the client asked for (SNI), or {@code null}
 * @param peerCertificates the client's certificate chain, empty when it sent none
 */
public record TlsInfo(String protocol, String cipherSuite, @Nullable String serverName,
		List<Certificate> peerCertificates) {

	public TlsInfo {
		peerCertificates = List.copyOf(peerCertificates);
	}

}
