package dev.rawtcp.internal;

import java.io.IOException;

import dev.rawtcp.Connection;

/**
 * What a transport offers a thread-per-connection handler: non-blocking reads and writes
 * and a way to park until the event loop reports readiness. Internal.
 */
public interface StreamChannel {

	/** @return the connection */
	Connection connection();

	/**
	 * Borrow a buffer this channel reads into and writes from most cheaply (direct, with its
	 * address, on epoll), from the pool of the connection's group.
	 * @return the buffer, the caller's until {@link #giveBuffer(StreamBuffer) given back}
	 */
	StreamBuffer takeBuffer();

	/**
	 * Give a buffer from {@link #takeBuffer()} back; the caller must not touch it afterwards.
	 * @param buffer the buffer
	 */
	void giveBuffer(StreamBuffer buffer);

	/**
	 * Get ready before the handler runs (over TLS: the handshake). On the handler thread.
	 * @throws IOException if the connection cannot be served; the handler is then not called
	 */
	default void open() throws IOException {
	}

	/**
	 * Read without blocking.
	 * @param dst where to put the bytes: a buffer from {@link #takeBuffer()}, between its
	 * position and limit
	 * @return bytes read, {@code 0} if it would block, {@code -1} at end of stream (also once a graceful stop began)
	 * @throws IOException on a reset or a closed connection
	 */
	int read(StreamBuffer dst) throws IOException;

	/**
	 * Write without blocking.
	 * @param src the bytes: a buffer from {@link #takeBuffer()}, between its position and limit
	 * @return bytes written, {@code 0} if it would block
	 * @throws IOException on a reset or a closed connection
	 */
	int write(StreamBuffer src) throws IOException;

	/**
	 * Park until the event loop reports the socket readable, the connection closes, or the
	 * deadline passes.
	 * @param deadlineNanos a {@link System#nanoTime()} deadline, {@code 0} for none
	 * @return {@code false} if the deadline passed
	 * @throws IOException if interrupted or closed
	 */
	boolean awaitReadable(long deadlineNanos) throws IOException;

	/**
	 * Park until the event loop reports the socket writable or the connection closes.
	 * @throws IOException if interrupted or closed
	 */
	void awaitWritable() throws IOException;

	/**
	 * The handler returned: close gracefully (everything written has been flushed).
	 */
	void handlerFinished();

	/**
	 * The handler threw: count it and close.
	 * @param error what it threw
	 */
	void handlerFailed(Throwable error);

}
