package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractListenerTest} on the epoll transport.
 */
class EpollListenerTest extends AbstractListenerTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
