package dev.rawtcp.codec;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Splits a byte stream into lines ending with a delimiter ({@code \n} by default).
 * <p>
 * The maximum frame length counts the bytes of a line without its delimiter (and without
 * the {@code \r} that is stripped). A longer line fails as soon as the bytes received prove
 * it, without waiting for the delimiter. At end of input, an unterminated last line is
 * emitted like {@link java.io.BufferedReader#readLine()} does.
 */
public final class LineDecoder extends FrameDecoder {

	private static final byte CR = '\r';

	private static final byte[] LF = { '\n' };

	private final byte[] delimiter;

	/** Knuth-Morris-Pratt table: longest proper prefix of the delimiter that is a suffix of its first i+1 bytes. */
	private final int[] fallback;

	private final boolean stripCarriageReturn;

	private final Charset charset;

	/** Bytes of the delimiter matched at the end of what was received. */
	private int matched;

	/**
	 * A decoder of {@code \n}-terminated UTF-8 lines that also accepts {@code \r\n}.
	 * @param maxFrameLength the maximum line length in bytes
	 */
	public LineDecoder(int maxFrameLength) {
		this(maxFrameLength, LF, true, StandardCharsets.UTF_8);
	}

	/**
	 * A decoder with every setting.
	 * @param maxFrameLength the maximum line length in bytes
	 * @param delimiter the bytes that end a line (not empty)
	 * @param stripCarriageReturn whether a {@code \r} just before the delimiter is dropped (so
	 * that {@code \n} also accepts {@code \r\n})
	 * @param charset the charset of {@link #text(ByteBuffer)} and {@link LineReader}
	 */
	public LineDecoder(int maxFrameLength, byte[] delimiter, boolean stripCarriageReturn, Charset charset) {
		super(maxFrameLength, (stripCarriageReturn ? 1 : 0) + delimiter.length - 1);
		if (delimiter.length == 0) {
			throw new IllegalArgumentException("'delimiter' must not be empty");
		}
		this.delimiter = delimiter.clone();
		this.fallback = fallback(this.delimiter);
		this.stripCarriageReturn = stripCarriageReturn;
		this.charset = Objects.requireNonNull(charset, "'charset' must not be null");
	}

	/**
	 * The delimiter.
	 * @return a copy of the delimiter bytes
	 */
	public byte[] delimiter() {
		return this.delimiter.clone();
	}

	/**
	 * Whether a {@code \r} before the delimiter is dropped.
	 * @return {@code true} if it is
	 */
	public boolean stripsCarriageReturn() {
		return this.stripCarriageReturn;
	}

	/**
	 * The charset of the lines.
	 * @return the charset
	 */
	public Charset charset() {
		return this.charset;
	}

	/**
	 * Decode a frame's remaining bytes as text in this decoder's charset (malformed input is
	 * replaced); moves the frame's position to its limit.
	 * @param frame a frame
	 * @return the line
	 */
	public String text(ByteBuffer frame) {
		return this.charset.decode(frame).toString();
	}

	@Override
	public int buffered() {
		return this.length;
	}

	@Override
	<X extends Exception> void decode(ByteBuffer chunk, int from, int end, FrameSink<X> sink) throws CodecException, X {
		byte[] delimiter = this.delimiter;
		int max = maxFrameLength();
		int matched = this.matched;
		// the current frame is the buffered bytes followed by chunk[start, i)
		int start = from;
		for (int i = from; i < end;) {
			byte b = chunk.get(i++);
			while (matched > 0 && b != delimiter[matched]) {
				matched = this.fallback[matched - 1];
			}
			if (b == delimiter[matched]) {
				matched++;
			}
			if (matched == delimiter.length) {
				matched = 0;
				this.matched = 0;
				emitLine(chunk, start, this.length + (i - start) - delimiter.length, end, sink);
				start = i;
			}
			else if (this.length + (i - start) - matched > max) {
				// the line holds at least this many bytes: only a partial delimiter can follow them
				checkTooLong(chunk, start, this.length + (i - start) - matched);
			}
		}
		this.matched = matched;
		append(chunk, start, end - start);
	}

	private <X extends Exception> void emitLine(ByteBuffer chunk, int start, int lineLength, int end,
			FrameSink<X> sink) throws X {
		if (this.length == 0) {
			int to = start + lineLength;
			if (this.stripCarriageReturn && lineLength > 0 && chunk.get(to - 1) == CR) {
				to--;
			}
			emitSlice(chunk, start, to, end, sink);
			return;
		}
		if (lineLength > this.length) {
			append(chunk, start, lineLength - this.length);
		}
		emitBuffered(stripped(lineLength), sink);
	}

	/** A line of {@code lineLength > max} bytes so far is allowed only if one more byte is a {@code \r} to strip. */
	private void checkTooLong(ByteBuffer chunk, int start, int lineLength) throws CodecException {
		int max = maxFrameLength();
		if (this.stripCarriageReturn && lineLength == max + 1) {
			int last = lineLength - 1;
			byte b = (last < this.length) ? bufferedByte(last) : chunk.get(start + last - this.length);
			if (b == CR) {
				return;
			}
		}
		throw fail(new FrameTooLongException(lineLength, max, false));
	}

	@Override
	<X extends Exception> void endOfInput0(FrameSink<X> sink) throws CodecException, X {
		this.matched = 0;
		if (this.length == 0) {
			return;
		}
		int n = stripped(this.length);
		if (n > maxFrameLength()) {
			throw fail(new FrameTooLongException(n, maxFrameLength(), true));
		}
		emitBuffered(n, sink);
	}

	@Override
	void resetFrame() {
		this.matched = 0;
	}

	private int stripped(int n) {
		return (this.stripCarriageReturn && n > 0 && bufferedByte(n - 1) == CR) ? n - 1 : n;
	}

	private static int[] fallback(byte[] pattern) {
		int[] table = new int[pattern.length];
		for (int i = 1, k = 0; i < pattern.length; i++) {
			while (k > 0 && pattern[i] != pattern[k]) {
				k = table[k - 1];
			}
			if (pattern[i] == pattern[k]) {
				k++;
			}
			table[i] = k;
		}
		return table;
	}

}
