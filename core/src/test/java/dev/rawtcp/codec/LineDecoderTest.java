package dev.rawtcp.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.rawtcp.codec.CodecTestSupport.Outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Line framing: round trips across arbitrary read boundaries, CRLF, the maximum line length.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LineDecoderTest {

	private final List<String> lines = new ArrayList<>();

	private final FrameSink<RuntimeException> sink = (frame) -> this.lines
		.add(StandardCharsets.ISO_8859_1.decode(frame).toString());

	static Stream<Arguments> seedsAndDelimiters() {
		List<Arguments> arguments = new ArrayList<>();
		for (long seed : CodecTestSupport.SEEDS) {
			for (String delimiter : new String[] { "\n", "\r\n", "aab", "||" }) {
				arguments.add(Arguments.of(seed, delimiter));
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "seed {0}, delimiter {1}")
	@MethodSource("seedsAndDelimiters")
	void shouldSplitAndJoinLinesAcrossRandomReadBoundaries(long seed, String delimiterText) throws Exception {
		SplittableRandom random = new SplittableRandom(seed);
		byte[] delimiter = delimiterText.getBytes(StandardCharsets.ISO_8859_1);
		boolean strip = random.nextBoolean();
		LineEncoder encoder = new LineEncoder(delimiter, StandardCharsets.ISO_8859_1);
		// the delimiter's bytes may appear in lines as long as the delimiter itself cannot
		byte[] alphabet = { 'x', 'y', 'a', '|', '\r', (byte) 0xE9, 0 };
		int max = 1 + random.nextInt(300);
		for (int round = 0; round < 20; round++) {
			List<byte[]> expected = new ArrayList<>();
			ByteArrayOutputStream stream = new ByteArrayOutputStream();
			for (int i = random.nextInt(40); i > 0; i--) {
				byte[] line = CodecTestSupport.randomBytes(random, random.nextInt(max + 1), alphabet);
				if (contains(line, delimiter) || endsWithPrefixOf(line, delimiter)
						|| (strip && line.length > 0 && line[line.length - 1] == '\r')) {
					continue;
				}
				expected.add(line);
				encoder.write(stream, line);
			}
			byte[] bytes = stream.toByteArray();
			Outcome decoded = CodecTestSupport.decode(new LineDecoder(max, delimiter, strip, StandardCharsets.UTF_8),
					CodecTestSupport.split(bytes, random, 1 + random.nextInt(2 * max)), random.nextBoolean());
			assertThat(decoded.failure()).as("seed %d", seed).isNull();
			assertThat(decoded.frames()).as("seed %d", seed).containsExactlyElementsOf(expected);
			Outcome read = CodecTestSupport.read(new LineDecoder(max, delimiter, strip, StandardCharsets.UTF_8), bytes,
					random);
			assertThat(read.frames()).as("seed %d", seed).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void shouldStripCarriageReturnBeforeNewlineByDefault() throws Exception {
		decodeByteByByte(new LineDecoder(16), "one\r\ntwo\n\r\nthree\r\r\n");
		assertThat(this.lines).containsExactly("one", "two", "", "three\r");
	}

	@Test
	void shouldKeepCarriageReturnWhenNotStripping() throws Exception {
		LineDecoder decoder = new LineDecoder(16, new byte[] { '\n' }, false, StandardCharsets.UTF_8);
		decoder.decode(ascii("one\r\ntwo\n"), this.sink);
		assertThat(this.lines).containsExactly("one\r", "two");
	}

	@Test
	void shouldAcceptCrlfLineOfExactlyTheMaximum() throws Exception {
		decodeByteByByte(new LineDecoder(4), "abcd\r\nabcd\n");
		assertThat(this.lines).containsExactly("abcd", "abcd");
	}

	@Test
	void shouldRejectOversizeLineAsSoonAsItsBytesExceedTheMaximum() throws Exception {
		LineDecoder decoder = new LineDecoder(4);
		decodeByteByByte(decoder, "ok\nabcd");
		assertThatExceptionOfType(FrameTooLongException.class).isThrownBy(() -> decoder.decode(ascii("e"), this.sink))
			.withMessage("frame of at least 5 bytes exceeds the maximum of 4")
			.satisfies((ex) -> assertThat(ex.maxFrameLength()).isEqualTo(4));
		assertThat(this.lines).containsExactly("ok");
		assertThat(decoder.buffered()).isZero();
	}

	@Test
	void shouldRejectOversizeLineWhenByteAfterCarriageReturnIsNotTheDelimiter() throws Exception {
		LineDecoder decoder = new LineDecoder(4);
		decodeByteByByte(decoder, "abcd\r");
		assertThatExceptionOfType(FrameTooLongException.class).isThrownBy(() -> decoder.decode(ascii("x"), this.sink))
			.withMessage("frame of at least 6 bytes exceeds the maximum of 4");
	}

	@Test
	void shouldRejectOversizeLineInsideOneLargeChunkBeforeItsEnd() {
		LineDecoder decoder = new LineDecoder(8);
		ByteBuffer chunk = ascii("short\n" + "x".repeat(1000) + "\n");
		assertThatExceptionOfType(FrameTooLongException.class).isThrownBy(() -> decoder.decode(chunk, this.sink))
			.withMessage("frame of at least 9 bytes exceeds the maximum of 8");
		assertThat(this.lines).containsExactly("short");
		assertThat(decoder.capacity()).isZero();
	}

	@Test
	void shouldNotCountPartialMultiByteDelimiterAsPartOfTheLine() throws Exception {
		LineDecoder decoder = new LineDecoder(3, "<END>".getBytes(StandardCharsets.US_ASCII), false,
				StandardCharsets.US_ASCII);
		decodeByteByByte(decoder, "abc<EN");
		assertThat(decoder.buffered()).isEqualTo(6);
		decodeByteByByte(decoder, "D><<END>");
		assertThat(this.lines).containsExactly("abc", "<");
		assertThatExceptionOfType(FrameTooLongException.class)
			.isThrownBy(() -> decodeByteByByte(decoder, "abc<ENx"))
			.withMessage("frame of at least 7 bytes exceeds the maximum of 3");
	}

	@Test
	void shouldFindDelimiterThatOverlapsItsOwnPrefix() throws Exception {
		LineDecoder decoder = new LineDecoder(16, "aab".getBytes(StandardCharsets.US_ASCII), false,
				StandardCharsets.US_ASCII);
		decodeByteByByte(decoder, "xaaab" + "aaaab" + "ab" + "aab");
		assertThat(this.lines).containsExactly("xa", "aa", "ab");
	}

	@Test
	void shouldEmitUnterminatedLastLineAtEndOfInput() throws Exception {
		LineDecoder decoder = new LineDecoder(4);
		decoder.decode(ascii("one\ntwo\r"), this.sink);
		decoder.endOfInput(this.sink);
		decoder.endOfInput(this.sink);
		assertThat(this.lines).containsExactly("one", "two");
	}

	@Test
	void shouldRejectUnterminatedLastLineOverTheMaximum() throws Exception {
		LineDecoder decoder = new LineDecoder(3, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false,
				StandardCharsets.US_ASCII);
		decoder.decode(ascii("abc\r\n\r"), this.sink);
		assertThatExceptionOfType(FrameTooLongException.class).isThrownBy(() -> decoder.endOfInput(this.sink))
			.withMessage("frame of 6 bytes exceeds the maximum of 3");
	}

	@Test
	void shouldReuseItsBufferAcrossSplitLines() throws Exception {
		LineDecoder decoder = new LineDecoder(1000);
		int capacity = 0;
		for (int i = 0; i < 100; i++) {
			decoder.decode(ascii("y".repeat(500)), this.sink);
			decoder.decode(ascii("z".repeat(400) + "\n"), this.sink);
			if (i == 0) {
				capacity = decoder.capacity();
			}
		}
		assertThat(decoder.capacity()).isEqualTo(capacity).isBetween(900, decoder.bufferLimit());
		assertThat(this.lines).hasSize(100).allSatisfy((line) -> assertThat(line).hasSize(900));
	}

	@Test
	void shouldDecodeTextInItsCharset() throws Exception {
		LineDecoder decoder = new LineDecoder(16);
		List<String> text = new ArrayList<>();
		decoder.decode(ByteBuffer.wrap("héllo\n".getBytes(StandardCharsets.UTF_8)),
				(frame) -> text.add(decoder.text(frame)));
		assertThat(text).containsExactly("héllo");
	}

	private void decodeByteByByte(LineDecoder decoder, String text) throws CodecException {
		for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
			decoder.decode(ByteBuffer.wrap(new byte[] { b }), this.sink);
		}
	}

	private static ByteBuffer ascii(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	private static boolean contains(byte[] line, byte[] delimiter) {
		outer: for (int i = 0; i + delimiter.length <= line.length; i++) {
			for (int j = 0; j < delimiter.length; j++) {
				if (line[i + j] != delimiter[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/** Whether the line ends with a proper prefix of the delimiter (which could complete it early). */
	private static boolean endsWithPrefixOf(byte[] line, byte[] delimiter) {
		for (int k = 1; k < delimiter.length && k <= line.length; k++) {
			boolean match = true;
			for (int j = 0; j < k; j++) {
				match &= line[line.length - k + j] == delimiter[j];
			}
			if (match) {
				return true;
			}
		}
		return false;
	}

}
