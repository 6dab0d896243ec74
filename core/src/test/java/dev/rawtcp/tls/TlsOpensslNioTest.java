package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsOpensslTest} on the nio transport.
 */
class TlsOpensslNioTest extends AbstractTlsOpensslTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
