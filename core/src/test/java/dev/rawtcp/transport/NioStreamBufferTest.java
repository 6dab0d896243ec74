package dev.rawtcp.transport;

import dev.rawtcp.Transport;

/**
 * {@link AbstractStreamBufferTest} on the nio transport.
 */
class NioStreamBufferTest extends AbstractStreamBufferTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

}
