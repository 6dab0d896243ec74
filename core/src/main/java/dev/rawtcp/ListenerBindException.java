package dev.rawtcp;

import java.io.IOException;

/**
 * A listener could not bind or listen on its address.
 */
public class ListenerBindException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	private final String listenerName;

	private final String host;

	private final int port;

	private final Kind kind;

	/**
	 * Create an exception.
	 * @param listenerName the listener
	 * @param host the host it tried to bind
	 * @param port the port it tried to bind
	 * @param kind what went wrong
	 * @param cause the I/O error
	 */
	public ListenerBindException(String listenerName, String host, int port, Kind kind, IOException cause) {
		super("Listener '" + listenerName + "' could not bind " + host + ":" + port + ": " + cause.getMessage(),
				cause);
		this.listenerName = listenerName;
		this.host = host;
		this.port = port;
		this.kind = kind;
	}

	/**
	 * The listener's name.
	 * @return the name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * The host the listener tried to bind.
	 * @return the host
	 */
	public String getHost() {
		return this.host;
	}

	/**
	 * The port the listener tried to bind.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * What went wrong.
	 * @return the kind
	 */
	public Kind getKind() {
		return this.kind;
	}

	/**
	 * Classes of bind failure, each with its own remedy.
	 */
	public enum Kind {

		/** {@code EADDRINUSE}: another socket holds the address. */
		ADDRESS_IN_USE,

		/** {@code EACCES}/{@code EPERM}: a privileged port without the capability. */
		PERMISSION_DENIED,

		/** {@code EADDRNOTAVAIL}: the host is not an address of this machine. */
		ADDRESS_NOT_AVAILABLE,

		/** Anything else. */
		OTHER

	}

}
