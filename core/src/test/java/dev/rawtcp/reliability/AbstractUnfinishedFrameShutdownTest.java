package dev.rawtcp.reliability;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.codec.FrameReader;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LengthFieldDecoder;
import dev.rawtcp.codec.LengthFieldEncoder;
import dev.rawtcp.codec.LineDecoder;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop while 50 clients are each in the middle of a frame (the case a SIGTERM hits):
 * every complete frame is answered, and no client ever gets an answer to a frame it did not
 * finish, in both modes, for lines and for length-field frames.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class AbstractUnfinishedFrameShutdownTest extends ReliabilityTestSupport {

	private static final int CLIENTS = 50;

	private static final int COMPLETE_FRAMES = 3;

	/** The length of each client's last line, of which it sends only a part. */
	private static final int LINE = 251;

	private static final int MAX_FRAME = 64 * 1024;

	enum Framing {

		LINES, LENGTH_FIELD

	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("cases")
	void shouldAnswerEveryCompleteFrameAndNoUnfinishedOneOnAStop(ListenerMode mode, Framing framing) throws Exception {
		Listener listener = bind(mode, framing);
		ListenerStats stats = listener.stats();
		Random random = new Random(mode.ordinal() * 31L + framing.ordinal());
		List<Socket> sockets = new ArrayList<>();
		List<byte[]> expected = new ArrayList<>();
		long sent = 0;
		for (int i = 0; i < CLIENTS; i++) {
			Socket socket = connect(listener);
			sockets.add(socket);
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			ByteArrayOutputStream reply = new ByteArrayOutputStream();
			for (int j = 0; j < COMPLETE_FRAMES; j++) {
				byte[] body = ("client " + i + " frame " + j + " " + "x".repeat(random.nextInt(200)))
					.getBytes(StandardCharsets.US_ASCII);
				request.writeBytes(frame(framing, body));
				reply.writeBytes(frame(framing, answer(framing, body)));
			}
			// the unfinished one: 13 to 237 bytes of a 251-byte line, or of a length-field frame
			int partial = 13 + random.nextInt(225);
			byte[] unfinished = frame(framing, ("DELETE ACCOUNT " + i + " " + "9".repeat(LINE)).substring(0, LINE)
				.getBytes(StandardCharsets.US_ASCII));
			request.write(unfinished, 0, partial);
			socket.getOutputStream().write(request.toByteArray());
			sent += request.size();
			expected.add(reply.toByteArray());
		}
		long total = sent;
		// everything sent is inside the server (the unfinished frames in its decoders) before the stop
		await().atMost(AWAIT).until(() -> stats.bytesReceived() == total);
		// a stop waits for the clients' FINs, so it runs beside them, as a SIGTERM would
		CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> group().shutdownGracefully(Duration.ofSeconds(30)));
		for (int i = 0; i < CLIENTS; i++) {
			byte[] received = readToEnd(sockets.get(i));
			// the server lingers for this side's FIN after its own
			sockets.get(i).close();
			assertThat(new String(received, StandardCharsets.US_ASCII)).as("client %d", i)
				.isEqualTo(new String(expected.get(i), StandardCharsets.US_ASCII));
		}
		stop.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(stats.closed(CloseReason.SHUTDOWN)).isEqualTo(CLIENTS);
		assertThat(stats.handlerErrors()).as("a stop is no handler error").isZero();
	}

	static List<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (ListenerMode mode : new ListenerMode[] { ListenerMode.EVENT_LOOP, ListenerMode.THREAD_PER_CONNECTION }) {
			for (Framing framing : Framing.values()) {
				cases.add(Arguments.of(mode, framing));
			}
		}
		return cases;
	}

	private static byte[] answer(Framing framing, byte[] body) {
		return (framing == Framing.LINES)
				? new String(body, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)
				: body;
	}

	private static byte[] frame(Framing framing, byte[] body) {
		if (framing == Framing.LINES) {
			byte[] line = new byte[body.length + 1];
			System.arraycopy(body, 0, line, 0, body.length);
			line[body.length] = '\n';
			return line;
		}
		return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
	}

	private Listener bind(ListenerMode mode, Framing framing) {
		if (mode == ListenerMode.EVENT_LOOP) {
			TcpHandler handler = (framing == Framing.LINES)
					? new FramedHandler(() -> new LineDecoder(MAX_FRAME), (connection, frame) -> new LineEncoder()
						.write(connection, StandardCharsets.US_ASCII.decode(frame).toString().toUpperCase(Locale.ROOT)))
					: new FramedHandler(() -> new LengthFieldDecoder(4, MAX_FRAME),
							(connection, frame) -> new LengthFieldEncoder(4).write(connection, frame));
			return bind(config("unfinished"), handler);
		}
		TcpStreamHandler handler = (framing == Framing.LINES) ? (stream) -> {
			LineReader in = new LineReader(stream.input(), MAX_FRAME);
			LineEncoder out = new LineEncoder();
			for (String line; (line = in.readLine()) != null;) {
				out.write(stream.output(), line.toUpperCase(Locale.ROOT));
				stream.output().flush();
			}
		} : (stream) -> {
			FrameReader in = new FrameReader(stream.input(), new LengthFieldDecoder(4, MAX_FRAME));
			LengthFieldEncoder out = new LengthFieldEncoder(4);
			for (byte[] frame; (frame = in.readFrame()) != null;) {
				out.write(stream.output(), frame);
				stream.output().flush();
			}
		};
		return bind(config("unfinished"), handler);
	}

}
