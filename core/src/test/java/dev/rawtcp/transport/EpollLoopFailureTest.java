package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractLoopFailureTest} on the epoll transport.
 */
class EpollLoopFailureTest extends AbstractLoopFailureTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
