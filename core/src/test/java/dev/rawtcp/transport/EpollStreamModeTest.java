package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractStreamModeTest} on the epoll transport.
 */
class EpollStreamModeTest extends AbstractStreamModeTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
