package dev.rawtcp.codec;

import java.nio.ByteBuffer;

/**
 * Receives the frames a {@link FrameDecoder} completes.
 *
 * @param <X> the exception the sink may throw
 */
@FunctionalInterface
public interface FrameSink<X extends Exception> {

	/**
	 * A whole frame, from position to limit, in big-endian (network) byte order. The buffer
	 * is a view of the decoder's input chunk or of its own buffer (either may be direct): it
	 * is only valid during the call, so copy what you keep, and do not write to it.
	 * @param frame the frame's bytes (without delimiter; with or without the length header
	 * as configured)
	 * @throws X to stop decoding; the rest of the chunk is not decoded
	 */
	void accept(ByteBuffer frame) throws X;

}
