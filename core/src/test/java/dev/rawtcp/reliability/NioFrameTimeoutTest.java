package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractFrameTimeoutTest} on nio.
 */
class NioFrameTimeoutTest extends AbstractFrameTimeoutTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
