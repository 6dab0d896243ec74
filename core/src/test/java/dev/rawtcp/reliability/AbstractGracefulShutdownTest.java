package dev.rawtcp.reliability;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code shutdownGracefully} while 200 clients stream through echo: every byte the server
 * read is echoed before its FIN, nothing more, and no thread is left behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AbstractGracefulShutdownTest extends ReliabilityTestSupport {

	private static final int CLIENTS = 200;

	private static final Duration GRACE = Duration.ofSeconds(5);

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldEchoEveryByteReadAndEndEveryClientWithinTheGracePeriod(ListenerMode mode) throws Exception {
		// per client port: bytes the server read from it and bytes the kernel took for it, once closed
		Map<Integer, long[]> serverCounts = new ConcurrentHashMap<>();
		Listener listener = (mode == ListenerMode.EVENT_LOOP) ? bind(config("load"), countingEcho(serverCounts))
				: bind(config("load"), countingStreamEcho(serverCounts));
		ListenerStats stats = listener.stats();
		try (StreamingClients load = new StreamingClients(listener, CLIENTS, 8, 1024, 10, 4L * 1024 * 1024)) {
			load.start();
			// every connection accepted and streaming: one still in the kernel's accept queue when the
			// listening socket closes is reset, never served (as documented)
			await().atMost(AWAIT).until(() -> load.clientsServed() == CLIENTS);
			long echoed = stats.bytesSent();
			await().atMost(AWAIT).until(() -> stats.bytesSent() > echoed + CLIENTS * 16 * 1024L);
			long start = System.nanoTime();
			group().shutdownGracefully(GRACE);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(load.await(AWAIT.toMillis())).as("every client read its end of stream").isTrue();
			assertThat(load.failure()).isNull();
			assertThat(took).isLessThan(GRACE.plusSeconds(2));
			assertThat(serverCounts).hasSize(CLIENTS);
			long total = 0;
			for (StreamingClients.Client client : load.clients()) {
				assertThat(client.eof).isTrue();
				assertThat(client.receivedIsPrefixOfSent()).as("client %d got a prefix of what it sent", client.localPort)
					.isTrue();
				long[] counts = serverCounts.get(client.localPort);
				assertThat(counts).as("server side of client %d", client.localPort).isNotNull();
				assertThat(client.received.length()).as("client %d", client.localPort)
					.isEqualTo(counts[0])
					.isEqualTo(counts[1]);
				total += client.received.length();
			}
			assertThat(total).isPositive().isEqualTo(stats.bytesReceived()).isEqualTo(stats.bytesSent());
			System.out.printf("SHUTDOWN %s %s: %d clients, %d bytes echoed, shutdownGracefully(%s) took %d ms%n",
					transport().tagValue(), mode.value(), CLIENTS, total, GRACE, took.toMillis());
			assertThat(stats.closed(CloseReason.SHUTDOWN)).isEqualTo(CLIENTS);
			assertThat(stats.active()).isZero();
			await().atMost(AWAIT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
				.filteredOn((thread) -> thread.isAlive() && thread.getName().startsWith("rawtcp-"))
				.isEmpty());
		}
	}

	private static TcpHandler countingEcho(Map<Integer, long[]> serverCounts) {
		return new TcpHandler() {

			@Override
			public void onData(Connection connection, ByteBuffer data) {
				connection.write(data);
			}

			@Override
			public void onClose(Connection connection, CloseReason reason) {
				serverCounts.put(connection.remoteAddress().getPort(),
						new long[] { connection.bytesReceived(), connection.bytesSent() });
			}

		};
	}

	private static TcpStreamHandler countingStreamEcho(Map<Integer, long[]> serverCounts) {
		return (stream) -> {
			Connection connection = stream.connection();
			try {
				STREAM_ECHO.handle(stream);
			}
			finally {
				serverCounts.put(connection.remoteAddress().getPort(),
						new long[] { connection.bytesReceived(), connection.bytesSent() });
			}
		};
	}

}
