package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractUnfinishedFrameShutdownTest} on epoll.
 */
class EpollUnfinishedFrameShutdownTest extends AbstractUnfinishedFrameShutdownTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
