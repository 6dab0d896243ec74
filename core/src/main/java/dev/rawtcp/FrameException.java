package dev.rawtcp;

import java.io.IOException;

/**
 * The bytes a peer sent do not form a valid frame of the protocol. A handler that throws it
 * (the codecs' exceptions are frame exceptions) has its connection closed and counted as a
 * frame error ({@link ListenerStats#frameErrors()}), and the log line names the problem
 * without a stack trace.
 */
public class FrameException extends IOException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what is wrong with the frame
	 */
	public FrameException(String message) {
		super(message);
	}

}
