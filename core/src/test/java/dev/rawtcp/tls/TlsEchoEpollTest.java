package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsEchoTest} on the epoll transport.
 */
class TlsEchoEpollTest extends AbstractTlsEchoTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
