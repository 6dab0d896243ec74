package dev.rawtcp.proxy;

/**
 * Why a connection's PROXY protocol header was refused. Each reason has a lower-case
 * {@link #tag() tag}, the value of the {@code reason} tag of the
 * {@code rawtcp.proxy.header.errors} meter.
 * <p>
 * The decoder reports the first seven; {@link #MISSING}, {@link #UNTRUSTED} and
 * {@link #TIMEOUT} are decided around it (by {@link ProxyProtocolPolicy} and by the
 * connection's header time-out).
 */
public enum ProxyHeaderError {

	/** The bytes start like a PROXY header but do not follow the specification. */
	MALFORMED("malformed"),

	/** The peer closed the connection in the middle of a header. */
	TRUNCATED("truncated"),

	/** A version 1 line without its CRLF within 107 bytes, or a version 2 header above the limit. */
	TOO_LARGE("too-large"),

	/** A version 2 signature followed by a version other than 2. */
	UNSUPPORTED_VERSION("unsupported-version"),

	/** A version 2 command other than {@code LOCAL} and {@code PROXY}. */
	UNSUPPORTED_COMMAND("unsupported-command"),

	/** A version 2 address family or transport protocol outside the specification. */
	UNSUPPORTED_FAMILY("unsupported-family"),

	/** A version 2 header whose CRC32c TLV does not match its content. */
	CHECKSUM_MISMATCH("checksum-mismatch"),

	/** A header is required but the connection starts with something else. */
	MISSING("missing"),

	/** A header came from a peer outside the trusted sources. */
	UNTRUSTED("untrusted"),

	/** The header did not arrive whole within the header time-out. */
	TIMEOUT("timeout");

	private final String tag;

	ProxyHeaderError(String tag) {
		this.tag = tag;
	}

	/**
	 * The meter tag value: lower case, words joined by hyphens.
	 * @return the tag, e.g. {@code too-large}
	 */
	public String tag() {
		return this.tag;
	}

}
