package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractProxyProtocolTest} on nio.
 */
class NioProxyProtocolTest extends AbstractProxyProtocolTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
