package dev.rawtcp.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.transport.EventLoopGroups;
import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;

import static dev.rawtcp.codec.SocketSupport.assertClosedByServer;
import static dev.rawtcp.codec.SocketSupport.config;
import static dev.rawtcp.codec.SocketSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Lines handed over as {@code String}s behind a real listener on loopback: by
 * {@link FramedHandler#lines} in event-loop mode and by {@link LineReader} in
 * thread-per-connection mode.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LineHandlerSocketTest {

	private static final Charset LATIN_1 = StandardCharsets.ISO_8859_1;

	private final EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 1);

	@AfterEach
	void close() {
		this.group.close();
	}

	@Test
	void shouldHandUtf8LinesSplitInsideACharacterAsText() throws Exception {
		LineEncoder out = new LineEncoder();
		Listener listener = this.group.bind(config("upper"), FramedHandler.lines(64,
				(connection, line) -> out.write(connection, line.toUpperCase(Locale.ROOT) + " " + line.length())));
		try (Socket client = connect(listener)) {
			BufferedReader replies = reader(client, StandardCharsets.UTF_8);
			byte[] line = "grüße, 東京\r\n".getBytes(StandardCharsets.UTF_8);
			// cut inside the two-byte 'ü' and inside the three-byte '東'
			int[] cuts = { 3, indexOf(line, (byte) 0xE6) + 1, line.length };
			OutputStream output = client.getOutputStream();
			for (int i = 0, from = 0; i < cuts.length; from = cuts[i++]) {
				output.write(line, from, cuts[i] - from);
				output.flush();
			}
			assertThat(replies.readLine()).isEqualTo("GRÜSSE, 東京 9");
		}
	}

	@Test
	void shouldDecodeLinesInTheChosenCharset() throws Exception {
		LineEncoder out = new LineEncoder(new byte[] { '\n' }, LATIN_1);
		Listener listener = this.group.bind(config("latin"),
				FramedHandler.lines(64, LATIN_1, (connection, line) -> out.write(connection, "[" + line + "]")));
		try (Socket client = connect(listener)) {
			client.getOutputStream().write("café\n".getBytes(LATIN_1));
			assertThat(reader(client, LATIN_1).readLine()).isEqualTo("[café]");
		}
	}

	@Test
	void shouldUseTheDelimiterAndCharsetOfEachConnectionsDecoder() throws Exception {
		LineEncoder out = new LineEncoder(new byte[] { 0 }, LATIN_1);
		Listener listener = this.group.bind(config("nul"),
				FramedHandler.lines(() -> new LineDecoder(64, new byte[] { 0 }, false, LATIN_1),
						(connection, line) -> out.write(connection, line.toUpperCase(Locale.ROOT))));
		try (Socket client = connect(listener)) {
			client.getOutputStream().write("é\r\0zz\0".getBytes(LATIN_1));
			assertThat(new String(client.getInputStream().readNBytes(6), LATIN_1)).isEqualTo("É\r\0ZZ\0");
		}
	}

	@Test
	void shouldRunEveryCallbackAndDeliverTheUnterminatedLastLine() throws Exception {
		List<String> events = new CopyOnWriteArrayList<>();
		LineEncoder out = new LineEncoder();
		Listener listener = this.group.bind(config("callbacks"), FramedHandler.lines(64, new LineHandler() {

			@Override
			public void onOpen(Connection connection) {
				events.add("open");
				out.write(connection, "welcome");
			}

			@Override
			public void onLine(Connection connection, String line) {
				events.add("line " + line);
			}

			@Override
			public void onInputClosed(Connection connection) {
				events.add("input closed");
				out.write(connection, "bye");
				connection.close();
			}

			@Override
			public void onClose(Connection connection, CloseReason reason) {
				events.add("close " + reason);
			}

		}));
		try (Socket client = connect(listener)) {
			BufferedReader replies = reader(client, StandardCharsets.UTF_8);
			assertThat(replies.readLine()).isEqualTo("welcome");
			client.getOutputStream().write("one\ntwo".getBytes(StandardCharsets.UTF_8));
			client.shutdownOutput();
			assertThat(replies.readLine()).isEqualTo("bye");
			assertThat(replies.readLine()).isNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 5);
		assertThat(events).containsExactly("open", "line one", "line two", "input closed", "close NORMAL");
	}

	@Test
	void shouldCloseTheConnectionWithAnOversizeLineAndCountAFrameError() throws Exception {
		List<String> lines = new CopyOnWriteArrayList<>();
		Listener listener = this.group.bind(config("oversize"),
				FramedHandler.lines(8, (connection, line) -> lines.add(line)));
		try (Socket client = connect(listener)) {
			client.getOutputStream().write("12345678\r\n123456789".getBytes(StandardCharsets.UTF_8));
			assertClosedByServer(client);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
		assertThat(listener.stats().frameErrors()).isEqualTo(1);
		assertThat(lines).containsExactly("12345678");
	}

	@Test
	void shouldRefuseANonPositiveMaximumAtOnce() {
		assertThatIllegalArgumentException().isThrownBy(() -> FramedHandler.lines(0, (connection, line) -> {
		})).withMessage("'maxLineLength' must be positive, was 0");
	}

	@Test
	void shouldReadLinesInTheChosenCharsetInThreadPerConnectionMode() throws Exception {
		LineEncoder out = new LineEncoder(new byte[] { '\n' }, LATIN_1);
		Listener listener = this.group.bind(config("stream"), (TcpStreamHandler) (stream) -> {
			LineReader in = new LineReader(stream.input(), 64, LATIN_1);
			for (String line; (line = in.readLine()) != null;) {
				out.write(stream.output(), line.toUpperCase(Locale.ROOT));
				stream.output().flush();
			}
		});
		try (Socket client = connect(listener)) {
			client.getOutputStream().write("àla\r\nfin".getBytes(LATIN_1));
			client.shutdownOutput();
			BufferedReader replies = reader(client, LATIN_1);
			assertThat(replies.readLine()).isEqualTo("ÀLA");
			assertThat(replies.readLine()).isEqualTo("FIN");
			assertThat(replies.readLine()).isNull();
		}
	}

	private static int indexOf(byte[] bytes, byte b) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		throw new IllegalArgumentException("no byte " + b);
	}

	private static BufferedReader reader(Socket socket, Charset charset) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), charset));
	}

}
