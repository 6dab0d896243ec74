package dev.rawtcp.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.codec.FrameReader;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LengthFieldDecoder;
import dev.rawtcp.codec.LengthFieldEncoder;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code frame-timeout}: peers that trickle a frame a byte at a time are closed at the frame
 * deadline (reason {@code frame-timeout}, logged once), whatever the mode and framing, while
 * a bystander sending whole frames on the same listener keeps being served.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class AbstractFrameTimeoutTest extends ReliabilityTestSupport {

	/** The 1,000 clients at one byte per second, scaled to hold on a loaded 2-core machine. */
	private static final int SLOW_CLIENTS = 200;

	private static final long BYTE_INTERVAL_MILLIS = 100;

	private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(1);

	/** Longest wait for every slow client to be closed: many frame timeouts. */
	private static final Duration SLOW_AWAIT = Duration.ofSeconds(60);

	static Stream<Arguments> modesAndFramings() {
		return Stream.of(ListenerMode.EVENT_LOOP, ListenerMode.THREAD_PER_CONNECTION)
			.flatMap((mode) -> Stream.of(Arguments.of(mode, Framing.LINES), Arguments.of(mode, Framing.LENGTH_FIELD)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("modesAndFramings")
	void shouldCloseTricklingPeersAtTheFrameDeadlineAndKeepServingABystander(ListenerMode mode, Framing framing)
			throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger("dev.rawtcp");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			Listener listener = bindFramedEcho(config("slow").frameTimeout(FRAME_TIMEOUT), mode, framing);
			ListenerStats stats = listener.stats();
			try (Bystander bystander = Bystander.start(connect(listener), framing.messages)) {
				List<Socket> slow = new ArrayList<>();
				for (int i = 0; i < SLOW_CLIENTS; i++) {
					slow.add(connect(listener));
				}
				trickle(slow, framing, stats);
				await().atMost(SLOW_AWAIT).until(() -> stats.closed(CloseReason.FRAME_TIMEOUT) == SLOW_CLIENTS);
				bystander.assertServed();
				for (Socket client : slow) {
					assertThat(readsNothingBeforeTheEnd(client)).as("a reply to an unfinished frame").isTrue();
				}
				assertThat(stats.closed(CloseReason.FRAME_TIMEOUT)).isEqualTo(SLOW_CLIENTS);
				assertThat(stats.closed(CloseReason.ERROR)).isZero();
				assertThat(stats.handlerErrors()).isZero();
				assertThat(stats.active()).isEqualTo(1);
			}
			assertThat(appender.list).filteredOn((event) -> event.getFormattedMessage().contains("frame-timeout"))
				.singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("'slow'"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldTimeEachFrameFromItsOwnFirstByteWhenFramesArriveBackToBack(ListenerMode mode) throws Exception {
		Listener listener = bindFramedEcho(config("pipelined").frameTimeout(FRAME_TIMEOUT), mode, Framing.LINES);
		ListenerStats stats = listener.stats();
		try (Socket client = connect(listener)) {
			OutputStream out = client.getOutputStream();
			InputStream in = client.getInputStream();
			// each write ends one line and starts the next: the decoder always holds a partial frame,
			// for 2.5 frame timeouts, and each frame takes about 20 ms
			out.write('0');
			long until = System.nanoTime() + FRAME_TIMEOUT.toNanos() * 5 / 2;
			int lines = 0;
			for (int i = 1; i < 1000 && System.nanoTime() < until; i++) {
				Thread.sleep(20);
				out.write(("\n" + i).getBytes(StandardCharsets.US_ASCII));
				lines++;
			}
			out.write('\n');
			lines++;
			for (int i = 0; i < lines; i++) {
				assertThat(readLine(in)).isEqualTo(Integer.toString(i));
			}
			assertThat(stats.closed(CloseReason.FRAME_TIMEOUT)).isZero();
			assertThat(stats.active()).isEqualTo(1);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b; (b = in.read()) != '\n';) {
			assertThat(b).as("end of stream inside a line").isNotNegative();
			line.append((char) b);
		}
		return line.toString();
	}

	/**
	 * Send each client one byte of an unfinished frame every {@link #BYTE_INTERVAL_MILLIS}
	 * until the server has closed them all (or the bounded wait is over): every byte is
	 * traffic, so only the frame deadline can close them.
	 */
	private void trickle(List<Socket> clients, Framing framing, ListenerStats stats) throws InterruptedException {
		Thread trickler = new Thread(() -> {
			boolean[] gone = new boolean[clients.size()];
			int sent = 0;
			long end = System.nanoTime() + SLOW_AWAIT.toNanos();
			while (stats.closed(CloseReason.FRAME_TIMEOUT) < clients.size() && System.nanoTime() < end) {
				for (int i = 0; i < clients.size(); i++) {
					if (!gone[i]) {
						try {
							clients.get(i).getOutputStream().write(framing.trickled(sent));
						}
						catch (IOException ex) {
							gone[i] = true;
						}
					}
				}
				sent++;
				try {
					Thread.sleep(BYTE_INTERVAL_MILLIS);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "trickler");
		trickler.setDaemon(true);
		trickler.start();
		await().atMost(SLOW_AWAIT).until(() -> !trickler.isAlive() || stats.closed(CloseReason.FRAME_TIMEOUT) > 0);
	}

	/** Whether the client got no byte before the end of its stream (a FIN or a reset). */
	private static boolean readsNothingBeforeTheEnd(Socket client) throws IOException {
		InputStream in = client.getInputStream();
		try {
			return in.read() == -1;
		}
		catch (SocketTimeoutException ex) {
			throw ex;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	private Listener bindFramedEcho(ListenerConfig.Builder config, ListenerMode mode, Framing framing) {
		if (mode == ListenerMode.EVENT_LOOP) {
			return bind(config, framing.handler());
		}
		return bind(config, framing.streamHandler());
	}

	/** How the test frames its messages: newline-terminated lines or a 4-byte length field. */
	enum Framing {

		LINES((random) -> {
			byte[] line = new byte[1 + random.nextInt(200)];
			for (int i = 0; i < line.length - 1; i++) {
				line[i] = (byte) ('a' + random.nextInt(26));
			}
			line[line.length - 1] = '\n';
			return line;
		}),

		LENGTH_FIELD((random) -> {
			int length = 1 + random.nextInt(200);
			ByteBuffer frame = ByteBuffer.allocate(4 + length).putInt(length);
			for (int i = 0; i < length; i++) {
				frame.put((byte) random.nextInt(256));
			}
			return frame.array();
		});

		/** A length field announcing a frame far longer than the test sends. */
		private static final byte[] LONG_FRAME_HEADER = { 0, 0, 0x10, 0 };

		final Function<Random, byte[]> messages;

		Framing(Function<Random, byte[]> messages) {
			this.messages = messages;
		}

		/** Byte {@code i} of a frame that never ends: 'x's, after a length field. */
		int trickled(int i) {
			return (this == LENGTH_FIELD && i < LONG_FRAME_HEADER.length) ? LONG_FRAME_HEADER[i] : 'x';
		}

		FramedHandler handler() {
			if (this == LINES) {
				LineEncoder lines = new LineEncoder();
				return FramedHandler.lines(1024, (connection, line) -> lines.write(connection, line));
			}
			LengthFieldEncoder frames = new LengthFieldEncoder(4);
			return new FramedHandler(() -> new LengthFieldDecoder(4, 64 * 1024),
					(connection, frame) -> frames.write(connection, frame));
		}

		TcpStreamHandler streamHandler() {
			if (this == LINES) {
				return (stream) -> {
					LineReader in = new LineReader(stream.input(), 1024);
					LineEncoder out = new LineEncoder();
					OutputStream output = stream.output();
					for (String line; (line = in.readLine()) != null;) {
						out.write(output, line);
						output.flush();
					}
				};
			}
			return (stream) -> {
				FrameReader in = new FrameReader(stream.input(), new LengthFieldDecoder(4, 64 * 1024));
				LengthFieldEncoder out = new LengthFieldEncoder(4);
				OutputStream output = stream.output();
				for (byte[] frame; (frame = in.readFrame()) != null;) {
					out.write(output, frame);
					output.flush();
				}
			};
		}

	}

}
