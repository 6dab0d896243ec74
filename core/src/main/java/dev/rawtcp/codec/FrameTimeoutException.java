package dev.rawtcp.codec;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ClosedByServerException;

/**
 * Thrown by a {@link FrameReader} or {@link LineReader} whose connection was closed because a
 * frame was not complete within the listener's {@code frame-timeout} of its first byte: the
 * partial frame is dropped, never returned as a last frame. The close is counted (reason
 * {@code frame-timeout}) and logged by the transport; a handler may let this propagate
 * without it being counted or logged as a handler error. A {@link ClosedByServerException}
 * with reason {@link CloseReason#FRAME_TIMEOUT}.
 */
public final class FrameTimeoutException extends ClosedByServerException {

	private static final long serialVersionUID = 1L;

	FrameTimeoutException() {
		super(CloseReason.FRAME_TIMEOUT);
	}

}
