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
		// write copies the bytes (or queues what the socket would not take): the buffer is the loop's
		connection.write(data);
	}

	@Override
	public void onWritabilityChanged(Connection connection, boolean writable) {
		// a peer that sends without reading: stop reading it until its replies drain, so the write
		// queue stays between the water marks instead of growing to the write-buffer limit
		if (writable) {
			connection.resumeReads();
		}
		else {
			connection.suspendReads();
		}
	}

}
