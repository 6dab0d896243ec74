package dev.rawtcp.reliability;

import dev.rawtcp.Transport;

/**
 * {@link AbstractUnfinishedFrameShutdownTest} on nio.
 */
class NioUnfinishedFrameShutdownTest extends AbstractUnfinishedFrameShutdownTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
