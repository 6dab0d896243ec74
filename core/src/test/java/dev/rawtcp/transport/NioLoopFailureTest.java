package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractLoopFailureTest} on the nio transport.
 */
class NioLoopFailureTest extends AbstractLoopFailureTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
