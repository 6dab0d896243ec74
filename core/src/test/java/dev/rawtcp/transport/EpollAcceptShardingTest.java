package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractAcceptShardingTest} on the epoll transport.
 */
class EpollAcceptShardingTest extends AbstractAcceptShardingTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
