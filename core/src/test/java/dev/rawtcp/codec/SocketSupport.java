package dev.rawtcp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;

import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loopback listeners and clients for the codec socket tests.
 */
final class SocketSupport {

	private SocketSupport() {
	}

	static ListenerConfig config(String name) {
		return ListenerConfig.builder(name).host("127.0.0.1").port(0).build();
	}

	static Socket connect(Listener listener) throws IOException {
		Socket socket = new Socket("127.0.0.1", listener.port());
		socket.setSoTimeout(10_000);
		return socket;
	}

	/**
	 * The server closed the connection: end of stream, or a reset if it discarded unread
	 * bytes. Then close this side too, which ends the server's lingering close at once.
	 */
	static void assertClosedByServer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			assertThat(in.read()).isEqualTo(-1);
		}
		catch (SocketException ex) {
			assertThat(ex.getMessage()).containsIgnoringCase("reset");
		}
		socket.close();
	}

}
