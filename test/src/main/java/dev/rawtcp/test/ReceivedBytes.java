package dev.rawtcp.test;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Bytes received and not read yet, in order: what a handler wrote to an
 * {@link EmbeddedConnection}, or what a {@link TcpTestClient} read from its socket. Takes
 * lines and exact counts off the front and describes what it holds for failure messages.
 * Not thread-safe.
 */
final class ReceivedBytes {

	/** Bytes shown by {@link #describe(byte[], int, int)} before it elides the rest. */
	private static final int DESCRIBED = 200;

	private byte[] bytes = new byte[256];

	private int start;

	private int end;

	int size() {
		return this.end - this.start;
	}

	void append(ByteBuffer src) {
		int n = src.remaining();
		ensureRoom(n);
		src.get(this.bytes, this.end, n);
		this.end += n;
	}

	void append(byte[] src, int offset, int length) {
		ensureRoom(length);
		System.arraycopy(src, offset, this.bytes, this.end, length);
		this.end += length;
	}

	/** Take the first {@code n} bytes; the caller checks that there are that many. */
	byte[] take(int n) {
		byte[] taken = Arrays.copyOfRange(this.bytes, this.start, this.start + n);
		this.start += n;
		if (this.start == this.end) {
			this.start = 0;
			this.end = 0;
		}
		return taken;
	}

	byte[] takeAll() {
		return take(size());
	}

	/**
	 * Take a {@code \n}-terminated line, without the {@code \n} and a {@code \r} before it.
	 * @return the line, or {@code null} while no {@code \n} is held
	 */
	@Nullable String takeLine(Charset charset) {
		for (int i = this.start; i < this.end; i++) {
			if (this.bytes[i] == '\n') {
				byte[] line = take(i + 1 - this.start);
				int length = line.length - 1;
				if (length > 0 && line[length - 1] == '\r') {
					length--;
				}
				return new String(line, 0, length, charset);
			}
		}
		return null;
	}

	/** What is held, for a failure message. */
	String describe() {
		return describe(this.bytes, this.start, size());
	}

	/**
	 * Bytes as a quoted Java-like string literal with a byte count, e.g. {@code "ab\n\x00" (4 bytes)};
	 * beyond {@value #DESCRIBED} bytes the rest is elided.
	 */
	static String describe(byte[] bytes, int offset, int length) {
		StringBuilder text = new StringBuilder(Math.min(length, DESCRIBED) + 24).append('"');
		for (int i = offset; i < offset + Math.min(length, DESCRIBED); i++) {
			int b = bytes[i] & 0xFF;
			switch (b) {
				case '\n' -> text.append("\\n");
				case '\r' -> text.append("\\r");
				case '\t' -> text.append("\\t");
				case '"', '\\' -> text.append('\\').append((char) b);
				default -> {
					if (b >= 0x20 && b < 0x7F) {
						text.append((char) b);
					}
					else {
						text.append(String.format("\\x%02x", b));
					}
				}
			}
		}
		text.append((length > DESCRIBED) ? "\"..." : "\"");
		return text.append(" (").append(length).append((length == 1) ? " byte)" : " bytes)").toString();
	}

	private void ensureRoom(int n) {
		if (this.bytes.length - this.end >= n) {
			return;
		}
		int size = size();
		if (this.start > 0 && this.bytes.length - size >= n) {
			System.arraycopy(this.bytes, this.start, this.bytes, 0, size);
		}
		else {
			long grown = Math.max((long) size + n, 2L * this.bytes.length);
			if (grown > Integer.MAX_VALUE - 8) {
				throw new IllegalStateException("More than " + (Integer.MAX_VALUE - 8) + " bytes held");
			}
			byte[] larger = new byte[(int) grown];
			System.arraycopy(this.bytes, this.start, larger, 0, size);
			this.bytes = larger;
		}
		this.start = 0;
		this.end = size;
	}

}
