package dev.rawtcp;

import java.nio.ByteBuffer;

/**
 * Event-loop style handler: callbacks run on the connection's event-loop thread and must
 * not block. One handler instance serves every connection of a listener, so keep
 * per-connection state in {@link Connection#attribute(String)}.
 * <p>
 * An exception thrown from a callback closes that connection (reason
 * {@link CloseReason#ERROR}), is counted in {@code rawtcp.handler.errors} and logged; the
 * event loop and every other connection carry on.
 */
@FunctionalInterface
public interface TcpHandler {

	/**
	 * A connection was accepted.
	 * @param connection the new connection
	 * @throws Exception to close the connection
	 */
	default void onOpen(Connection connection) throws Exception {
	}

	/**
	 * Bytes arrived. The buffer is only valid during the call and is reused afterwards:
	 * copy what you keep. {@link Connection#write(ByteBuffer)} copies, so echoing it back
	 * is safe.
	 * @param connection the connection
	 * @param data the bytes read, from position to limit
	 * @throws Exception to close the connection
	 */
	void onData(Connection connection, ByteBuffer data) throws Exception;

	/**
	 * The peer shut down its output (read returned end of stream). The default closes the
	 * connection gracefully once everything written has been flushed, so a client that
	 * half-closes still receives every reply.
	 * @param connection the connection
	 * @throws Exception to close the connection at once
	 */
	default void onInputClosed(Connection connection) throws Exception {
		connection.close();
	}

	/**
	 * The write queue crossed the high water mark ({@code writable == false}) or drained
	 * below the low water mark ({@code writable == true}). While a connection is not
	 * writable the transport stops reading from it (the peer's data waits in the kernel,
	 * and TCP flow control slows the peer down), so a handler that answers what it reads
	 * keeps memory bounded without doing anything; {@code write-buffer.limit} still closes
	 * a connection whose handler writes on without reading.
	 * @param connection the connection
	 * @param writable whether writing is advised again
	 * @throws Exception to close the connection
	 */
	default void onWritabilityChanged(Connection connection, boolean writable) throws Exception {
	}

	/**
	 * The connection is closed; called once, after which it accepts no writes.
	 * @param connection the connection
	 * @param reason why it was closed
	 */
	default void onClose(Connection connection, CloseReason reason) {
	}

}
