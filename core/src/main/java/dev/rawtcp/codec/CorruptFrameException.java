package dev.rawtcp.codec;

/**
 * A frame that cannot be decoded: a length field that is negative (after adjustment), or a
 * stream that ends inside a length-field frame.
 */
public class CorruptFrameException extends CodecException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what is wrong with the frame
	 */
	public CorruptFrameException(String message) {
		super(message);
	}

}
