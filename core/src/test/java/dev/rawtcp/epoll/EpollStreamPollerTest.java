package dev.rawtcp.epoll;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.AbstractStreamPollerTest;

/**
 * {@link AbstractStreamPollerTest} on the epoll transport: an edge-triggered epoll set per
 * loop, drained by a virtual thread.
 */
class EpollStreamPollerTest extends AbstractStreamPollerTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

	@Override
	protected boolean pollerEnabled() {
		return StreamPoller.ENABLED;
	}

	@Override
	protected long pollerDispatched(EventLoopGroup group) {
		EpollEventLoopGroup epoll = (EpollEventLoopGroup) group;
		long total = -1;
		for (int i = 0; i < epoll.threads(); i++) {
			StreamPoller poller = epoll.loop(i).streamPoller();
			if (poller != null) {
				total = Math.max(total, 0) + poller.dispatched();
			}
		}
		return total;
	}

}
