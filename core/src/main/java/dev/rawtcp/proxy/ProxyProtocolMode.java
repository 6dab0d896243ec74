package dev.rawtcp.proxy;

/**
 * Whether a listener reads a PROXY protocol header before its handler sees a byte.
 */
public enum ProxyProtocolMode {

	/** No header is read: the first bytes are the handler's. */
	OFF,

	/**
	 * A header is read when the connection starts with a PROXY signature, and the connection
	 * is served as plain when it does not.
	 */
	OPTIONAL,

	/** Every connection must start with a header; one that does not is refused. */
	REQUIRED

}
