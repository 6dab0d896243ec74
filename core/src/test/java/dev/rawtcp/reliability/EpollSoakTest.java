package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractSoakTest} on epoll.
 */
class EpollSoakTest extends AbstractSoakTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
