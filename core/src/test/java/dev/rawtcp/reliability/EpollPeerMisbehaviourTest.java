package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractPeerMisbehaviourTest} on epoll.
 */
class EpollPeerMisbehaviourTest extends AbstractPeerMisbehaviourTest {

	@Override
	Transport transport() {
		return Transport.EPOLL;
	}

}
