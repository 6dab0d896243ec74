package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsHandshakeTest} on the nio transport.
 */
class TlsHandshakeNioTest extends AbstractTlsHandshakeTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
