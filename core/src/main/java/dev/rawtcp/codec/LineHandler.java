package dev.rawtcp.codec;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;

/**
 * Event-loop handler of text lines, run by a {@link FramedHandler} made with
 * {@link FramedHandler#lines(int, LineHandler)}: each line arrives as a {@link String} in the
 * decoder's charset, without its delimiter. Callbacks run on the connection's event-loop
 * thread and must not block.
 *
 * <pre>{@code
 * LineEncoder out = new LineEncoder();
 * TcpHandler upper = FramedHandler.lines(64 * 1024,
 *         (connection, line) -> out.write(connection, line.toUpperCase(Locale.ROOT)));
 * }</pre>
 */
@FunctionalInterface
public interface LineHandler {

	/**
	 * A connection was accepted.
	 * @param connection the new connection
	 * @throws Exception to close the connection
	 */
	default void onOpen(Connection connection) throws Exception {
	}

	/**
	 * A whole line arrived. Bytes that are not valid in the charset are replaced (as
	 * {@link String#String(byte[], java.nio.charset.Charset)} does).
	 * @param connection the connection
	 * @param line the line, without its delimiter (and without the stripped {@code \r})
	 * @throws Exception to close the connection
	 */
	void onLine(Connection connection, String line) throws Exception;

	/**
	 * The peer shut down its output, after the last line was delivered (an unterminated last
	 * line included). The default closes the connection gracefully once everything written
	 * has been flushed.
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
