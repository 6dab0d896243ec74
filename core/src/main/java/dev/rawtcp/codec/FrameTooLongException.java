package dev.rawtcp.codec;

/**
 * A frame longer than the codec's maximum frame length.
 */
public class FrameTooLongException extends CodecException {

	private static final long serialVersionUID = 1L;

	private final long frameLength;

	private final int maxFrameLength;

	/**
	 * Create an exception.
	 * @param frameLength the length seen: exact when {@code lengthKnown}, else a lower bound
	 * @param maxFrameLength the maximum that was exceeded
	 * @param lengthKnown whether the whole frame length is known (from a length field)
	 */
	public FrameTooLongException(long frameLength, int maxFrameLength, boolean lengthKnown) {
		super("frame of " + (lengthKnown ? "" : "at least ") + frameLength + " bytes exceeds the maximum of "
				+ maxFrameLength);
		this.frameLength = frameLength;
		this.maxFrameLength = maxFrameLength;
	}

	/**
	 * The frame length seen when the error was detected (a lower bound for delimited frames).
	 * @return the length in bytes
	 */
	public long frameLength() {
		return this.frameLength;
	}

	/**
	 * The maximum frame length of the codec.
	 * @return the length in bytes
	 */
	public int maxFrameLength() {
		return this.maxFrameLength;
	}

}
