package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsEchoTest} on the nio transport.
 */
class TlsEchoNioTest extends AbstractTlsEchoTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
