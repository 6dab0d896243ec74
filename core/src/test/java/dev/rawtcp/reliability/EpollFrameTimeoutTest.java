package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractFrameTimeoutTest} on epoll.
 */
class EpollFrameTimeoutTest extends AbstractFrameTimeoutTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
