package dev.rawtcp;

import java.io.IOException;
import java.util.Objects;

/**
 * What a {@link TcpStream}'s input throws once the server, not the peer, ends the stream: the
 * listener stops ({@link CloseReason#SHUTDOWN}), the connection timed out or was closed on this
 * side. It is never the peer's end of stream, which reads as {@code -1}: a framed reader
 * (for example {@code LineReader}) therefore hands over an unterminated last frame only when
 * the peer ended its output, never when the server stops in the middle of a frame.
 * <p>
 * A handler need not catch it: when it escapes {@link TcpStreamHandler#handle(TcpStream)} the
 * transport treats the handler as finished (what it wrote is flushed, no handler error is
 * counted). Catch it to tell a stop from the peer's end, for example to log a request left
 * unfinished.
 */
public class ClosedByServerException extends IOException {

	private static final long serialVersionUID = 1L;

	private final CloseReason reason;

	/**
	 * Create an exception.
	 * @param reason why the server ended the stream
	 */
	public ClosedByServerException(CloseReason reason) {
		super("The server ended this stream (" + Objects.requireNonNull(reason, "'reason' must not be null").tagValue()
				+ "), not the peer");
		this.reason = reason;
	}

	/**
	 * Why the server ended the stream.
	 * @return the reason, {@link CloseReason#SHUTDOWN} when the listener stops
	 */
	public CloseReason getReason() {
		return this.reason;
	}

	/**
	 * Whether a throwable is, or was caused by, the server ending the stream.
	 * @param ex the throwable
	 * @return whether it or one of its causes is a {@code ClosedByServerException}
	 */
	public static boolean isCause(Throwable ex) {
		for (Throwable t = ex; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (t instanceof ClosedByServerException) {
				return true;
			}
		}
		return false;
	}

}
