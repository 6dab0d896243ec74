package dev.rawtcp.tls;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTlsOpensslTest} on the epoll transport.
 */
class TlsOpensslEpollTest extends AbstractTlsOpensslTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
