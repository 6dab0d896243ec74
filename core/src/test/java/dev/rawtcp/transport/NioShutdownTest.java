package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractShutdownTest} on the nio transport.
 */
class NioShutdownTest extends AbstractShutdownTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
