package dev.rawtcp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

import org.jspecify.annotations.Nullable;

/**
 * Reads lines from a blocking {@link InputStream}, for thread-per-connection handlers: a
 * {@link FrameReader} of a {@link LineDecoder} that returns text.
 *
 * <pre>{@code
 * LineReader in = new LineReader(stream.input(), 64 * 1024);
 * LineEncoder out = new LineEncoder();
 * for (String line; (line = in.readLine()) != null;) {
 *     out.write(stream.output(), line.toUpperCase(Locale.ROOT));
 *     stream.output().flush();
 * }
 * }</pre>
 */
public final class LineReader {

	private final FrameReader frames;

	private final LineDecoder decoder;

	/**
	 * A reader of {@code \n} (or {@code \r\n}) terminated UTF-8 lines.
	 * @param input the stream
	 * @param maxLineLength the maximum line length in bytes, without the delimiter
	 */
	public LineReader(InputStream input, int maxLineLength) {
		this(input, new LineDecoder(maxLineLength));
	}

	/**
	 * A reader of {@code \n} (or {@code \r\n}) terminated lines in a charset.
	 * @param input the stream
	 * @param maxLineLength the maximum line length in bytes, without the delimiter
	 * @param charset the charset of the lines
	 */
	public LineReader(InputStream input, int maxLineLength, Charset charset) {
		this(input, new LineDecoder(maxLineLength, new byte[] { '\n' }, true, charset));
	}

	/**
	 * A reader with the decoder's delimiter, charset and maximum.
	 * @param input the stream
	 * @param decoder a new decoder, used by this reader only
	 */
	public LineReader(InputStream input, LineDecoder decoder) {
		this.frames = new FrameReader(input, decoder);
		this.decoder = decoder;
	}

	/**
	 * Read the next line, blocking until it is complete; an unterminated last line is returned
	 * at the end of the stream.
	 * @return the line without its delimiter, or {@code null} at the end of the stream
	 * @throws FrameTooLongException if the line exceeds the maximum (known before its end is read)
	 * @throws FrameTimeoutException if the connection was closed because the line was not
	 * complete within the listener's frame timeout
	 * @throws IOException if the stream fails
	 */
	public @Nullable String readLine() throws IOException {
		byte[] line = this.frames.readFrame();
		return (line != null) ? new String(line, this.decoder.charset()) : null;
	}

}
