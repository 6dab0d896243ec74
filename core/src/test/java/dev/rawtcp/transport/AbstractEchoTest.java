package dev.rawtcp.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event-loop echo over real sockets: payload sizes, many connections, half-close.
 */
public abstract class AbstractEchoTest extends TransportTestSupport {

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 1, 1024, 64 * 1024, 1024 * 1024, 4 * 1024 * 1024 })
	void shouldEchoPayloadByteForByte(int size) throws Exception {
		Listener listener = bind(config("echo"), ECHO);
		byte[] payload = random(size, size);
		Socket socket = connect(listener);
		assertThat(echo(socket, payload)).isEqualTo(payload);
		assertThat(listener.stats().bytesReceived()).isEqualTo(size);
		Awaitility.await().until(() -> listener.stats().bytesSent() == size);
	}

	@Test
	void shouldEchoOn500ConcurrentConnections() throws Exception {
		Listener listener = bind(config("many"), ECHO);
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			sockets.add(connect(listener));
		}
		Awaitility.await().until(() -> listener.activeConnections() == 500);
		for (int i = 0; i < sockets.size(); i++) {
			sockets.get(i).getOutputStream().write(random(1024, i));
		}
		for (int i = 0; i < sockets.size(); i++) {
			assertThat(sockets.get(i).getInputStream().readNBytes(1024)).as("connection %d", i)
				.isEqualTo(random(1024, i));
		}
		assertThat(listener.stats().accepted()).isEqualTo(500);
		assertThat(listener.stats().bytesReceived()).isEqualTo(500 * 1024);
	}

	@Test
	void shouldSendEveryEchoToAHalfClosedClientThenEndTheStream() throws Exception {
		Listener listener = bind(config("half"), ECHO);
		byte[] payload = random(256 * 1024, 7);
		Socket socket = connect(listener);
		socket.getOutputStream().write(payload);
		socket.shutdownOutput();
		byte[] received = socket.getInputStream().readNBytes(payload.length);
		assertThat(received).isEqualTo(payload);
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.NORMAL) == 1);
		assertThat(listener.activeConnections()).isZero();
	}

	/**
	 * A busy loop polls between events instead of waiting (docs/architecture.md); once traffic stops the
	 * spin must die away, so an idle loop (with an idle connection still open) uses no CPU.
	 */
	@Test
	void shouldStopSpinningWhenTrafficStops() throws Exception {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadCpuTimeSupported(), "no thread CPU time here");
		AtomicReference<Thread> loop = new AtomicReference<>();
		TcpHandler echo = (connection, data) -> {
			loop.set(Thread.currentThread());
			connection.write(data);
		};
		Listener listener = bind(config("spin"), echo);
		Socket socket = connect(listener);
		byte[] message = random(64, 64);
		for (int i = 0; i < 5000; i++) {
			// back to back: events a few microseconds apart, which teaches the loop to spin
			socket.getOutputStream().write(message);
			assertThat(socket.getInputStream().readNBytes(message.length)).isEqualTo(message);
		}
		long id = loop.get().getId();
		Thread.sleep(50);
		long before = threads.getThreadCpuTime(id);
		Thread.sleep(500);
		long used = threads.getThreadCpuTime(id) - before;
		assertThat(TimeUnit.NANOSECONDS.toMillis(used)).as("CPU the idle loop used in 500 ms, ms").isLessThan(50);
		assertThat(echo(socket, message)).isEqualTo(message);
	}

}
