package dev.rawtcp.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rawtcp.codec.CodecTestSupport.Outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Length-field framing: every field width and adjustment across arbitrary read boundaries,
 * the maximum frame length, malformed lengths.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LengthFieldDecoderTest {

	private final List<byte[]> frames = new ArrayList<>();

	private final FrameSink<RuntimeException> sink = (frame) -> {
		byte[] bytes = new byte[frame.remaining()];
		frame.get(bytes);
		this.frames.add(bytes);
	};

	static Stream<Arguments> seedsWidthsAndAdjustments() {
		List<Arguments> arguments = new ArrayList<>();
		for (long seed : CodecTestSupport.SEEDS) {
			for (int width : new int[] { 1, 2, 4, 8 }) {
				// none, a field that counts itself, a field that leaves out a 2-byte trailer
				for (int adjustment : new int[] { 0, -width, 2 }) {
					arguments.add(Arguments.of(seed, width, adjustment));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "seed {0}, {1}-byte field, adjustment {2}")
	@MethodSource("seedsWidthsAndAdjustments")
	void shouldSplitAndJoinFramesAcrossRandomReadBoundaries(long seed, int width, int adjustment) throws Exception {
		SplittableRandom random = new SplittableRandom(seed);
		LengthFieldEncoder encoder = new LengthFieldEncoder(width, adjustment);
		int max = 1 + random.nextInt(600);
		// frame lengths the field can carry: field value = length - adjustment in [0, 2^(8 * width) - 1]
		int shortest = Math.max(0, adjustment);
		int longest = (width == 1) ? Math.min(max, 255 + adjustment) : max;
		for (int round = 0; round < 10; round++) {
			boolean strip = random.nextBoolean();
			List<byte[]> expected = new ArrayList<>();
			ByteArrayOutputStream stream = new ByteArrayOutputStream();
			for (int i = random.nextInt(30); i > 0; i--) {
				byte[] frame = new byte[shortest + random.nextInt(longest - shortest + 1)];
				random.nextBytes(frame);
				int start = stream.size();
				encoder.write(stream, frame);
				byte[] all = stream.toByteArray();
				expected.add(strip ? frame : Arrays.copyOfRange(all, start, all.length));
			}
			byte[] bytes = stream.toByteArray();
			Outcome decoded = CodecTestSupport.decode(new LengthFieldDecoder(width, adjustment, strip, max),
					CodecTestSupport.split(bytes, random, 1 + random.nextInt(2 * max)), random.nextBoolean());
			assertThat(decoded.failure()).as("seed %d", seed).isNull();
			assertThat(decoded.frames()).as("seed %d", seed).containsExactlyElementsOf(expected);
			Outcome read = CodecTestSupport.read(new LengthFieldDecoder(width, adjustment, strip, max), bytes, random);
			assertThat(read.frames()).as("seed %d", seed).containsExactlyElementsOf(expected);
		}
	}

	@ParameterizedTest(name = "{0}-byte field")
	@ValueSource(ints = { 1, 2, 4, 8 })
	void shouldRejectOversizeFrameAsSoonAsTheLengthFieldIsRead(int width) throws Exception {
		int max = 200;
		LengthFieldDecoder decoder = new LengthFieldDecoder(width, max);
		byte[] header = new byte[width];
		header[width - 1] = (byte) 201;
		for (int i = 0; i < width - 1; i++) {
			decoder.decode(ByteBuffer.wrap(header, i, 1), this.sink);
			assertThat(decoder.buffered()).isEqualTo(i + 1);
		}
		assertThatExceptionOfType(FrameTooLongException.class)
			.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(header, width - 1, 1), this.sink))
			.withMessage("frame of 201 bytes exceeds the maximum of 200")
			.satisfies((ex) -> assertThat(ex.frameLength()).isEqualTo(201));
		assertThat(decoder.capacity()).isZero();
	}

	@Test
	void shouldAcceptFrameOfExactlyTheMaximumAndEmptyFrames() throws Exception {
		LengthFieldDecoder decoder = new LengthFieldDecoder(2, 300);
		decoder.decode(ByteBuffer.wrap(new byte[] { 0, 0, 1, 44 }), this.sink);
		decoder.decode(ByteBuffer.allocate(300), this.sink);
		decoder.decode(ByteBuffer.wrap(new byte[] { 0, 0 }), this.sink);
		assertThat(this.frames).extracting((frame) -> frame.length).containsExactly(0, 300, 0);
	}

	@Test
	void shouldApplyTheLengthAdjustmentBeforeTheMaximum() throws Exception {
		// the field counts itself: 4 + 10 bytes
		LengthFieldDecoder decoder = new LengthFieldDecoder(4, -4, false, 10);
		decoder.decode(ByteBuffer.wrap(new byte[] { 0, 0, 0, 14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }), this.sink);
		assertThat(this.frames).hasSize(1);
		assertThat(this.frames.get(0)).hasSize(14).startsWith(0, 0, 0, 14).endsWith(10);
		assertThatExceptionOfType(FrameTooLongException.class)
			.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] { 0, 0, 0, 15 }), this.sink))
			.withMessage("frame of 11 bytes exceeds the maximum of 10");
	}

	@Test
	void shouldHandFramesInNetworkOrderWhateverTheChunkOrder() throws Exception {
		LengthFieldDecoder decoder = new LengthFieldDecoder(1, 100);
		List<Integer> values = new ArrayList<>();
		FrameSink<RuntimeException> ints = (frame) -> values.add(frame.getInt());
		ByteBuffer whole = ByteBuffer.wrap(new byte[] { 4, 0, 0, 1, 2 }).order(ByteOrder.LITTLE_ENDIAN);
		decoder.decode(whole, ints);
		assertThat(whole.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
		decoder.decode(ByteBuffer.wrap(new byte[] { 4, 0, 0 }).order(ByteOrder.LITTLE_ENDIAN), ints);
		decoder.decode(ByteBuffer.wrap(new byte[] { 1, 3 }).order(ByteOrder.LITTLE_ENDIAN), ints);
		assertThat(values).containsExactly(0x102, 0x103);
	}

	@Test
	void shouldRejectLengthThatIsNegativeAfterAdjustment() {
		LengthFieldDecoder decoder = new LengthFieldDecoder(1, -4, true, 100);
		assertThatExceptionOfType(CorruptFrameException.class)
			.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] { 3 }), this.sink))
			.withMessage("length field 3 with adjustment -4 gives a negative frame length -1");
	}

	@Test
	void shouldRejectEightByteLengthWithTopBitSet() {
		LengthFieldDecoder decoder = new LengthFieldDecoder(8, 100);
		ByteBuffer header = ByteBuffer.allocate(8).putLong(Long.MIN_VALUE + 5).flip();
		assertThatExceptionOfType(CorruptFrameException.class).isThrownBy(() -> decoder.decode(header, this.sink))
			.withMessageStartingWith("negative length field");
	}

	@Test
	void shouldReadFourByteLengthAsUnsigned() {
		LengthFieldDecoder decoder = new LengthFieldDecoder(4, 100);
		assertThatExceptionOfType(FrameTooLongException.class)
			.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] { -1, -1, -1, -1 }), this.sink))
			.withMessage("frame of 4294967295 bytes exceeds the maximum of 100");
	}

	@Test
	void shouldNotOverflowWhenAdjustingTheLargestEightByteLength() {
		LengthFieldDecoder decoder = new LengthFieldDecoder(8, 5, true, 100);
		ByteBuffer header = ByteBuffer.allocate(8).putLong(Long.MAX_VALUE - 1).flip();
		assertThatExceptionOfType(FrameTooLongException.class).isThrownBy(() -> decoder.decode(header, this.sink))
			.satisfies((ex) -> assertThat(ex.frameLength()).isEqualTo(Long.MAX_VALUE));
	}

	@Test
	void shouldRejectEndOfInputInsideAFrame() throws Exception {
		LengthFieldDecoder decoder = new LengthFieldDecoder(2, 100);
		decoder.decode(ByteBuffer.wrap(new byte[] { 0, 1, 7, 0, 3, 1 }), this.sink);
		assertThat(this.frames).hasSize(1);
		assertThatExceptionOfType(CorruptFrameException.class).isThrownBy(() -> decoder.endOfInput(this.sink))
			.withMessage("end of stream inside a frame: 3 bytes received of 5 bytes");
		LengthFieldDecoder other = new LengthFieldDecoder(4, 100);
		other.decode(ByteBuffer.wrap(new byte[] { 0 }), this.sink);
		assertThatExceptionOfType(CorruptFrameException.class).isThrownBy(() -> other.endOfInput(this.sink))
			.withMessage("end of stream inside a frame: 1 bytes received of its 4-byte length field");
	}

	@Test
	void shouldEndInputCleanlyBetweenFrames() throws Exception {
		LengthFieldDecoder decoder = new LengthFieldDecoder(1, 100);
		decoder.decode(ByteBuffer.wrap(new byte[] { 1, 9 }), this.sink);
		decoder.endOfInput(this.sink);
		assertThat(this.frames).containsExactly(new byte[] { 9 });
	}

	@Test
	void shouldRefuseToEncodeFrameTheFieldCannotCarry() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LengthFieldEncoder(1).write(new ByteArrayOutputStream(), new byte[256]))
			.withMessage("A frame of 256 bytes does not fit a 1-byte length field with adjustment 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new LengthFieldEncoder(2, 2).write(new ByteArrayOutputStream(), new byte[1]));
		assertThatIllegalArgumentException().isThrownBy(() -> new LengthFieldDecoder(3, 10))
			.withMessage("'lengthFieldLength' must be 1, 2, 4 or 8, was 3");
	}

}
