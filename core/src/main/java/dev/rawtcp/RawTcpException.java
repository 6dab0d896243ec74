package dev.rawtcp;

/**
 * Base of rawtcp's unchecked exceptions.
 */
public class RawTcpException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the message
	 * @param cause the cause, may be {@code null}
	 */
	public RawTcpException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Create an exception.
	 * @param message the message
	 */
	public RawTcpException(String message) {
		super(message);
	}

}
