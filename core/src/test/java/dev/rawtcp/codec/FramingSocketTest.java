package dev.rawtcp.codec;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.EventLoopGroups;

import static dev.rawtcp.codec.SocketSupport.assertClosedByServer;
import static dev.rawtcp.codec.SocketSupport.config;
import static dev.rawtcp.codec.SocketSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The codecs behind a real listener on loopback, in both handler styles: an oversize frame
 * closes only its connection and is counted as a frame error.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FramingSocketTest {

	private final EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 1);

	@AfterEach
	void close() {
		this.group.close();
	}

	@Test
	void shouldCloseOnlyTheConnectionWithAnOversizeLine() throws Exception {
		LineEncoder lines = new LineEncoder();
		LineDecoder charset = new LineDecoder(64);
		Listener listener = this.group.bind(config("lines"), new FramedHandler(() -> new LineDecoder(64),
				(connection, frame) -> lines.write(connection, charset.text(frame).toUpperCase(Locale.ROOT))));
		try (Socket good = connect(listener); Socket bad = connect(listener)) {
			BufferedReader replies = new BufferedReader(new InputStreamReader(good.getInputStream(), StandardCharsets.UTF_8));
			send(good, "hello\r\nsplit ");
			assertThat(replies.readLine()).isEqualTo("HELLO");
			send(good, "across writes\nand two\nin one\n");
			assertThat(replies.readLine()).isEqualTo("SPLIT ACROSS WRITES");
			assertThat(replies.readLine()).isEqualTo("AND TWO");
			assertThat(replies.readLine()).isEqualTo("IN ONE");

			// 65 bytes and no newline yet: rejected without waiting for the end of the line
			send(bad, "x".repeat(65));
			assertClosedByServer(bad);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
			assertThat(listener.stats().frameErrors()).isEqualTo(1);

			send(good, "still served\n");
			assertThat(replies.readLine()).isEqualTo("STILL SERVED");
			assertThat(listener.stats().active()).isEqualTo(1);
		}
	}

	@Test
	void shouldRefuseABadDecoderSettingWhenTheHandlerIsMadeRatherThanAtTheFirstConnection() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FramedHandler(() -> new LengthFieldDecoder(4, 0), (connection, frame) -> {
			}))
			.withMessageContaining("'maxFrameLength' must be positive");
	}

	@Test
	void shouldNotDeliverFramesAfterTheHandlerClosedTheConnection() throws Exception {
		List<String> handled = new CopyOnWriteArrayList<>();
		LineDecoder charset = new LineDecoder(64);
		Listener listener = this.group.bind(config("quit"), new FramedHandler(() -> new LineDecoder(64),
				(connection, frame) -> {
					String line = charset.text(frame);
					handled.add(line);
					if (line.equals("quit")) {
						connection.close();
					}
				}));
		try (Socket client = connect(listener)) {
			send(client, "one\nquit\nignored\n");
			assertClosedByServer(client);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().closed(CloseReason.NORMAL) == 1);
			assertThat(handled).containsExactly("one", "quit");
		}
	}

	@Test
	void shouldEchoLengthFieldFramesSplitAcrossWritesFromTheEventLoop() throws Exception {
		// a 2-byte field that counts itself, header kept in the frames handed to the handler
		LengthFieldEncoder encoder = new LengthFieldEncoder(2, -2);
		Listener listener = this.group.bind(config("length"), new FramedHandler(
				() -> new LengthFieldDecoder(2, -2, false, 1000), (connection, frame) -> {
					assertThat(frame.getShort(frame.position()) & 0xFFFF).isEqualTo(frame.remaining());
					encoder.write(connection, frame.position(frame.position() + 2));
				}));
		try (Socket client = connect(listener)) {
			OutputStream out = client.getOutputStream();
			DataInputStream in = new DataInputStream(client.getInputStream());
			byte[] frame = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
			byte[] encoded = new byte[frame.length + 2];
			encoder.write(ByteBufferOutput.wrap(encoded), frame);
			for (int i = 0; i < encoded.length; i += 333) {
				out.write(encoded, i, Math.min(333, encoded.length - i));
				out.flush();
			}
			assertThat(in.readUnsignedShort()).isEqualTo(1002);
			assertThat(in.readNBytes(1000)).isEqualTo(frame);
			out.write(new byte[] { 0x03, (byte) 0xED });
			assertClosedByServer(client);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().frameErrors() == 1);
		}
	}

	@Test
	void shouldCloseOnlyTheConnectionWithAnOversizeFrameInThreadPerConnectionMode() throws Exception {
		LengthFieldEncoder encoder = new LengthFieldEncoder(4);
		Listener listener = this.group.bind(config("stream"), (TcpStreamHandler) (stream) -> {
			FrameReader frames = new FrameReader(stream.input(), new LengthFieldDecoder(4, 100));
			for (byte[] frame; (frame = frames.readFrame()) != null;) {
				encoder.write(stream.output(), new StringBuilder(new String(frame, StandardCharsets.US_ASCII)).reverse()
					.toString()
					.getBytes(StandardCharsets.US_ASCII));
				stream.output().flush();
			}
		});
		try (Socket good = connect(listener); Socket bad = connect(listener)) {
			DataOutputStream goodOut = new DataOutputStream(good.getOutputStream());
			DataInputStream goodIn = new DataInputStream(good.getInputStream());
			goodOut.writeInt(3);
			goodOut.writeBytes("abc");
			assertThat(goodIn.readInt()).isEqualTo(3);
			assertThat(new String(goodIn.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("cba");

			new DataOutputStream(bad.getOutputStream()).writeInt(101);
			assertClosedByServer(bad);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
			assertThat(listener.stats().frameErrors()).isEqualTo(1);

			goodOut.writeInt(2);
			goodOut.writeBytes("xy");
			assertThat(goodIn.readInt()).isEqualTo(2);
			assertThat(new String(goodIn.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("yx");
		}
	}



	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
		socket.getOutputStream().flush();
	}


	/** An output stream writing into an array. */
	private static final class ByteBufferOutput extends OutputStream {

		private final ByteBuffer buffer;

		private ByteBufferOutput(ByteBuffer buffer) {
			this.buffer = buffer;
		}

		static OutputStream wrap(byte[] array) {
			return new ByteBufferOutput(ByteBuffer.wrap(array));
		}

		@Override
		public void write(int b) {
			this.buffer.put((byte) b);
		}

	}

}
