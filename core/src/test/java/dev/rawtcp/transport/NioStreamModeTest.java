package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractStreamModeTest} on the nio transport.
 */
class NioStreamModeTest extends AbstractStreamModeTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
