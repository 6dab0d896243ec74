package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTransportFuzzTest} on epoll.
 */
class EpollTransportFuzzTest extends AbstractTransportFuzzTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
