package dev.rawtcp.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every reliability test needs: a group on the transport under test, listeners bound
 * to 127.0.0.1:0, echo handlers for both modes, and plain blocking clients.
 */
abstract class TransportTestSupport {

	/** Longest wait for anything the server should do on its own. */
	static final Duration AWAIT = Duration.ofSeconds(10);

	/** Event-loop echo: every byte read is written back. */
	static final TcpHandler ECHO = (connection, data) -> connection.write(data);

	/** Thread-per-connection echo: every byte read is written back and flushed. */
	static final TcpStreamHandler STREAM_ECHO = (stream) -> {
		InputStream in = stream.input();
		OutputStream out = stream.output();
		byte[] buffer = new byte[8192];
		int n;
		while ((n = in.read(buffer)) != -1) {
			out.write(buffer, 0, n);
			out.flush();
		}
	};

	private @Nullable EventLoopGroup group;

	/**
	 * The transport under test.
	 * @return {@link Transport#EPOLL} or {@link Transport#NIO}
	 */
	abstract Transport transport();

	@BeforeEach
	void transportAvailable() {
		if (transport() == Transport.EPOLL) {
			assumeTrue(Epoll.isAvailable(), "epoll unavailable here");
		}
	}

	@AfterEach
	void closeGroup() {
		if (this.group != null) {
			this.group.close();
			this.group = null;
		}
	}

	EventLoopGroup group() {
		if (this.group == null) {
			this.group = EventLoopGroup.create(transport(), 2);
		}
		return this.group;
	}

	Listener bind(ListenerConfig.Builder config, TcpHandler handler) {
		return group().bind(config.host("127.0.0.1").port(0).build(), handler);
	}

	Listener bind(ListenerConfig.Builder config, TcpStreamHandler handler) {
		return group().bind(config.host("127.0.0.1").port(0).build(), handler);
	}

	Listener bindEcho(ListenerConfig.Builder config, ListenerMode mode) {
		return (mode == ListenerMode.THREAD_PER_CONNECTION) ? bind(config, STREAM_ECHO) : bind(config, ECHO);
	}

	static Socket connect(Listener listener) throws IOException {
		Socket socket = new Socket();
		socket.setSoTimeout((int) AWAIT.toMillis());
		socket.connect(new InetSocketAddress("127.0.0.1", listener.port()), (int) AWAIT.toMillis());
		return socket;
	}

	/** Close with a reset: {@code SO_LINGER} 0. */
	static void reset(Socket socket) throws IOException {
		socket.setSoLinger(true, 0);
		socket.close();
	}

	/** Byte {@code i} of the stream a test server writes: known to both sides, checkable in any prefix. */
	static byte pattern(long i) {
		return (byte) (i % 251);
	}

	static byte[] pattern(long offset, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = pattern(offset + i);
		}
		return bytes;
	}

	/**
	 * Read until end of stream or a reset.
	 * @return whether the stream ended with a FIN (a reset returns {@code false})
	 */
	static boolean drainToEnd(Socket socket) throws IOException {
		byte[] buffer = new byte[65536];
		try {
			while (socket.getInputStream().read(buffer) != -1) {
				// discard
			}
			return true;
		}
		catch (java.net.SocketException ex) {
			return false;
		}
	}

}
