package dev.rawtcp.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The blocking readers of thread-per-connection handlers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameReaderTest {

	@Test
	void shouldReadLinesThenNullAtEndOfStream() throws IOException {
		LineReader reader = new LineReader(stream("one\ntwo\r\n\nlast"), 16);
		assertThat(reader.readLine()).isEqualTo("one");
		assertThat(reader.readLine()).isEqualTo("two");
		assertThat(reader.readLine()).isEmpty();
		assertThat(reader.readLine()).isEqualTo("last");
		assertThat(reader.readLine()).isNull();
		assertThat(reader.readLine()).isNull();
	}

	@Test
	void shouldReturnLinesBeforeAnOversizeLineThenThrowEveryTime() throws IOException {
		LineReader reader = new LineReader(stream("ok\nfine\n" + "x".repeat(100) + "\nnever\n"), 10);
		assertThat(reader.readLine()).isEqualTo("ok");
		assertThat(reader.readLine()).isEqualTo("fine");
		FrameTooLongException ex = catchFrameTooLong(reader::readLine);
		assertThat(ex).hasMessage("frame of at least 11 bytes exceeds the maximum of 10");
		assertThat(catchFrameTooLong(reader::readLine)).isSameAs(ex);
	}

	@Test
	void shouldRejectOversizeLineWithoutReadingItsEnd() {
		LineDecoder decoder = new LineDecoder(1000);
		// 1001 bytes of a line in small reads, then a stream that must not be read
		LineReader reader = new LineReader(new SequenceInputStream(new TrickleInputStream("y".repeat(1001), 7),
				new FailingInputStream()), decoder);
		assertThat(catchFrameTooLong(reader::readLine)).hasMessage("frame of at least 1001 bytes exceeds the maximum of 1000");
		assertThat(decoder.capacity()).isLessThanOrEqualTo(decoder.bufferLimit());
	}

	@Test
	void shouldRejectOversizeLengthFieldFrameWithoutReadingItsBody() {
		InputStream input = new SequenceInputStream(new ByteArrayInputStream(new byte[] { 0, 16, 0, 0 }),
				new FailingInputStream());
		FrameReader reader = new FrameReader(input, new LengthFieldDecoder(4, (1 << 20) - 1));
		assertThat(catchFrameTooLong(reader::readFrame)).hasMessage("frame of 1048576 bytes exceeds the maximum of 1048575");
	}

	@Test
	void shouldRejectStreamEndingInsideALengthFieldFrame() throws IOException {
		FrameReader reader = new FrameReader(new ByteArrayInputStream(new byte[] { 1, 'a', 3, 'b' }),
				new LengthFieldDecoder(1, 10));
		assertThat(reader.readFrame()).containsExactly('a');
		assertThatExceptionOfType(CorruptFrameException.class).isThrownBy(reader::readFrame)
			.withMessage("end of stream inside a frame: 2 bytes received of 4 bytes");
	}

	@Test
	void shouldKeepPartialFrameAcrossAReadTimeout() throws IOException {
		Deque<Object> reads = new ArrayDeque<>(Arrays.asList("hel", new SocketTimeoutException("Read timed out"),
				"lo\nworld\n"));
		InputStream input = new InputStream() {
			@Override
			public int read() {
				throw new UnsupportedOperationException();
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				Object next = reads.poll();
				if (next == null) {
					return -1;
				}
				if (next instanceof IOException ex) {
					throw ex;
				}
				byte[] bytes = ((String) next).getBytes(StandardCharsets.US_ASCII);
				System.arraycopy(bytes, 0, b, off, bytes.length);
				return bytes.length;
			}
		};
		LineReader reader = new LineReader(input, 16);
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(reader::readLine);
		assertThat(reader.readLine()).isEqualTo("hello");
		assertThat(reader.readLine()).isEqualTo("world");
		assertThat(reader.readLine()).isNull();
	}

	private static InputStream stream(String text) {
		return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
	}

	private static FrameTooLongException catchFrameTooLong(IoCall call) {
		try {
			call.run();
		}
		catch (FrameTooLongException ex) {
			return ex;
		}
		catch (IOException ex) {
			throw new AssertionError("Expected FrameTooLongException", ex);
		}
		throw new AssertionError("Expected FrameTooLongException");
	}

	@FunctionalInterface
	interface IoCall {

		Object run() throws IOException;

	}

	/** Serves text a few bytes per read. */
	static final class TrickleInputStream extends ByteArrayInputStream {

		private final int perRead;

		TrickleInputStream(String text, int perRead) {
			super(text.getBytes(StandardCharsets.US_ASCII));
			this.perRead = perRead;
		}

		@Override
		public synchronized int read(byte[] b, int off, int len) {
			return super.read(b, off, Math.min(len, this.perRead));
		}

	}

	/** A stream the reader must not reach. */
	static final class FailingInputStream extends InputStream {

		@Override
		public int read() throws IOException {
			throw new IOException("read past the point where the frame was known to be too long");
		}

	}

}
