package dev.rawtcp.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LengthFieldDecoder;
import dev.rawtcp.codec.LengthFieldEncoder;
import dev.rawtcp.codec.LineDecoder;
import dev.rawtcp.codec.LineEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same handler, fed the same bytes, through an {@link EmbeddedConnection} and through a
 * real listener on loopback: the peer receives the same bytes and the connection closes for
 * the same reason.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedConnectionSocketComparisonTests {

	private final LoopbackListeners listeners = new LoopbackListeners();

	@AfterEach
	void close() {
		this.listeners.close();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void shouldBehaveAsOverARealSocket(Scenario scenario) throws IOException {
		EmbeddedConnection embedded = (scenario.handler() instanceof TcpHandler handler)
				? EmbeddedConnection.open(handler) : EmbeddedConnection.openStream((TcpStreamHandler) scenario.handler());
		for (byte[] chunk : scenario.chunks()) {
			embedded.writeInbound(chunk);
		}
		if (scenario.halfClose()) {
			embedded.shutdownInput();
		}
		CloseReason embeddedReason = embedded.awaitClose();
		byte[] embeddedOutput = embedded.readOutbound();

		Listener listener = (scenario.handler() instanceof TcpHandler handler)
				? this.listeners.bind("compare", handler)
				: this.listeners.bind("compare", (TcpStreamHandler) scenario.handler());
		byte[] realOutput;
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			for (byte[] chunk : scenario.chunks()) {
				out.write(chunk);
				out.flush();
			}
			if (scenario.halfClose()) {
				socket.shutdownOutput();
			}
			realOutput = readUntilClosed(socket.getInputStream());
		}
		CloseReason realReason = LoopbackListeners.awaitOnlyCloseReason(listener);

		assertThat(embeddedOutput).as("bytes the peer received").isEqualTo(realOutput);
		assertThat(embeddedReason).as("close reason").isEqualTo(realReason).isEqualTo(scenario.reason());
	}

	static Stream<Scenario> scenarios() {
		byte[] random = new byte[32 * 1024];
		new Random(11).nextBytes(random);
		return Stream.of(
				new Scenario("lines split anywhere, unterminated last line at the end of input", () -> upperCaseLines(16),
						List.of(bytes("hel"), bytes("lo\r\nwor"), bytes("ld\nlast")), true, CloseReason.NORMAL),
				new Scenario("a line over the maximum", () -> upperCaseLines(16),
						List.of(bytes("ok\n" + "x".repeat(40) + "\nnever\n")), false, CloseReason.ERROR),
				new Scenario("a handler exception drops the frames after it", () -> new FramedHandler(
						() -> new LineDecoder(16), (connection, frame) -> {
							String line = StandardCharsets.UTF_8.decode(frame).toString();
							if (line.equals("boom")) {
								throw new IllegalStateException("boom");
							}
							new LineEncoder().write(connection, line);
						}), List.of(bytes("a\nboom\nb\n")), false, CloseReason.ERROR),
				new Scenario("length-field frames, a partial one at the end of input", () -> lengthFieldEcho(100),
						List.of(new byte[] { 0, 3, 'a', 'b' }, new byte[] { 'c', 0, 1 }, new byte[] { 'd', 0 }), true,
						CloseReason.ERROR),
				new Scenario("a length field over the maximum", () -> lengthFieldEcho(4),
						List.of(new byte[] { 0, 1, 'a', 0, 5, 'b' }), false, CloseReason.ERROR),
				new Scenario("raw echo of 32 KiB, then a half-close", () -> (TcpHandler) (c, data) -> c.write(data),
						List.of(random), true, CloseReason.NORMAL),
				new Scenario("a stream handler answering lines", EmbeddedConnectionTests::upperCaseStream,
						List.of(bytes("one\ntw"), bytes("o\nthree")), true, CloseReason.NORMAL),
				new Scenario("a stream handler failing on a long line", EmbeddedConnectionTests::upperCaseStream,
						List.of(bytes("fine\n" + "y".repeat(100) + "\n")), false, CloseReason.ERROR));
	}

	private static FramedHandler upperCaseLines(int max) {
		return EmbeddedConnectionTests.upperCaseLines(max);
	}

	private static FramedHandler lengthFieldEcho(int max) {
		LengthFieldEncoder encoder = new LengthFieldEncoder(2);
		return new FramedHandler(() -> new LengthFieldDecoder(2, max), encoder::write);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] readUntilClosed(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) >= 0;) {
				received.write(buffer, 0, n);
			}
		}
		catch (SocketException ex) {
			// a reset ends the stream too; the close reason tells them apart
		}
		return received.toByteArray();
	}

	/**
	 * A handler and what the peer sends.
	 * @param name what the scenario shows
	 * @param handlers a new handler ({@link TcpHandler} or {@link TcpStreamHandler}) per call
	 * @param chunks the bytes, in writes
	 * @param halfClose whether the peer then shuts its output down
	 * @param reason the expected close reason
	 */
	record Scenario(String name, Supplier<Object> handlers, List<byte[]> chunks, boolean halfClose,
			CloseReason reason) {

		Object handler() {
			return this.handlers.get();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
