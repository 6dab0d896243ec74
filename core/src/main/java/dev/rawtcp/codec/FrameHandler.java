package dev.rawtcp.codec;

import java.nio.ByteBuffer;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;

/**
 * Event-loop handler of whole frames, run by a {@link FramedHandler}: callbacks run on the
 * connection's event-loop thread and must not block.
 */
@FunctionalInterface
public interface FrameHandler {

	/**
	 * A connection was accepted.
	 * @param connection the new connection
	 * @throws Exception to close the connection
	 */
	default void onOpen(Connection connection) throws Exception {
	}

	/**
	 * A whole frame arrived, in big-endian byte order. The buffer is only valid during the
	 * call (copy what you keep) and may be direct; {@link Connection#write(ByteBuffer)}
	 * copies, so echoing it is safe.
	 * @param connection the connection
	 * @param frame the frame, from position to limit
	 * @throws Exception to close the connection
	 */
	void onFrame(Connection connection, ByteBuffer frame) throws Exception;

	/**
	 * The peer shut down its output, after the last frame was delivered. The default closes
	 * the connection gracefully once everything written has been flushed.
	 * @param connection the connection
	 * @throws Exception to close the connection at once
	 */
	default void onInputClosed(Connection connection) throws Exception {
		connection.close();
	}

	/**
	 * The write queue crossed the high or the low water mark.
	 * @param connection the connection
	 * @param writable whether writing is advised again
	 * @throws Exception to close the connection
	 */
	default void onWritabilityChanged(Connection connection, boolean writable) throws Exception {
	}

	/**
	 * The connection is closed; called once.
	 * @param connection the connection
	 * @param reason why it was closed
	 */
	default void onClose(Connection connection, CloseReason reason) {
	}

}
