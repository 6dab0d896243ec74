package dev.rawtcp.nio;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.Loop;
import dev.rawtcp.transport.AbstractDeadlineTest;

/**
 * {@link AbstractDeadlineTest} on the nio transport.
 */
class NioDeadlineTest extends AbstractDeadlineTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

	@Override
	protected Loop loop(EventLoopGroup group, int index) {
		return ((NioEventLoopGroup) group).loop(index);
	}

}
