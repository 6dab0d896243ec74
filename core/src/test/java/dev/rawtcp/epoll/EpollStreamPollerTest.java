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
	protected long pollerDispatched(EventLoopGroup group, int loop) {
		StreamPoller poller = ((EpollEventLoopGroup) group).loop(loop).streamPoller();
		return (poller != null) ? poller.dispatched() : -1;
	}

}
