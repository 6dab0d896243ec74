package dev.rawtcp.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random chunking of byte streams and decoding with the decoder's invariants checked after
 * every chunk.
 */
final class CodecTestSupport {

	/** The seeds of the property tests: fixed, so a failure reproduces. */
	static final long[] SEEDS = { 1L, 42L, 0x5EED_C0DECL, 20240611L, -7L };

	private CodecTestSupport() {
	}

	/**
	 * Cut a stream at random points into chunks of 1 to {@code maxChunk} bytes, each in a
	 * buffer of a random kind: a window of a larger heap array, a direct buffer, or one
	 * buffer reused for every chunk (like a transport's read buffer).
	 */
	static List<ByteBuffer> split(byte[] stream, SplittableRandom random, int maxChunk) {
		List<ByteBuffer> chunks = new ArrayList<>();
		for (int off = 0; off < stream.length;) {
			int n = Math.min(stream.length - off, 1 + random.nextInt(maxChunk));
			chunks.add(copy(stream, off, n, random));
			off += n;
		}
		return chunks;
	}

	private static ByteBuffer copy(byte[] stream, int off, int n, SplittableRandom random) {
		int before = random.nextInt(4);
		int after = random.nextInt(4);
		ByteBuffer buffer = random.nextBoolean() ? ByteBuffer.allocate(before + n + after)
				: ByteBuffer.allocateDirect(before + n + after);
		// garbage around the window: a decoder reading outside it would see it
		while (buffer.hasRemaining()) {
			buffer.put((byte) random.nextInt());
		}
		buffer.position(before);
		buffer.put(stream, off, n);
		buffer.limit(before + n).position(before);
		return buffer;
	}

	/**
	 * Decode chunks, stopping at the first {@link CodecException}, then signal the end of
	 * input; after every call check that the chunk is consumed and that what the decoder
	 * holds stays within its bound.
	 */
	static Outcome decode(FrameDecoder decoder, List<ByteBuffer> chunks, boolean reuseOneBuffer) throws Exception {
		List<byte[]> frames = new ArrayList<>();
		FrameSink<RuntimeException> sink = (frame) -> {
			byte[] bytes = new byte[frame.remaining()];
			frame.get(bytes);
			frames.add(bytes);
		};
		ByteBuffer shared = ByteBuffer.allocateDirect(64 * 1024);
		try {
			for (ByteBuffer chunk : chunks) {
				ByteBuffer input = chunk;
				if (reuseOneBuffer) {
					shared.clear();
					shared.put(chunk.duplicate()).flip();
					input = shared;
				}
				int limit = input.limit();
				decoder.decode(input, sink);
				assertThat(input.position()).isEqualTo(limit);
				assertThat(input.limit()).isEqualTo(limit);
				assertBounded(decoder);
			}
			decoder.endOfInput(sink);
			assertThat(decoder.buffered()).isZero();
			return new Outcome(frames, null);
		}
		catch (CodecException ex) {
			assertBounded(decoder);
			assertThat(decoder.buffered()).isZero();
			assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] { '\n' }), sink)).isSameAs(ex);
			assertThatThrownBy(() -> decoder.endOfInput(sink)).isSameAs(ex);
			return new Outcome(frames, ex);
		}
	}

	static void assertBounded(FrameDecoder decoder) {
		assertThat(decoder.buffered()).isBetween(0, decoder.bufferLimit());
		assertThat(decoder.capacity()).isLessThanOrEqualTo(decoder.bufferLimit());
	}

	/** Read every frame of a stream whose reads return random amounts. */
	static Outcome read(FrameDecoder decoder, byte[] stream, SplittableRandom random) throws IOException {
		FrameReader reader = new FrameReader(new ChunkedInputStream(stream, random), decoder);
		List<byte[]> frames = new ArrayList<>();
		try {
			for (byte[] frame; (frame = reader.readFrame()) != null;) {
				frames.add(frame);
			}
			assertThat(reader.readFrame()).isNull();
			return new Outcome(frames, null);
		}
		catch (CodecException ex) {
			assertThatThrownBy(reader::readFrame).isSameAs(ex);
			return new Outcome(frames, ex);
		}
	}

	static byte[] concat(List<byte[]> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		parts.forEach(out::writeBytes);
		return out.toByteArray();
	}

	static byte[] randomBytes(SplittableRandom random, int length, byte[] alphabet) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = alphabet[random.nextInt(alphabet.length)];
		}
		return bytes;
	}

	/** The frames decoded and the frame error that ended decoding, if any. */
	record Outcome(List<byte[]> frames, @Nullable CodecException failure) {
	}

	/** A stream over a byte array whose reads return 1 to 300 bytes at random. */
	static final class ChunkedInputStream extends InputStream {

		private final byte[] data;

		private final SplittableRandom random;

		private int position;

		ChunkedInputStream(byte[] data, SplittableRandom random) {
			this.data = data;
			this.random = random;
		}

		@Override
		public int read() {
			return (this.position < this.data.length) ? this.data[this.position++] & 0xFF : -1;
		}

		@Override
		public int read(byte[] b, int off, int len) {
			if (this.position >= this.data.length) {
				return -1;
			}
			int n = Math.min(Math.min(len, this.data.length - this.position), 1 + this.random.nextInt(300));
			System.arraycopy(this.data, this.position, b, off, n);
			this.position += n;
			return n;
		}

		int position() {
			return this.position;
		}

	}

}
