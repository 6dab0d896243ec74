package dev.rawtcp.codec;

import java.nio.ByteBuffer;

/**
 * Splits a byte stream into frames each preceded by a big-endian length field of 1, 2, 4 or
 * 8 bytes.
 * <p>
 * The frame length is the field's value plus the length adjustment: the number of bytes
 * that follow the field (use {@code -lengthFieldLength} when the field counts itself). The
 * value is unsigned for 1, 2 and 4 bytes; an 8-byte value must not have its top bit set. The
 * maximum frame length applies to the bytes after the field and is checked as soon as the
 * field is read, before any of the frame is buffered. Emitted frames hold the bytes after
 * the field, or the field and those bytes when the header is kept.
 */
public final class LengthFieldDecoder extends FrameDecoder {

	private final int lengthFieldLength;

	private final int lengthAdjustment;

	private final boolean stripHeader;

	/** Bytes of the length field read so far. */
	private int headerRead;

	/** The length field's value, as far as it is read. */
	private long value;

	/** Bytes the buffer holds when the frame is complete, or -1 while the field is read. */
	private int frameLength = -1;

	/**
	 * A decoder whose field holds the length of what follows it, emitting frames without the
	 * field.
	 * @param lengthFieldLength the field's size: 1, 2, 4 or 8 bytes
	 * @param maxFrameLength the maximum frame length, without the field
	 */
	public LengthFieldDecoder(int lengthFieldLength, int maxFrameLength) {
		this(lengthFieldLength, 0, true, maxFrameLength);
	}

	/**
	 * A decoder with every setting.
	 * @param lengthFieldLength the field's size: 1, 2, 4 or 8 bytes
	 * @param lengthAdjustment added to the field's value to get the number of bytes after it
	 * @param stripHeader whether emitted frames leave the field out
	 * @param maxFrameLength the maximum frame length, without the field
	 */
	public LengthFieldDecoder(int lengthFieldLength, int lengthAdjustment, boolean stripHeader, int maxFrameLength) {
		super(maxFrameLength, LengthFieldEncoder.checkFieldLength(lengthFieldLength));
		this.lengthFieldLength = lengthFieldLength;
		this.lengthAdjustment = lengthAdjustment;
		this.stripHeader = stripHeader;
	}

	@Override
	public int buffered() {
		if (this.frameLength < 0) {
			return this.headerRead;
		}
		return (this.stripHeader ? this.lengthFieldLength : 0) + this.length;
	}

	@Override
	<X extends Exception> void decode(ByteBuffer chunk, int from, int end, FrameSink<X> sink) throws CodecException, X {
		int width = this.lengthFieldLength;
		int pos = from;
		while (pos < end) {
			if (this.frameLength < 0) {
				int headerStart = pos;
				boolean headerInChunk = this.headerRead == 0;
				while (this.headerRead < width && pos < end) {
					this.value = (this.value << 8) | (chunk.get(pos++) & 0xFF);
					this.headerRead++;
				}
				if (this.headerRead < width) {
					return;
				}
				int bodyLength = bodyLength(this.value);
				if (end - pos >= bodyLength && (this.stripHeader || headerInChunk)) {
					int frameStart = this.stripHeader ? pos : headerStart;
					pos += bodyLength;
					resetFrame();
					emitSlice(chunk, frameStart, pos, end, sink);
					continue;
				}
				this.frameLength = (this.stripHeader ? 0 : width) + bodyLength;
				if (!this.stripHeader) {
					for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) {
						append((byte) (this.value >>> shift));
					}
				}
			}
			int n = Math.min(this.frameLength - this.length, end - pos);
			append(chunk, pos, n);
			pos += n;
			if (this.length == this.frameLength) {
				int frame = this.length;
				resetFrame();
				emitBuffered(frame, sink);
			}
		}
	}

	private int bodyLength(long fieldValue) throws CodecException {
		if (fieldValue < 0) {
			throw fail(new CorruptFrameException("negative length field " + fieldValue));
		}
		int adjustment = this.lengthAdjustment;
		long length = (adjustment > 0 && fieldValue > Long.MAX_VALUE - adjustment) ? Long.MAX_VALUE
				: fieldValue + adjustment;
		if (length < 0) {
			throw fail(new CorruptFrameException("length field " + fieldValue + " with adjustment " + adjustment
					+ " gives a negative frame length " + length));
		}
		if (length > maxFrameLength()) {
			throw fail(new FrameTooLongException(length, maxFrameLength(), true));
		}
		return (int) length;
	}

	@Override
	<X extends Exception> void endOfInput0(FrameSink<X> sink) throws CodecException {
		int received = buffered();
		if (received > 0) {
			String expected = (this.frameLength < 0) ? "its " + this.lengthFieldLength + "-byte length field"
					: (this.frameLength + (this.stripHeader ? this.lengthFieldLength : 0)) + " bytes";
			throw fail(new CorruptFrameException(
					"end of stream inside a frame: " + received + " bytes received of " + expected));
		}
	}

	@Override
	void resetFrame() {
		this.headerRead = 0;
		this.value = 0;
		this.frameLength = -1;
	}

}
