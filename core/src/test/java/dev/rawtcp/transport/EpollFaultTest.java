package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractFaultTest} on the epoll transport.
 */
class EpollFaultTest extends AbstractFaultTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
