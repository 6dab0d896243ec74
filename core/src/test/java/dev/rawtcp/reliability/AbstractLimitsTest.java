package dev.rawtcp.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configured limits are enforced: {@code max-connections}, {@code idle-timeout},
 * {@code write-buffer.limit}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AbstractLimitsTest extends ReliabilityTestSupport {

	private static final long WRITE_LIMIT = 1024 * 1024;

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldAcceptAndCloseAtOnceTheConnectionOverMaxConnections(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("max").maxConnections(3), mode);
		ListenerStats stats = listener.stats();
		List<Socket> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				Socket client = connect(listener);
				assertEchoes(client, i);
				clients.add(client);
			}
			assertClosedAtOnce(listener);
			await().atMost(AWAIT).until(() -> stats.rejected() == 1);
			assertThat(stats.accepted()).isEqualTo(3);
			for (int i = 0; i < clients.size(); i++) {
				assertEchoes(clients.get(i), 10 + i);
			}
			clients.remove(0).close();
			await().atMost(AWAIT).until(() -> stats.active() == 2);
			Socket fifth = connect(listener);
			clients.add(fifth);
			assertEchoes(fifth, 20);
			assertThat(stats.accepted()).isEqualTo(4);
			assertThat(stats.rejected()).isEqualTo(1);
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseSilentConnectionsAfterTheIdleTimeoutAndKeepBusyOnes(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("idle").idleTimeout(Duration.ofMillis(300)), mode);
		ListenerStats stats = listener.stats();
		try (Socket silent = connect(listener); Socket busy = connect(listener)) {
			await().atMost(AWAIT).until(() -> stats.accepted() == 2);
			CompletableFuture<Boolean> silentEnded = CompletableFuture.supplyAsync(() -> {
				try (silent) {
					return drainToEnd(silent);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			// the busy one talks every 50 ms, for at least 4 idle timeouts and until the silent one is closed
			long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
			long deadline = System.nanoTime() + AWAIT.toNanos();
			int rounds = 0;
			while ((System.nanoTime() < busyUntil || stats.closed(CloseReason.IDLE) == 0) && System.nanoTime() < deadline) {
				assertEchoes(busy, rounds++);
				Thread.sleep(50);
			}
			assertThat(silentEnded.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS)).as("FIN to the silent one").isTrue();
			assertEchoes(busy, rounds);
			assertThat(stats.closed(CloseReason.IDLE)).isEqualTo(1);
			assertThat(stats.active()).isEqualTo(1);
		}
	}

	@Test
	void shouldQueueUpToTheWriteBufferLimitAndDeliverEveryByte() throws Exception {
		Listener listener = bind(limited("under-limit"), writeOnFirstRead(WRITE_LIMIT, new AtomicLong()));
		ListenerStats stats = listener.stats();
		try (Socket client = connect(listener)) {
			client.getOutputStream().write('w');
			// let the queue fill while nobody reads
			await().atMost(AWAIT).until(() -> stats.bytesSent() > 0);
			Thread.sleep(200);
			byte[] received = client.getInputStream().readNBytes((int) WRITE_LIMIT);
			assertThat(received).isEqualTo(pattern(0, received.length));
			assertThat(stats.closed(CloseReason.ERROR)).isZero();
			assertThat(stats.active()).isEqualTo(1);
		}
	}

	@Test
	void shouldCloseWithErrorWhenTheWriteQueueWouldExceedItsLimit() throws Exception {
		AtomicLong maxPending = new AtomicLong();
		Listener listener = bind(limited("over-limit"), writeOnFirstRead(64 * WRITE_LIMIT, maxPending));
		ListenerStats stats = listener.stats();
		try (Socket client = connect(listener)) {
			client.getOutputStream().write('w');
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.ERROR) == 1);
			byte[] buffer = new byte[65536];
			long offset = 0;
			try {
				int n;
				while ((n = client.getInputStream().read(buffer)) != -1) {
					for (int i = 0; i < n; i++) {
						assertThat(buffer[i]).as("byte %d", offset + i).isEqualTo(pattern(offset + i));
					}
					offset += n;
				}
			}
			catch (SocketException ex) {
				// the server aborted: a reset, after what the kernel had already taken
			}
			assertThat(offset).isLessThanOrEqualTo(stats.bytesSent());
			assertThat(maxPending.get()).isLessThanOrEqualTo(WRITE_LIMIT);
			assertThat(stats.bytesSent()).isLessThan(64 * WRITE_LIMIT);
			assertThat(stats.active()).isZero();
		}
	}

	private static ListenerConfig.Builder limited(String name) {
		return config(name)
			.writeBufferLowWaterMark(64 * 1024)
			.writeBufferHighWaterMark(128 * 1024)
			.writeBufferLimit(WRITE_LIMIT);
	}

	/** On the first read, write {@code total} pattern bytes at once, ignoring writability. */
	private static TcpHandler writeOnFirstRead(long total, AtomicLong maxPending) {
		return (connection, data) -> {
			data.position(data.limit());
			if (connection.attribute("written") != null) {
				return;
			}
			connection.attribute("written", Boolean.TRUE);
			int chunk = 251 * 256;
			for (long offset = 0; offset < total && connection.isOpen(); offset += chunk) {
				connection.write(ByteBuffer.wrap(pattern(offset, (int) Math.min(chunk, total - offset))));
				maxPending.accumulateAndGet(connection.pendingWriteBytes(), Math::max);
			}
		};
	}

	/** The kernel completes the handshake; the server then closes the socket unread (a reset). */
	private void assertClosedAtOnce(Listener listener) throws IOException {
		try (Socket socket = connect(listener)) {
			socket.getOutputStream().write('?');
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		catch (SocketException ex) {
			// the reset came first: as good
		}
	}

	private static void assertEchoes(Socket client, int round) throws Exception {
		byte[] message = ("round " + round + " from " + client.getLocalPort()).getBytes();
		OutputStream out = client.getOutputStream();
		out.write(message);
		assertThat(client.getInputStream().readNBytes(message.length)).isEqualTo(message);
	}

}
