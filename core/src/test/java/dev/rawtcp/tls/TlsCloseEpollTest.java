package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsCloseTest} on the epoll transport.
 */
class TlsCloseEpollTest extends AbstractTlsCloseTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
