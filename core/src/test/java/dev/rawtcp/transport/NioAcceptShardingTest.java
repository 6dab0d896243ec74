package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractAcceptShardingTest} on the nio transport.
 */
class NioAcceptShardingTest extends AbstractAcceptShardingTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
