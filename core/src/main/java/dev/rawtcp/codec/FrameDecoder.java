package dev.rawtcp.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * An incremental, per-connection frame decoder: feed it chunks as they are read and it emits
 * whole frames, holding at most the maximum frame length (plus the header or delimiter) of
 * partial data whatever the peer sends.
 * <p>
 * Frames that lie entirely inside a chunk are emitted as views of that chunk (no copy);
 * only the bytes of a frame split across chunks are accumulated, in a buffer that grows on
 * demand up to its bound and is reused for every later frame. Not thread-safe: use one
 * instance per connection. After a {@link CodecException} the stream is out of step: the
 * decoder drops what it holds and throws the same exception from every later call.
 */
public abstract sealed class FrameDecoder permits LineDecoder, LengthFieldDecoder {

	private static final byte[] EMPTY = new byte[0];

	private static final int MIN_BUFFER = 256;

	private final int maxFrameLength;

	private final int bufferLimit;

	private byte[] buffer = EMPTY;

	private ByteBuffer view = ByteBuffer.wrap(EMPTY);

	private @Nullable CodecException failure;

	/** Bytes of the current partial frame held in {@link #buffer}. */
	int length;

	FrameDecoder(int maxFrameLength, int overhead) {
		if (maxFrameLength < 1) {
			throw new IllegalArgumentException("'maxFrameLength' must be positive, was " + maxFrameLength);
		}
		long limit = (long) maxFrameLength + overhead;
		if (limit > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("'maxFrameLength' " + maxFrameLength + " is too large");
		}
		this.maxFrameLength = maxFrameLength;
		this.bufferLimit = (int) limit;
	}

	/**
	 * Decode a chunk: every frame it completes goes to the sink, in order, and the bytes of
	 * an incomplete frame are kept for the next call. The chunk is consumed: on return its
	 * position is its (original) limit, and its byte order is what it was.
	 * @param <X> the exception the sink may throw
	 * @param chunk the bytes read, from position to limit
	 * @param sink receives each frame during the call
	 * @throws CodecException if a frame is too long or malformed, as soon as that is known
	 * @throws X if the sink throws
	 */
	public final <X extends Exception> void decode(ByteBuffer chunk, FrameSink<X> sink) throws CodecException, X {
		checkNotFailed();
		int end = chunk.limit();
		ByteOrder order = chunk.order();
		try {
			// frames are in network order whether they are views of the chunk or of the buffer
			chunk.order(ByteOrder.BIG_ENDIAN);
			decode(chunk, chunk.position(), end, sink);
		}
		finally {
			chunk.order(order);
			chunk.limit(end);
			chunk.position(end);
		}
	}

	/**
	 * The input ended: emit or reject what is held (see the subclasses), then start afresh.
	 * @param <X> the exception the sink may throw
	 * @param sink receives a last frame, if any
	 * @throws CodecException if the stream ended inside a frame that cannot be emitted
	 * @throws X if the sink throws
	 */
	public final <X extends Exception> void endOfInput(FrameSink<X> sink) throws CodecException, X {
		checkNotFailed();
		endOfInput0(sink);
	}

	/**
	 * The maximum frame length: payload bytes, without the delimiter or the length header.
	 * @return the length in bytes
	 */
	public final int maxFrameLength() {
		return this.maxFrameLength;
	}

	/**
	 * Bytes of an incomplete frame received and held now (with its length field, or with the
	 * part of a delimiter seen so far).
	 * @return the count, at most the maximum frame length plus the header or delimiter
	 */
	public abstract int buffered();

	abstract <X extends Exception> void decode(ByteBuffer chunk, int from, int end, FrameSink<X> sink)
			throws CodecException, X;

	abstract <X extends Exception> void endOfInput0(FrameSink<X> sink) throws CodecException, X;

	/** Forget the current frame (after an error). */
	abstract void resetFrame();

	/** The capacity of the accumulation buffer, never above {@link #bufferLimit()}. */
	final int capacity() {
		return this.buffer.length;
	}

	/** The bound of the accumulation buffer: maximum frame length plus the overhead. */
	final int bufferLimit() {
		return this.bufferLimit;
	}

	final byte bufferedByte(int index) {
		return this.buffer[index];
	}

	/** Copy {@code count} bytes of the chunk, from index {@code from}, into the buffer. */
	final void append(ByteBuffer chunk, int from, int count) {
		ensureCapacity(this.length + count);
		chunk.get(from, this.buffer, this.length, count);
		this.length += count;
	}

	/** Append one byte to the buffer. */
	final void append(byte b) {
		ensureCapacity(this.length + 1);
		this.buffer[this.length++] = b;
	}

	/** Emit the first {@code n} buffered bytes as a frame and empty the buffer. */
	final <X extends Exception> void emitBuffered(int n, FrameSink<X> sink) throws X {
		this.length = 0;
		this.view.clear().limit(n);
		sink.accept(this.view.order(ByteOrder.BIG_ENDIAN));
	}

	/**
	 * Emit the chunk's bytes {@code [from, to)} as a frame, without copying; then give the
	 * chunk its limit {@code end} back (absolute reads check against it).
	 */
	static <X extends Exception> void emitSlice(ByteBuffer chunk, int from, int to, int end, FrameSink<X> sink)
			throws X {
		chunk.limit(to);
		chunk.position(from);
		sink.accept(chunk);
		chunk.limit(end);
	}

	/** Record a frame error: drop the partial frame and fail every later call. */
	final CodecException fail(CodecException ex) {
		this.failure = ex;
		this.length = 0;
		resetFrame();
		return ex;
	}

	private void checkNotFailed() throws CodecException {
		if (this.failure != null) {
			throw this.failure;
		}
	}

	private void ensureCapacity(int needed) {
		if (needed <= this.buffer.length) {
			return;
		}
		if (needed > this.bufferLimit) {
			throw new IllegalStateException("Frame buffer would exceed its bound of " + this.bufferLimit + " bytes");
		}
		long grown = Math.max(needed, Math.max(MIN_BUFFER, 2L * this.buffer.length));
		this.buffer = Arrays.copyOf(this.buffer, (int) Math.min(grown, this.bufferLimit));
		this.view = ByteBuffer.wrap(this.buffer);
	}

}
