package dev.rawtcp.sample;

import java.io.OutputStream;
import java.util.Locale;

import dev.rawtcp.TcpStream;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineReader;

/**
 * Answers each {@code \n}-terminated line with the same line in upper case; runs on a thread of
 * its own per connection. A line longer than the maximum closes the connection.
 */
final class UpperCaseHandler implements TcpStreamHandler {

	/** The longest line answered, in bytes without the delimiter: 64 KiB. */
	static final int MAX_LINE_LENGTH = 64 * 1024;

	private final int maxLineLength;

	UpperCaseHandler(int maxLineLength) {
		this.maxLineLength = maxLineLength;
	}

	@Override
	public void handle(TcpStream stream) throws Exception {
		LineReader in = new LineReader(stream.input(), this.maxLineLength);
		LineEncoder encoder = new LineEncoder();
		OutputStream out = stream.output();
		// an oversize line throws FrameTooLongException: the connection is closed and the error
		// counted in rawtcp.handler.errors, while every other connection carries on
		for (String line; (line = in.readLine()) != null;) {
			encoder.write(out, line.toUpperCase(Locale.ROOT));
			out.flush();
		}
	}

}
