package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsHandshakeTest} on the epoll transport.
 */
class TlsHandshakeEpollTest extends AbstractTlsHandshakeTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
