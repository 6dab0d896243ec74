package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractStreamBufferTest} on the epoll transport.
 */
class EpollStreamBufferTest extends AbstractStreamBufferTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
