package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractEchoTest} on the nio transport.
 */
class NioEchoTest extends AbstractEchoTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
