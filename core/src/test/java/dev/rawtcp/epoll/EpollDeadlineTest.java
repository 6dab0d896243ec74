package dev.rawtcp.epoll;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.Loop;
import dev.rawtcp.transport.AbstractDeadlineTest;

/**
 * {@link AbstractDeadlineTest} on the epoll transport.
 */
class EpollDeadlineTest extends AbstractDeadlineTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

	@Override
	protected Loop loop(EventLoopGroup group, int index) {
		return ((EpollEventLoopGroup) group).loop(index);
	}

}
