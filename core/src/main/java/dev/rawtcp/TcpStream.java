package dev.rawtcp;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The blocking view of a connection given to a {@link TcpStreamHandler}.
 */
public interface TcpStream extends Closeable {

	/**
	 * The connection: addresses, attributes, {@code tcpInfo()}, socket options.
	 * @return the connection
	 */
	Connection connection();

	/**
	 * Bytes from the peer. {@code read} blocks (parks) until data, end of stream, or the
	 * read timeout, which raises {@link java.net.SocketTimeoutException}. Buffered: reading
	 * a byte at a time costs no syscall per byte.
	 * @return the input stream
	 */
	InputStream input();

	/**
	 * Bytes to the peer. {@code write} blocks (parks) while the socket's send buffer is
	 * full. Buffered: call {@code flush()} to send.
	 * @return the output stream
	 */
	OutputStream output();

	/**
	 * Set how long a {@code read} may wait; zero (the default) waits for ever.
	 * @param timeout the timeout
	 */
	void setReadTimeout(Duration timeout);

	/**
	 * Flush the output and close the connection gracefully.
	 */
	@Override
	void close();

}
