package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractGracefulShutdownTest} on epoll.
 */
class EpollGracefulShutdownTest extends AbstractGracefulShutdownTest {

	@Override
	Transport transport() {
		return Transport.EPOLL;
	}

}
