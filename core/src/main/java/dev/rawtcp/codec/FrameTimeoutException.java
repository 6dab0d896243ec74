package dev.rawtcp.codec;

import java.io.IOException;

/**
 * Thrown by a {@link FrameReader} or {@link LineReader} whose connection was closed because a
 * frame was not complete within the listener's {@code frame-timeout} of its first byte: the
 * partial frame is dropped, never returned as a last frame. The close is counted (reason
 * {@code frame-timeout}) and logged by the transport; a handler may let this propagate
 * without it being counted or logged as a handler error.
 */
public final class FrameTimeoutException extends IOException {

	private static final long serialVersionUID = 1L;

	FrameTimeoutException() {
		super("Frame not complete within the listener's frame-timeout; the connection is closed");
	}

}
