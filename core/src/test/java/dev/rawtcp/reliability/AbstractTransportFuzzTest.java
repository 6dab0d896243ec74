package dev.rawtcp.reliability;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many clients push random bytes through echo in random chunk sizes with random pauses,
 * then half-close; each gets back exactly what it sent. The seed is in every failure
 * message.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AbstractTransportFuzzTest extends ReliabilityTestSupport {

	private static final int CLIENTS = 48;

	private static final long BYTES_PER_CLIENT = 512 * 1024;

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldEchoRandomChunksWithRandomPausesByteForByte(ListenerMode mode) throws Exception {
		long seed = System.nanoTime();
		Listener listener = bindEcho(config("fuzz"), mode);
		ListenerStats stats = listener.stats();
		try (StreamingClients clients = new StreamingClients(listener, CLIENTS, seed, 16 * 1024, 3, BYTES_PER_CLIENT)) {
			clients.start();
			assertThat(clients.await(AWAIT.toMillis() * 3)).as("seed %d: every client done", seed).isTrue();
			assertThat(clients.failure()).as("seed %d", seed).isNull();
			for (StreamingClients.Client client : clients.clients()) {
				assertThat(client.sent.length()).isEqualTo(BYTES_PER_CLIENT);
				assertThat(client.received.length()).as("seed %d, client %d", seed, client.localPort)
					.isEqualTo(client.sent.length());
				assertThat(Arrays.equals(client.received.array(), 0, client.received.length(), client.sent.array(), 0,
						client.sent.length()))
					.as("seed %d, client %d: echo equals what was sent", seed, client.localPort)
					.isTrue();
			}
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.NORMAL) == CLIENTS);
			assertThat(stats.bytesReceived()).isEqualTo(CLIENTS * BYTES_PER_CLIENT).isEqualTo(stats.bytesSent());
		}
	}

}
