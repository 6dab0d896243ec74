package dev.rawtcp.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import dev.rawtcp.Connection;

/**
 * Writes frames preceded by a big-endian length field, as {@link LengthFieldDecoder} reads
 * them; immutable and thread-safe.
 * <p>
 * The field holds the frame length minus the length adjustment (the decoder adds it back).
 */
public final class LengthFieldEncoder {

	private final int lengthFieldLength;

	private final int lengthAdjustment;

	private final long maxFieldValue;

	/**
	 * An encoder whose field holds the length of what follows it.
	 * @param lengthFieldLength the field's size: 1, 2, 4 or 8 bytes
	 */
	public LengthFieldEncoder(int lengthFieldLength) {
		this(lengthFieldLength, 0);
	}

	/**
	 * An encoder with every setting.
	 * @param lengthFieldLength the field's size: 1, 2, 4 or 8 bytes
	 * @param lengthAdjustment the decoder's adjustment: the field holds the frame length minus it
	 */
	public LengthFieldEncoder(int lengthFieldLength, int lengthAdjustment) {
		this.lengthFieldLength = checkFieldLength(lengthFieldLength);
		this.lengthAdjustment = lengthAdjustment;
		this.maxFieldValue = (lengthFieldLength == 8) ? Long.MAX_VALUE : (1L << (8 * lengthFieldLength)) - 1;
	}

	/**
	 * Send the buffer's remaining bytes as one frame, in a single
	 * {@link Connection#write(ByteBuffer) write}.
	 * @param connection the connection
	 * @param frame the frame; its position is moved to its limit
	 * @throws IllegalArgumentException if the length does not fit the field
	 */
	public void write(Connection connection, ByteBuffer frame) {
		int n = frame.remaining();
		long field = fieldValue(n);
		ByteBuffer out = ByteBuffer.allocate(this.lengthFieldLength + n);
		for (int shift = 8 * (this.lengthFieldLength - 1); shift >= 0; shift -= 8) {
			out.put((byte) (field >>> shift));
		}
		connection.write(out.put(frame).flip());
	}

	/**
	 * Send bytes as one frame; see {@link #write(Connection, ByteBuffer)}.
	 * @param connection the connection
	 * @param frame the frame
	 */
	public void write(Connection connection, byte[] frame) {
		write(connection, ByteBuffer.wrap(frame));
	}

	/**
	 * Write one frame to a stream (not flushed).
	 * @param output the stream
	 * @param frame the frame
	 * @throws IOException if the stream fails
	 * @throws IllegalArgumentException if the length does not fit the field
	 */
	public void write(OutputStream output, byte[] frame) throws IOException {
		long field = fieldValue(frame.length);
		byte[] header = new byte[this.lengthFieldLength];
		for (int i = 0; i < header.length; i++) {
			header[i] = (byte) (field >>> (8 * (header.length - 1 - i)));
		}
		output.write(header);
		output.write(frame);
	}

	private long fieldValue(int frameLength) {
		long field = (long) frameLength - this.lengthAdjustment;
		if (field < 0 || field > this.maxFieldValue) {
			throw new IllegalArgumentException("A frame of " + frameLength + " bytes does not fit a "
					+ this.lengthFieldLength + "-byte length field with adjustment " + this.lengthAdjustment);
		}
		return field;
	}

	static int checkFieldLength(int lengthFieldLength) {
		if (lengthFieldLength != 1 && lengthFieldLength != 2 && lengthFieldLength != 4 && lengthFieldLength != 8) {
			throw new IllegalArgumentException("'lengthFieldLength' must be 1, 2, 4 or 8, was " + lengthFieldLength);
		}
		return lengthFieldLength;
	}

}
