package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractGracefulShutdownTest} on epoll.
 */
class EpollGracefulShutdownTest extends AbstractGracefulShutdownTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
