package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractPeerMisbehaviourTest} on epoll.
 */
class EpollPeerMisbehaviourTest extends AbstractPeerMisbehaviourTest {

	@Override
	protected Transport transport() {
		return Transport.EPOLL;
	}

}
