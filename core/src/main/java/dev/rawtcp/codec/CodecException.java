package dev.rawtcp.codec;

import dev.rawtcp.FrameException;

/**
 * A documented frame error (oversize or malformed frame); thrown from a handler, it closes
 * the connection with reason {@code ERROR}, is logged in one line and counted as a frame
 * error.
 */
public class CodecException extends FrameException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what is wrong with the frame
	 */
	public CodecException(String message) {
		super(message);
	}

}
