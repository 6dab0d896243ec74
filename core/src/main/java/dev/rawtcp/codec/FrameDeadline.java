package dev.rawtcp.codec;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.Connection;
import dev.rawtcp.internal.AbstractConnection;

/**
 * Tells a connection when a frame starts and ends, so that its listener's
 * {@code frame-timeout} can close it: once per frame start or end, never per read. The
 * connection's loop keeps the deadline; this adds no timer and allocates nothing. A
 * connection not made by a rawtcp transport has no frame deadline.
 */
final class FrameDeadline {

	private final @Nullable AbstractConnection connection;

	private boolean pending;

	FrameDeadline(@Nullable Connection connection) {
		this.connection = (connection instanceof AbstractConnection transport) ? transport : null;
	}

	/**
	 * A chunk was decoded.
	 * @param decoder the decoder, holding what is left of a partial frame
	 * @param emitted whether the chunk completed at least one frame (a partial frame after it
	 * is a new one)
	 */
	void decoded(FrameDecoder decoder, boolean emitted) {
		AbstractConnection transport = this.connection;
		if (transport == null) {
			return;
		}
		boolean partial = decoder.buffered() > 0;
		if (partial && (!this.pending || emitted)) {
			transport.frameClock().started();
		}
		else if (!partial && this.pending) {
			transport.frameClock().ended();
		}
		this.pending = partial;
	}

	/**
	 * Fail if the connection was closed because a frame missed its deadline, so that a
	 * reader never takes the end of input that follows for the peer's.
	 * @throws FrameTimeoutException if so
	 */
	void checkNotExpired() throws FrameTimeoutException {
		if (expired()) {
			throw new FrameTimeoutException();
		}
	}

	/** @return whether the connection was closed because a frame missed its deadline */
	boolean expired() {
		AbstractConnection transport = this.connection;
		return transport != null && transport.closedForFrameTimeout();
	}

}
