package dev.rawtcp.reliability;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;

import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.transport.TransportTestSupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the reliability tests add to the transport-neutral support: echo listeners of
 * either mode, resets, a server byte pattern checkable in any prefix, and waits bounded by
 * {@link #AWAIT}.
 */
abstract class ReliabilityTestSupport extends TransportTestSupport {

	/** Longest wait for anything the server should do on its own. */
	static final Duration AWAIT = Duration.ofSeconds(10);

	@BeforeEach
	void transportAvailable() {
		if (transport() == Transport.EPOLL) {
			assumeTrue(Epoll.isAvailable(), "epoll unavailable here");
		}
	}

	Listener bindEcho(ListenerConfig.Builder config, ListenerMode mode) {
		return (mode == ListenerMode.THREAD_PER_CONNECTION) ? bind(config, STREAM_ECHO) : bind(config, ECHO);
	}

	/** Close with a reset: {@code SO_LINGER} 0. */
	static void reset(Socket socket) throws IOException {
		socket.setSoLinger(true, 0);
		socket.close();
	}

	/** Byte {@code i} of the stream test servers write: known to both sides, checkable in any prefix. */
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
		catch (SocketException ex) {
			return false;
		}
	}

}
