package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractSoakTest} on nio.
 */
class NioSoakTest extends AbstractSoakTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
