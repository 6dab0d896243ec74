package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsCloseTest} on the nio transport.
 */
class TlsCloseNioTest extends AbstractTlsCloseTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
