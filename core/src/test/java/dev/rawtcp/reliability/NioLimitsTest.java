package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractLimitsTest} on nio.
 */
class NioLimitsTest extends AbstractLimitsTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
