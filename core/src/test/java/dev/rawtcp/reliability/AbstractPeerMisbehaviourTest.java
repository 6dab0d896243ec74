package dev.rawtcp.reliability;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers that break the rules: resets, half-closes, vanishing, trickling, never reading.
 * Each case is counted under the right close reason, and a bystander client is served
 * throughout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AbstractPeerMisbehaviourTest extends ReliabilityTestSupport {

	/** Bytes the blaster handlers send after the command byte. */
	private static final int BLAST = 8 * 1024 * 1024;

	private static final long WRITE_LIMIT = 1024 * 1024;

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseWithResetWhenPeerResetsMidRead(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("reset-read"), mode);
		try (Bystander bystander = Bystander.start(connect(listener))) {
			Socket client = connect(listener);
			byte[] request = new byte[256 * 1024];
			new Random(1).nextBytes(request);
			client.getOutputStream().write(request);
			client.getInputStream().readNBytes(1024);
			reset(client);
			ListenerStats stats = listener.stats();
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.RESET) == 1);
			bystander.assertServed();
			assertThat(stats.closed(CloseReason.ERROR)).isZero();
			assertThat(stats.active()).isEqualTo(1);
			assertThat(group().isAlive()).isTrue();
		}
	}

	@Test
	void shouldCountAPeerResetSeenByAStreamHandlerAsResetAndNotAsAHandlerError() throws Exception {
		Listener listener = bind(config("reset-stream"), STREAM_ECHO);
		Socket client = connect(listener);
		client.getOutputStream().write(new byte[64 * 1024]);
		client.getInputStream().readNBytes(1024);
		reset(client);
		ListenerStats stats = listener.stats();
		await().atMost(AWAIT).until(() -> stats.closed(CloseReason.RESET) == 1);
		assertThat(stats.handlerErrors()).as("handler errors").isZero();
		assertThat(stats.closed(CloseReason.ERROR)).isZero();
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseWithResetWhenPeerResetsMidWrite(ListenerMode mode) throws Exception {
		Listener listener = (mode == ListenerMode.EVENT_LOOP)
				? bind(config("reset-write"), new EchoOr(blaster()))
				: bind(config("reset-write"), streamBlaster());
		try (Bystander bystander = Bystander.start(connect(listener))) {
			Socket client = connect(listener);
			client.getOutputStream().write(Bystander.COMMAND);
			byte[] prefix = client.getInputStream().readNBytes(100 * 1024);
			assertThat(prefix).isEqualTo(pattern(0, prefix.length));
			reset(client);
			ListenerStats stats = listener.stats();
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.RESET) == 1);
			bystander.assertServed();
			assertThat(stats.closed(CloseReason.ERROR)).isZero();
			assertThat(stats.bytesSent()).isLessThan(BLAST);
			assertThat(group().isAlive()).isTrue();
		}
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldEchoEverythingToAPeerThatShutsDownItsOutput(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("half-close"), mode);
		try (Bystander bystander = Bystander.start(connect(listener)); Socket client = connect(listener)) {
			byte[] request = new byte[2 * 1024 * 1024];
			new Random(2).nextBytes(request);
			Thread writer = new Thread(() -> {
				try {
					OutputStream out = client.getOutputStream();
					for (int offset = 0; offset < request.length; offset += 7001) {
						out.write(request, offset, Math.min(7001, request.length - offset));
					}
					client.shutdownOutput();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			writer.start();
			byte[] echo = client.getInputStream().readAllBytes();
			writer.join();
			assertThat(echo).isEqualTo(request);
			ListenerStats stats = listener.stats();
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.NORMAL) == 1);
			bystander.assertServed();
			assertThat(stats.closed(CloseReason.RESET) + stats.closed(CloseReason.ERROR)).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCountPeersThatConnectAndVanish(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("vanish"), mode);
		ListenerStats stats = listener.stats();
		try (Bystander bystander = Bystander.start(connect(listener))) {
			for (int i = 0; i < 20; i++) {
				connect(listener).close();
			}
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.NORMAL) == 20);
			List<Socket> resetting = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				resetting.add(connect(listener));
			}
			for (Socket socket : resetting) {
				reset(socket);
			}
			await().atMost(AWAIT)
				.until(() -> stats.closed(CloseReason.RESET) + stats.acceptErrors("ECONNABORTED") == 20);
			await().atMost(AWAIT).until(() -> stats.active() == 1);
			bystander.assertServed();
			assertThat(stats.closed(CloseReason.NORMAL)).isEqualTo(20);
			assertThat(stats.closed(CloseReason.ERROR)).isZero();
			assertThat(stats.accepted()).isEqualTo(1 + 20 + stats.closed(CloseReason.RESET));
		}
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseOneByteWritersWithTheIdleTimeout(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("slowloris").idleTimeout(Duration.ofMillis(300)), mode);
		try (Bystander bystander = Bystander.start(connect(listener))) {
			List<Socket> trickling = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				Socket socket = connect(listener);
				socket.getOutputStream().write('x');
				assertThat(socket.getInputStream().read()).isEqualTo('x');
				trickling.add(socket);
			}
			// each now pauses far longer than the idle timeout before its next byte
			for (Socket socket : trickling) {
				assertThat(drainToEnd(socket)).as("FIN from the server").isTrue();
				socket.close();
			}
			ListenerStats stats = listener.stats();
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.IDLE) == 3);
			bystander.assertServed();
			assertThat(stats.closed(CloseReason.IDLE)).isEqualTo(3);
			assertThat(stats.active()).isEqualTo(1);
		}
	}

	@Test
	void shouldCloseAPeerThatNeverReadsWhenTheWriteQueueHitsItsLimit() throws Exception {
		AtomicLong maxPending = new AtomicLong();
		AtomicLong attempted = new AtomicLong();
		// a push server: a thread of its own writes 64 KiB a millisecond, ignoring writability on purpose
		TcpHandler push = (connection, data) -> {
			data.position(data.limit());
			if (connection.attribute("pushing") == null) {
				connection.attribute("pushing", Boolean.TRUE);
				Thread producer = new Thread(() -> {
					while (connection.isOpen() && attempted.get() < 64 * WRITE_LIMIT) {
						connection.write(ByteBuffer.wrap(pattern(0, 64 * 1024)));
						attempted.addAndGet(64 * 1024);
						maxPending.accumulateAndGet(connection.pendingWriteBytes(), Math::max);
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
					}
				}, "push-producer");
				producer.setDaemon(true);
				producer.start();
			}
		};
		Listener listener = bind(limitedWriteBuffer(config("never-reads")), new EchoOr(push));
		ListenerStats stats = listener.stats();
		try (Bystander bystander = Bystander.start(connect(listener)); Socket client = connect(listener)) {
			client.getOutputStream().write(Bystander.COMMAND);
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.ERROR) == 1);
			bystander.assertServed();
			assertThat(maxPending.get()).isLessThanOrEqualTo(WRITE_LIMIT);
			assertThat(attempted.get()).isLessThan(64 * WRITE_LIMIT);
			assertThat(stats.bytesSent()).isLessThan(attempted.get());
			assertThat(drainToEnd(client)).as("aborted with a reset").isFalse();
		}
	}

	@Test
	void shouldStopReadingFromAPeerThatDoesNotReadTheRepliesAndKeepTheQueueBounded() throws Exception {
		AtomicLong maxPending = new AtomicLong();
		AtomicLong requests = new AtomicLong();
		// every read is a request for 512 KiB (up to 200: more than any socket buffers take), and the
		// handler ignores writability on purpose
		TcpHandler firehose = (connection, data) -> {
			data.position(data.limit());
			connection.write(ByteBuffer.wrap(pattern(0, 512 * 1024)));
			requests.incrementAndGet();
			maxPending.accumulateAndGet(connection.pendingWriteBytes(), Math::max);
		};
		Listener listener = bind(limitedWriteBuffer(config("pipelining")), new EchoOr(firehose));
		ListenerStats stats = listener.stats();
		try (Bystander bystander = Bystander.start(connect(listener)); Socket client = connect(listener)) {
			OutputStream out = client.getOutputStream();
			out.write(Bystander.COMMAND);
			for (int i = 0; i < 200; i++) {
				out.write('r');
				Thread.sleep(5);
			}
			bystander.assertServed();
			// once the queue passed its high water mark the server stopped reading: the rest waits in the kernel
			assertThat(requests.get()).isLessThan(200);
			assertThat(maxPending.get()).as("queued: past the high water mark, at most one reply more")
				.isGreaterThan(256 * 1024)
				.isLessThanOrEqualTo(256 * 1024 + 512 * 1024);
			assertThat(stats.closed(CloseReason.ERROR)).isZero();
			assertThat(stats.active()).isEqualTo(2);
			// what the Actuator endpoint shows of it: reads paused, replies queued
			await().atMost(AWAIT).untilAsserted(() -> assertThat(listener.connections(10)).anySatisfy((info) -> {
				assertThat(info.readPaused()).isTrue();
				assertThat(info.pendingWriteBytes()).isGreaterThan(128 * 1024);
			}));
			assertThat(listener.connections(10)).anySatisfy((info) -> assertThat(info.readPaused()).isFalse());
		}
	}

	private static ListenerConfig.Builder limitedWriteBuffer(ListenerConfig.Builder config) {
		return config.writeBufferLowWaterMark(128 * 1024).writeBufferHighWaterMark(256 * 1024)
			.writeBufferLimit(WRITE_LIMIT);
	}

	@Test
	void shouldParkAStreamWriterWhosePeerNeverReadsUntilTheIdleTimeout() throws Exception {
		AtomicLong written = new AtomicLong();
		TcpStreamHandler writeForever = (stream) -> {
			OutputStream out = stream.output();
			byte[] chunk = pattern(0, 251 * 64);
			for (;;) {
				out.write(chunk);
				written.addAndGet(chunk.length);
			}
		};
		Listener listener = bind(config("parked").idleTimeout(Duration.ofMillis(300)), writeForever);
		ListenerStats stats = listener.stats();
		try (Socket client = connect(listener)) {
			await().atMost(AWAIT).until(() -> written.get() > 0);
			await().atMost(AWAIT).until(() -> stats.closed(CloseReason.IDLE) == 1);
			// the writer was parked, not spinning: it wrote no more than the socket buffers took
			assertThat(written.get()).isLessThan(64L * 1024 * 1024);
			assertThat(stats.bytesSent()).isLessThanOrEqualTo(written.get() + 251 * 64);
			await().atMost(AWAIT)
				.until(() -> Thread.getAllStackTraces().keySet().stream()
					.noneMatch((thread) -> thread.getName().startsWith("rawtcp-parked-conn-")));
		}
	}

	private static TcpHandler blaster() {
		return (connection, data) -> {
			data.position(data.limit());
			if (connection.attribute("blasted") == null) {
				connection.attribute("blasted", Boolean.TRUE);
				for (int offset = 0; offset < BLAST; offset += 251 * 256) {
					connection.write(ByteBuffer.wrap(pattern(offset, 251 * 256)));
				}
			}
		};
	}

	/** Echo, unless the first byte is the command: then blast. */
	private static TcpStreamHandler streamBlaster() {
		return (stream) -> {
			InputStream in = stream.input();
			OutputStream out = stream.output();
			int first = in.read();
			if (first == Bystander.COMMAND) {
				for (int offset = 0; offset < BLAST; offset += 251 * 256) {
					out.write(pattern(offset, 251 * 256));
				}
				out.flush();
			}
			else if (first != -1) {
				out.write(first);
				out.flush();
				STREAM_ECHO.handle(stream);
			}
		};
	}

	/**
	 * Echo until a read starts with {@link Bystander#COMMAND}, then hand every later read
	 * to another handler.
	 */
	private static final class EchoOr implements TcpHandler {

		private final TcpHandler then;

		EchoOr(TcpHandler then) {
			this.then = then;
		}

		@Override
		public void onData(Connection connection, ByteBuffer data) throws Exception {
			if (connection.attribute("switched") != null) {
				this.then.onData(connection, data);
			}
			else if (data.get(data.position()) == (byte) Bystander.COMMAND) {
				connection.attribute("switched", Boolean.TRUE);
				data.get();
				this.then.onData(connection, data);
			}
			else {
				connection.write(data);
			}
		}

	}

}
