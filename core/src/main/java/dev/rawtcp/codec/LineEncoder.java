package dev.rawtcp.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.rawtcp.Connection;

/**
 * Writes lines followed by a delimiter, as {@link LineDecoder} reads them; immutable and
 * thread-safe. The encoder does not look for the delimiter inside a line: a line that holds
 * it arrives as two.
 */
public final class LineEncoder {

	private final byte[] delimiter;

	private final Charset charset;

	/**
	 * An encoder of UTF-8 lines ending with {@code \n}.
	 */
	public LineEncoder() {
		this(new byte[] { '\n' }, StandardCharsets.UTF_8);
	}

	/**
	 * An encoder with every setting.
	 * @param delimiter the bytes that end a line (not empty)
	 * @param charset the charset of text lines
	 */
	public LineEncoder(byte[] delimiter, Charset charset) {
		if (delimiter.length == 0) {
			throw new IllegalArgumentException("'delimiter' must not be empty");
		}
		this.delimiter = delimiter.clone();
		this.charset = Objects.requireNonNull(charset, "'charset' must not be null");
	}

	/**
	 * Encode text and the delimiter once, e.g. to send the same line to many connections
	 * ({@code ConnectionGroup.broadcast}).
	 * @param line the line, encoded in this encoder's charset
	 * @return a new buffer holding the line and the delimiter, from position to limit
	 */
	public ByteBuffer encode(CharSequence line) {
		byte[] text = line.toString().getBytes(this.charset);
		return ByteBuffer.allocate(text.length + this.delimiter.length).put(text).put(this.delimiter).flip();
	}

	/**
	 * Send the buffer's remaining bytes and the delimiter, in a single
	 * {@link Connection#write(ByteBuffer) write}.
	 * @param connection the connection
	 * @param line the line; its position is moved to its limit
	 */
	public void write(Connection connection, ByteBuffer line) {
		ByteBuffer out = ByteBuffer.allocate(line.remaining() + this.delimiter.length);
		connection.write(out.put(line).put(this.delimiter).flip());
	}

	/**
	 * Send text and the delimiter; see {@link #write(Connection, ByteBuffer)}.
	 * @param connection the connection
	 * @param line the line, encoded in this encoder's charset
	 */
	public void write(Connection connection, CharSequence line) {
		connection.write(encode(line));
	}

	/**
	 * Write bytes and the delimiter to a stream (not flushed).
	 * @param output the stream
	 * @param line the line
	 * @throws IOException if the stream fails
	 */
	public void write(OutputStream output, byte[] line) throws IOException {
		output.write(line);
		output.write(this.delimiter);
	}

	/**
	 * Write text and the delimiter to a stream (not flushed).
	 * @param output the stream
	 * @param line the line, encoded in this encoder's charset
	 * @throws IOException if the stream fails
	 */
	public void write(OutputStream output, CharSequence line) throws IOException {
		write(output, line.toString().getBytes(this.charset));
	}

}
