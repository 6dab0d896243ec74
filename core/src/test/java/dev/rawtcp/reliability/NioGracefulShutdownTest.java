package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractGracefulShutdownTest} on nio.
 */
class NioGracefulShutdownTest extends AbstractGracefulShutdownTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
