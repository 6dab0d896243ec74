package dev.rawtcp.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.codec.CodecException;

/**
 * Reads UTF-8 lines ending in {@code \n} from a stream, refusing a line longer than a maximum
 * number of bytes before it has been buffered whole.
 */
final class BoundedLineReader {

	private final InputStream in;

	private final int maxLineLength;

	private final byte[] buffer = new byte[8192];

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private int position;

	private int limit;

	BoundedLineReader(InputStream in, int maxLineLength) {
		this.in = in;
		this.maxLineLength = maxLineLength;
	}

	/**
	 * The next line without its {@code \n}; the last line may lack one.
	 * @return the line, or {@code null} at end of stream
	 * @throws CodecException when a line is longer than the maximum
	 * @throws IOException when reading fails
	 */
	@Nullable String readLine() throws IOException {
		this.line.reset();
		while (true) {
			if (this.position == this.limit) {
				int n = this.in.read(this.buffer);
				if (n < 0) {
					return (this.line.size() > 0) ? this.line.toString(StandardCharsets.UTF_8) : null;
				}
				this.position = 0;
				this.limit = n;
			}
			int start = this.position;
			while (this.position < this.limit && this.buffer[this.position] != '\n') {
				this.position++;
			}
			int length = this.position - start;
			if (this.line.size() + length > this.maxLineLength) {
				throw new CodecException("Line longer than " + this.maxLineLength + " bytes");
			}
			this.line.write(this.buffer, start, length);
			if (this.position < this.limit) {
				this.position++;
				return this.line.toString(StandardCharsets.UTF_8);
			}
		}
	}

}
