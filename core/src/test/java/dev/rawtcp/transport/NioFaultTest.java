package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractFaultTest} on the nio transport.
 */
class NioFaultTest extends AbstractFaultTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
