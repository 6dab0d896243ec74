package dev.rawtcp;

/**
 * Thread-per-connection style handler: {@link #handle(TcpStream)} runs on a thread of its
 * own (a virtual thread on JDK 21+, a platform thread otherwise) and may block on the
 * streams. The socket itself stays non-blocking: a read that would block parks the thread
 * until the event loop sees the socket readable, the way Go parks a goroutine.
 * <p>
 * When {@code handle} returns, the output is flushed and the connection closed gracefully.
 * An exception closes the connection (reason {@link CloseReason#ERROR}), is counted and
 * logged.
 */
@FunctionalInterface
public interface TcpStreamHandler {

	/**
	 * Serve one connection.
	 * @param stream the connection's streams and information
	 * @throws Exception to close the connection
	 */
	void handle(TcpStream stream) throws Exception;

}
