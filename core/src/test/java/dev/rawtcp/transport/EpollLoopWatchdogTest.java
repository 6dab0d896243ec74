package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractLoopWatchdogTest} on the epoll transport.
 */
class EpollLoopWatchdogTest extends AbstractLoopWatchdogTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
