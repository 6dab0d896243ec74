package dev.rawtcp.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.codec.FrameDecoder;
import dev.rawtcp.codec.FrameReader;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LengthFieldDecoder;
import dev.rawtcp.codec.LengthFieldEncoder;
import dev.rawtcp.codec.LineDecoder;
import dev.rawtcp.codec.LineEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configured limits are enforced: {@code max-connections}, {@code idle-timeout},
 * {@code write-buffer.limit}, and the codecs' maximum frame size.
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

	@ParameterizedTest
	@MethodSource("codecsAndModes")
	void shouldCloseOnlyTheConnectionThatSendsAFrameOverTheMaximum(Codec codec, ListenerMode mode) throws Exception {
		Listener listener = bindFramedEcho(config("framed"), codec, mode);
		ListenerStats stats = listener.stats();
		try (Bystander bystander = Bystander.start(connect(listener), codec::message)) {
			Socket attacker = connect(listener);
			CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
				try {
					attacker.getOutputStream().write(codec.oversize());
				}
				catch (IOException ex) {
					// reset once the server gave up lingering: as good
				}
			});
			drainToEnd(attacker);
			writing.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
			attacker.close();
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.ERROR) == 1);
			bystander.assertServed();
			assertThat(stats.frameErrors()).isEqualTo(1);
			assertThat(stats.handlerErrors()).isEqualTo(1);
			assertThat(stats.active()).isEqualTo(1);
		}
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldResetAPeerThatKeepsSendingAfterTheServerClosed(ListenerMode mode) throws Exception {
		Codec codec = Codec.LINE;
		Listener listener = bindFramedEcho(config("lingering"), codec, mode);
		ListenerStats stats = listener.stats();
		try (Bystander bystander = Bystander.start(connect(listener), codec::message)) {
			Socket attacker = connect(listener);
			// what the bystander's round trips cost the server, to tell the attack's cost from theirs
			// (after 50 rounds of warm-up, so that the compiler's first work is not counted as theirs)
			long warmUp = bystander.rounds();
			await().atMost(AWAIT).until(() -> bystander.rounds() >= warmUp + 50);
			long baseCpu = serverCpuNanos();
			long baseRounds = bystander.rounds();
			await().atMost(AWAIT).until(() -> bystander.rounds() >= baseRounds + 150);
			double cpuPerRound = (serverCpuNanos() - baseCpu) / (double) (bystander.rounds() - baseRounds);
			long roundsBefore = bystander.rounds();
			long cpuBefore = serverCpuNanos();
			// one line without its end, far over the maximum, pushed as fast as the server takes it
			long most = 256L * 1024 * 1024;
			AtomicLong written = new AtomicLong();
			CompletableFuture<IOException> writing = CompletableFuture.supplyAsync(() -> {
				byte[] chunk = new byte[64 * 1024];
				Arrays.fill(chunk, (byte) 'x');
				try {
					OutputStream out = attacker.getOutputStream();
					while (written.get() < most) {
						out.write(chunk);
						written.addAndGet(chunk.length);
					}
					return null;
				}
				catch (IOException ex) {
					return ex;
				}
			});
			IOException failure = writing.get(AWAIT.toMillis() * 3, TimeUnit.MILLISECONDS);
			assertThat(failure).as("the writer is reset after %d bytes", written.get()).isNotNull();
			// the server discards at most 64 KiB per 100 ms after it closed, and resets at the linger deadline:
			// the rest is what the socket buffers held
			assertThat(written.get()).isLessThan(most / 4);
			long cpu = serverCpuNanos() - cpuBefore;
			long rounds = bystander.rounds() - roundsBefore;
			System.out.printf("LINGER %s %s: peer reset after %d bytes written, server CPU %.3f s, of which %.3f s "
					+ "for %d bystander round trips, %.3f s for the attack%n", transport().tagValue(), mode.value(),
					written.get(), cpu / 1e9, rounds * cpuPerRound / 1e9, rounds, (cpu - rounds * cpuPerRound) / 1e9);
			await().atMost(AWAIT).until(() -> stats.lingerResets() == 1);
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.ERROR) == 1);
			assertThat(stats.frameErrors()).isEqualTo(1);
			bystander.assertServed();
			assertThat(stats.active()).isEqualTo(1);
		}
	}

	/** A framed echo of a codec, as a {@link FramedHandler} or a {@link FrameReader} loop by mode. */
	private Listener bindFramedEcho(ListenerConfig.Builder config, Codec codec, ListenerMode mode) {
		if (mode == ListenerMode.EVENT_LOOP) {
			return bind(config, new FramedHandler(codec::decoder, codec::echo));
		}
		return bind(config, (TcpStreamHandler) (stream) -> {
			FrameReader frames = new FrameReader(stream.input(), codec.decoder());
			for (byte[] frame; (frame = frames.readFrame()) != null;) {
				codec.echo(stream.output(), frame);
				stream.output().flush();
			}
		});
	}

	/** CPU time of the server's threads (loops, pollers, handler threads) so far. */
	private static long serverCpuNanos() {
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		long total = 0;
		for (Thread thread : rawtcpThreadsAlive()) {
			long cpu = threads.getThreadCpuTime(thread.getId());
			total += Math.max(0, cpu);
		}
		return total;
	}

	private static List<Thread> rawtcpThreadsAlive() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("rawtcp-"))
			.toList();
	}

	static Stream<Arguments> codecsAndModes() {
		return Stream.of(Codec.values())
			.flatMap((codec) -> Stream.of(ListenerMode.EVENT_LOOP, ListenerMode.THREAD_PER_CONNECTION)
				.map((mode) -> Arguments.of(codec, mode)));
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

	/**
	 * A codec under test, with a maximum frame of {@link #MAX_FRAME} bytes: how to frame a
	 * message, echo a frame, and overstep the maximum.
	 */
	enum Codec {

		LINE {

			@Override
			FrameDecoder decoder() {
				return new LineDecoder(MAX_FRAME);
			}

			@Override
			byte[] message(Random random) {
				byte[] message = new byte[2 + random.nextInt(MAX_FRAME / 2)];
				for (int i = 0; i < message.length - 1; i++) {
					message[i] = (byte) ('a' + random.nextInt(26));
				}
				message[message.length - 1] = '\n';
				return message;
			}

			@Override
			byte[] oversize() {
				byte[] line = new byte[1024 * 1024];
				Arrays.fill(line, (byte) 'x');
				return line;
			}

			@Override
			void echo(Connection connection, ByteBuffer frame) {
				new LineEncoder().write(connection, frame);
			}

			@Override
			void echo(OutputStream output, byte[] frame) throws IOException {
				new LineEncoder().write(output, frame);
			}

		},

		LENGTH_FIELD {

			@Override
			FrameDecoder decoder() {
				return new LengthFieldDecoder(4, MAX_FRAME);
			}

			@Override
			byte[] message(Random random) {
				byte[] payload = new byte[random.nextInt(MAX_FRAME)];
				random.nextBytes(payload);
				return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
			}

			@Override
			byte[] oversize() {
				return ByteBuffer.allocate(4 + 64 * 1024).putInt(1_000_000).array();
			}

			@Override
			void echo(Connection connection, ByteBuffer frame) {
				new LengthFieldEncoder(4).write(connection, frame);
			}

			@Override
			void echo(OutputStream output, byte[] frame) throws IOException {
				new LengthFieldEncoder(4).write(output, frame);
			}

		};

		static final int MAX_FRAME = 1024;

		abstract FrameDecoder decoder();

		/** @return a message within the maximum, as sent on the wire (and echoed unchanged) */
		abstract byte[] message(Random random);

		/** @return bytes starting a frame over the maximum */
		abstract byte[] oversize();

		abstract void echo(Connection connection, ByteBuffer frame);

		abstract void echo(OutputStream output, byte[] frame) throws IOException;

	}

}
