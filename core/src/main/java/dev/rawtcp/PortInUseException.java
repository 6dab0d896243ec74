package dev.rawtcp;

import java.io.IOException;

/**
 * The listener's port is already in use ({@code EADDRINUSE}).
 */
public class PortInUseException extends ListenerBindException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param listenerName the listener
	 * @param host the host
	 * @param port the port in use
	 * @param cause the I/O error
	 */
	public PortInUseException(String listenerName, String host, int port, IOException cause) {
		super(listenerName, host, port, Kind.ADDRESS_IN_USE, cause);
	}

}
