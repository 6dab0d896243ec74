package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractEchoTest} on the epoll transport.
 */
class EpollEchoTest extends AbstractEchoTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
