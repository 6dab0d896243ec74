package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractLimitsTest} on epoll.
 */
class EpollLimitsTest extends AbstractLimitsTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
