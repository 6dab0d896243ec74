package dev.rawtcp.test;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A small blocking TCP client for tests. Every read waits at most the time-out (10 seconds by
 * default) and fails with an {@link AssertionError} that names the server and shows what was
 * received, instead of hanging the build:
 *
 * <pre>{@code
 * try (TcpTestClient client = TcpTestClient.connect(port)) {
 *     client.sendLine("hello");
 *     assertThat(client.readLine()).isEqualTo("HELLO");
 *     client.shutdownOutput();
 *     client.expectEndOfStream();
 * }
 * }</pre>
 * <p>
 * Reads are buffered: bytes received beyond what one read returns are kept for the next.
 * Failing sends (the server closed the connection) throw {@link UncheckedIOException}. Not
 * thread-safe, except that one thread may send while another reads.
 */
public final class TcpTestClient implements Closeable {

	/** How long connecting and each read wait by default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final Socket socket;

	private final InputStream input;

	private final String peer;

	private final ReceivedBytes received = new ReceivedBytes();

	private final byte[] readBuffer = new byte[8192];

	private Duration timeout = DEFAULT_TIMEOUT;

	private TcpTestClient(Socket socket) throws IOException {
		this.socket = socket;
		this.input = socket.getInputStream();
		this.peer = describe(socket.getRemoteSocketAddress());
	}

	/**
	 * Connect to a port of the loopback address (where a test's listeners bind).
	 * @param port the port, e.g. from {@link LocalRawTcpPort}
	 * @return the connected client
	 * @throws AssertionError if the connection is refused or not made within the default time-out
	 */
	public static TcpTestClient connect(int port) {
		return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), DEFAULT_TIMEOUT);
	}

	/**
	 * Connect to a host and port.
	 * @param host the host name or address
	 * @param port the port
	 * @return the connected client
	 * @throws AssertionError if the connection is refused or not made within the default time-out
	 */
	public static TcpTestClient connect(String host, int port) {
		return connect(new InetSocketAddress(host, port), DEFAULT_TIMEOUT);
	}

	/**
	 * Connect to an address, waiting at most the given time-out, which also becomes the
	 * client's time-out for reads.
	 * @param address the address
	 * @param timeout the time-out
	 * @return the connected client
	 * @throws AssertionError if the connection is refused or not made in time
	 */
	public static TcpTestClient connect(InetSocketAddress address, Duration timeout) {
		checkTimeout(timeout);
		Socket socket = new Socket();
		try {
			socket.connect(address, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
			return new TcpTestClient(socket).timeout(timeout);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new AssertionError("Could not connect to " + describe(address) + " within " + timeout + ": " + ex, ex);
		}
	}

	/**
	 * Set how long each read waits (and each {@code expect...} method).
	 * @param timeout the time-out, positive
	 * @return this client
	 */
	public TcpTestClient timeout(Duration timeout) {
		checkTimeout(timeout);
		this.timeout = timeout;
		return this;
	}

	// Sending

	/**
	 * Send bytes.
	 * @param bytes the bytes
	 * @return this client
	 * @throws UncheckedIOException if the socket fails (e.g. the server reset the connection)
	 */
	public TcpTestClient send(byte[] bytes) {
		try {
			this.socket.getOutputStream().write(bytes);
			this.socket.getOutputStream().flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not send " + bytes.length + " bytes to " + this.peer + ": " + ex, ex);
		}
		return this;
	}

	/**
	 * Send text in UTF-8, as it is (add the delimiter the protocol needs, or use {@link #sendLine}).
	 * @param text the text
	 * @return this client
	 */
	public TcpTestClient send(String text) {
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send a line of UTF-8 text followed by {@code \n}.
	 * @param line the line, without delimiter
	 * @return this client
	 */
	public TcpTestClient sendLine(String line) {
		return send(line + "\n");
	}

	/**
	 * Shut down this side's output (a FIN): the server reads the end of the stream and may
	 * still answer.
	 * @return this client
	 */
	public TcpTestClient shutdownOutput() {
		try {
			this.socket.shutdownOutput();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not shut down the output to " + this.peer + ": " + ex, ex);
		}
		return this;
	}

	// Reading

	/**
	 * Read the next {@code \n}-terminated UTF-8 line.
	 * @return the line without {@code \n} (or {@code \r\n})
	 * @throws AssertionError if no whole line arrives within the time-out, or the connection ends first
	 */
	public String readLine() {
		return readLine(StandardCharsets.UTF_8);
	}

	/**
	 * Read the next {@code \n}-terminated line.
	 * @param charset the charset of the line
	 * @return the line without {@code \n} (or {@code \r\n})
	 * @throws AssertionError if no whole line arrives within the time-out, or the connection ends first
	 */
	public String readLine(Charset charset) {
		long deadline = deadline();
		for (;;) {
			String line = this.received.takeLine(charset);
			if (line != null) {
				return line;
			}
			receive("a line", deadline);
		}
	}

	/**
	 * Read exactly {@code n} bytes.
	 * @param n the number of bytes
	 * @return the bytes
	 * @throws AssertionError if they do not arrive within the time-out, or the connection ends first
	 */
	public byte[] readExactly(int n) {
		if (n < 0) {
			throw new IllegalArgumentException("'n' must not be negative, was " + n);
		}
		long deadline = deadline();
		while (this.received.size() < n) {
			receive(n + " bytes", deadline);
		}
		return this.received.take(n);
	}

	/**
	 * Read exactly as many bytes as the UTF-8 encoding of {@code expected} and check that they
	 * are that text.
	 * @param expected the text
	 * @return this client
	 * @throws AssertionError if other bytes arrive, or too few within the time-out
	 */
	public TcpTestClient expect(String expected) {
		byte[] bytes = expected.getBytes(StandardCharsets.UTF_8);
		byte[] actual = readExactly(bytes.length);
		if (!Arrays.equals(actual, bytes)) {
			throw new AssertionError("Expected " + ReceivedBytes.describe(bytes, 0, bytes.length) + " from "
					+ this.peer + " but received " + ReceivedBytes.describe(actual, 0, actual.length));
		}
		return this;
	}

	/**
	 * Expect the server to close the connection, either way: the end of the stream (FIN) or a
	 * reset (RST).
	 * @throws AssertionError if bytes arrive instead, or the connection is still open after the time-out
	 */
	public void expectClose() {
		awaitEnd(true);
	}

	/**
	 * Expect the server to end the stream cleanly (FIN), after everything it sent was read.
	 * @throws AssertionError if bytes arrive instead, the connection is reset, or it is still
	 * open after the time-out
	 */
	public void expectEndOfStream() {
		awaitEnd(false);
	}

	/**
	 * Bytes received and not returned by a read yet.
	 * @return the count
	 */
	public int bufferedBytes() {
		return this.received.size();
	}

	// The socket

	/**
	 * The socket, for what this class does not cover (its options, its streams: reading them
	 * directly bypasses the bytes this client buffered).
	 * @return the socket
	 */
	public Socket socket() {
		return this.socket;
	}

	/**
	 * Close with a reset (RST) instead of a FIN, as a crashed peer would.
	 */
	public void abort() {
		try {
			this.socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// closed already
		}
		closeQuietly(this.socket);
	}

	/**
	 * Close the socket.
	 */
	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	@Override
	public String toString() {
		return "TcpTestClient to " + this.peer;
	}

	private void awaitEnd(boolean resetAllowed) {
		long deadline = deadline();
		String what = resetAllowed ? "the connection to be closed" : "the end of the stream";
		if (this.received.size() > 0) {
			throw new AssertionError(
					"Expected " + what + " by " + this.peer + " but received " + this.received.describe());
		}
		int n;
		try {
			n = readSome(deadline, what);
		}
		catch (SocketException ex) {
			if (resetAllowed) {
				return;
			}
			throw new AssertionError("Expected the end of the stream from " + this.peer + " but the connection "
					+ "was reset: " + ex.getMessage(), ex);
		}
		if (n >= 0) {
			throw new AssertionError("Expected " + what + " by " + this.peer + " but received "
					+ ReceivedBytes.describe(this.readBuffer, 0, n));
		}
	}

	/** Receive at least one more byte into {@link #received}, or fail. */
	private void receive(String what, long deadline) {
		int n;
		try {
			n = readSome(deadline, what);
		}
		catch (SocketException ex) {
			throw new AssertionError("Expected " + what + " from " + this.peer + " but the connection failed ("
					+ ex.getMessage() + "); received and not read: " + this.received.describe(), ex);
		}
		if (n < 0) {
			throw new AssertionError("Expected " + what + " from " + this.peer + " but it closed the connection;"
					+ " received and not read: " + this.received.describe());
		}
		this.received.append(this.readBuffer, 0, n);
	}

	/**
	 * One read into {@link #readBuffer} before the deadline.
	 * @return the count, or -1 at the end of the stream
	 * @throws SocketException if the connection is reset or closed
	 */
	private int readSome(long deadline, String what) throws SocketException {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			throw timedOut(what);
		}
		try {
			this.socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis())));
			return this.input.read(this.readBuffer);
		}
		catch (SocketTimeoutException ex) {
			throw timedOut(what);
		}
		catch (SocketException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read from " + this.peer + ": " + ex, ex);
		}
	}

	private AssertionError timedOut(String what) {
		return new AssertionError("Expected " + what + " from " + this.peer + " within " + this.timeout
				+ "; received and not read: " + this.received.describe());
	}

	private long deadline() {
		return System.nanoTime() + this.timeout.toNanos();
	}

	private static void checkTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "'timeout' must not be null");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'timeout' must be positive, was " + timeout);
		}
	}

	private static String describe(@Nullable Object address) {
		if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
			String host = inet.getAddress().getHostAddress();
			return ((inet.getAddress() instanceof Inet6Address) ? "[" + host + "]" : host) + ":" + inet.getPort();
		}
		return String.valueOf(address);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

}
