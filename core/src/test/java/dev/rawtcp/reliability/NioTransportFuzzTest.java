package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractTransportFuzzTest} on nio.
 */
class NioTransportFuzzTest extends AbstractTransportFuzzTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
