package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractShutdownTest} on the epoll transport.
 */
class EpollShutdownTest extends AbstractShutdownTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
