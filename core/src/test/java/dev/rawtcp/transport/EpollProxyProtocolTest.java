package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractProxyProtocolTest} on epoll.
 */
class EpollProxyProtocolTest extends AbstractProxyProtocolTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
