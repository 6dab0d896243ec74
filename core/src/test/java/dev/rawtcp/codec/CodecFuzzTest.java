package dev.rawtcp.codec;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.codec.CodecTestSupport.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random byte streams in random chunks fed to every decoder and reader (issue 8, item 6): the
 * only exceptions are the documented frame errors, what a decoder holds stays within its
 * bound, and the frames are those of a simple reference splitter. The seed is random per run
 * and printed; rerun one with {@code -Drawtcp.fuzz.seed=<seed>}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CodecFuzzTest {

	private static final long SEED = Long.getLong("rawtcp.fuzz.seed", new SplittableRandom().nextLong());

	private static final int ITERATIONS = Integer.getInteger("rawtcp.fuzz.iterations", 3000);

	@BeforeAll
	static void printSeed() {
		System.out.println("CodecFuzzTest seed " + SEED + " (rerun with -Drawtcp.fuzz.seed=" + SEED + ")");
	}

	@Test
	void shouldDecodeRandomStreamsIntoLinesWithNoErrorButFrameErrors() {
		byte[][] delimiters = { { '\n' }, { '\r', '\n' }, { 'a', 'a', 'b' }, { 0 }, { '\n', '\n' } };
		for (int i = 0; i < ITERATIONS; i++) {
			SplittableRandom random = new SplittableRandom(SEED + i);
			int max = random.nextInt(10) == 0 ? 1 + random.nextInt(3000) : 1 + random.nextInt(40);
			byte[] delimiter = delimiters[random.nextInt(delimiters.length)];
			boolean strip = random.nextBoolean();
			byte[] stream = randomStream(random, 1 + random.nextInt(4 * max + 40), new byte[] { 'a', 'b', '\r', '\n', 0 });
			String description = "seed " + SEED + ", iteration " + i + ", max " + max + ", delimiter "
					+ Arrays.toString(delimiter) + ", strip " + strip;
			check(description, () -> new LineDecoder(max, delimiter, strip, StandardCharsets.UTF_8), stream, random,
					referenceLines(stream, delimiter, strip, max), max);
		}
	}

	@Test
	void shouldDecodeRandomStreamsIntoLengthFieldFramesWithNoErrorButFrameErrors() {
		int[] widths = { 1, 2, 4, 8 };
		for (int i = 0; i < ITERATIONS; i++) {
			SplittableRandom random = new SplittableRandom(SEED + i);
			int width = widths[random.nextInt(widths.length)];
			int adjustment = random.nextBoolean() ? -width : random.nextInt(-3, 4);
			boolean strip = random.nextBoolean();
			int max = 1 + random.nextInt(300);
			byte[] stream = lengthFieldStream(random, width, adjustment, max);
			String description = "seed " + SEED + ", iteration " + i + ", width " + width + ", adjustment "
					+ adjustment + ", strip " + strip + ", max " + max;
			check(description, () -> new LengthFieldDecoder(width, adjustment, strip, max), stream, random,
					referenceLengthFields(stream, width, adjustment, strip, max), max + (strip ? 0 : width));
		}
	}

	private static void check(String description, java.util.function.Supplier<FrameDecoder> decoders, byte[] stream,
			SplittableRandom random, Reference expected, int longestFrame) {
		try {
			Outcome decoded = CodecTestSupport.decode(decoders.get(),
					CodecTestSupport.split(stream, random, 1 + random.nextInt(stream.length)), random.nextBoolean());
			Outcome read = CodecTestSupport.read(decoders.get(), stream, random);
			for (Outcome outcome : List.of(decoded, read)) {
				assertThat(outcome.frames()).containsExactlyElementsOf(expected.frames());
				assertThat(outcome.frames()).allSatisfy((frame) -> assertThat(frame.length).isLessThanOrEqualTo(longestFrame));
				assertThat((outcome.failure() != null) ? outcome.failure().getClass() : null).isEqualTo(expected.failure());
			}
		}
		catch (Throwable ex) {
			throw new AssertionError(description + ": " + ex.getMessage(), ex);
		}
	}

	/** Mostly bytes of a small alphabet (delimiters, CR), sometimes any byte. */
	private static byte[] randomStream(SplittableRandom random, int length, byte[] alphabet) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (random.nextInt(4) == 0) ? (byte) random.nextInt() : alphabet[random.nextInt(alphabet.length)];
		}
		return bytes;
	}

	/** Frames with plausible, borderline or garbage length fields, bodies of about the right length. */
	private static byte[] lengthFieldStream(SplittableRandom random, int width, int adjustment, int max) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int segments = random.nextInt(12); segments >= 0; segments--) {
			long field = switch (random.nextInt(5)) {
				case 0 -> random.nextLong();
				case 1 -> max - adjustment + random.nextInt(-1, 2);
				default -> random.nextInt(max + 1) - adjustment;
			};
			for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) {
				out.write((int) (field >>> shift));
			}
			int body = (int) Math.max(0, Math.min(max + 2, field + adjustment));
			if (random.nextInt(10) == 0) {
				body = random.nextInt(body + 2);
			}
			for (int k = 0; k < body; k++) {
				out.write(random.nextInt());
			}
		}
		return out.toByteArray();
	}

	static Reference referenceLines(byte[] stream, byte[] delimiter, boolean strip, int max) {
		List<byte[]> frames = new ArrayList<>();
		for (int start = 0; start < stream.length;) {
			int found = indexOf(stream, delimiter, start);
			int end = (found < 0) ? stream.length : found;
			if (strip && end > start && stream[end - 1] == '\r') {
				end--;
			}
			if (end - start > max) {
				return new Reference(frames, FrameTooLongException.class);
			}
			frames.add(Arrays.copyOfRange(stream, start, end));
			if (found < 0) {
				break;
			}
			start = found + delimiter.length;
		}
		return new Reference(frames, null);
	}

	static Reference referenceLengthFields(byte[] stream, int width, int adjustment, boolean strip, int max) {
		List<byte[]> frames = new ArrayList<>();
		for (int start = 0; start < stream.length;) {
			if (stream.length - start < width) {
				return new Reference(frames, CorruptFrameException.class);
			}
			BigInteger field = new BigInteger(1, Arrays.copyOfRange(stream, start, start + width));
			BigInteger length = field.add(BigInteger.valueOf(adjustment));
			if (field.bitLength() > 63 || length.signum() < 0) {
				return new Reference(frames, CorruptFrameException.class);
			}
			if (length.compareTo(BigInteger.valueOf(max)) > 0) {
				return new Reference(frames, FrameTooLongException.class);
			}
			int end = start + width + length.intValueExact();
			if (end > stream.length) {
				return new Reference(frames, CorruptFrameException.class);
			}
			frames.add(Arrays.copyOfRange(stream, strip ? start + width : start, end));
			start = end;
		}
		return new Reference(frames, null);
	}

	private static int indexOf(byte[] stream, byte[] pattern, int from) {
		outer: for (int i = from; i + pattern.length <= stream.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (stream[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/** What the reference splitter makes of a stream: frames, then the class of the error that ends it. */
	record Reference(List<byte[]> frames, @Nullable Class<? extends CodecException> failure) {
	}

}
