package dev.rawtcp.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocking loopback clients for the tests that run whole applications.
 */
public final class LoopbackClients {

	private LoopbackClients() {
	}

	/**
	 * Connect to a port of 127.0.0.1, with a read time-out of 10 s.
	 * @param port the port
	 * @return the socket
	 * @throws IOException if the connection fails
	 */
	public static Socket connect(int port) throws IOException {
		Socket socket = new Socket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/**
	 * Send UTF-8 text.
	 * @param socket the socket
	 * @param text the text
	 * @throws IOException if the write fails
	 */
	public static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
		socket.getOutputStream().flush();
	}

	/**
	 * A reader of the UTF-8 lines the server sends.
	 * @param socket the socket
	 * @return the reader
	 * @throws IOException if the socket is closed
	 */
	public static BufferedReader lines(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
	}

	/**
	 * Assert that the server closed the connection: end of stream, or a reset if it
	 * discarded unread bytes.
	 * @param socket the socket
	 * @throws IOException if reading fails otherwise
	 */
	public static void assertClosedByServer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			assertThat(in.read()).isEqualTo(-1);
		}
		catch (SocketException ex) {
			assertThat(ex.getMessage()).containsIgnoringCase("reset");
		}
	}

}
