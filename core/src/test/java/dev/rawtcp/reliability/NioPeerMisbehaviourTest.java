package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractPeerMisbehaviourTest} on nio.
 */
class NioPeerMisbehaviourTest extends AbstractPeerMisbehaviourTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
