package dev.rawtcp;

/**
 * Why a connection was closed; the {@code reason} tag of {@code rawtcp.connections.closed}.
 */
public enum CloseReason {

	/** Closed by either side in an orderly way (FIN, or {@link Connection#close()}). */
	NORMAL,

	/** Reset by the peer (ECONNRESET, EPIPE) or aborted with RST. */
	RESET,

	/** No traffic for longer than the listener's idle timeout. */
	IDLE,

	/** A handler exception, an oversize frame, a write queue over its limit or an I/O error. */
	ERROR,

	/** Closed because the listener was shut down. */
	SHUTDOWN,

	/** A frame was not complete within the listener's {@code frame-timeout} of its first byte. */
	FRAME_TIMEOUT;

	/**
	 * Lower-case value used in metric tags and by the endpoint, words joined by {@code -}
	 * ({@code frame-timeout}).
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
