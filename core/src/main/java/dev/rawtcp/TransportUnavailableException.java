package dev.rawtcp;

/**
 * The requested transport cannot work in this JVM or on this OS.
 */
public class TransportUnavailableException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what is unavailable and why
	 * @param cause the underlying failure, may be {@code null}
	 */
	public TransportUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
