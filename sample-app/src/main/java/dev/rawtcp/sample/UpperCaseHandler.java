package dev.rawtcp.sample;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.rawtcp.TcpStream;
import dev.rawtcp.TcpStreamHandler;

/**
 * Answers each {@code \n}-terminated line with the same line in upper case; runs on a thread of
 * its own per connection. A line longer than the maximum closes the connection.
 */
final class UpperCaseHandler implements TcpStreamHandler {

	/** The longest line answered, in bytes without the {@code \n}: 64 KiB. */
	static final int MAX_LINE_LENGTH = 64 * 1024;

	private final int maxLineLength;

	UpperCaseHandler(int maxLineLength) {
		this.maxLineLength = maxLineLength;
	}

	@Override
	public void handle(TcpStream stream) throws Exception {
		BoundedLineReader lines = new BoundedLineReader(stream.input(), this.maxLineLength);
		OutputStream out = stream.output();
		// an oversize line throws CodecException: the connection is closed and the error counted
		for (String line; (line = lines.readLine()) != null;) {
			out.write(line.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
			out.write('\n');
			out.flush();
		}
	}

}
