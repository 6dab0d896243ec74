package dev.rawtcp.sample;

import java.nio.ByteBuffer;

import dev.rawtcp.Connection;
import dev.rawtcp.TcpHandler;

/**
 * Sends every byte received back to the peer, unchanged; runs on the event loop.
 */
final class EchoHandler implements TcpHandler {

	@Override
	public void onData(Connection connection, ByteBuffer data) {
		// write copies the bytes (or queues what the socket would not take): the buffer is the loop's.
		// A peer that sends without reading is no danger: the transport stops reading from a connection
		// whose write queue is above its high water mark, so memory stays bounded.
		connection.write(data);
	}

}
