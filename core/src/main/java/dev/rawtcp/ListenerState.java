package dev.rawtcp;

/**
 * Life of a listener.
 */
public enum ListenerState {

	/** Bound and accepting. */
	RUNNING,

	/** Bound, not accepting: new connections wait in the kernel accept queue. */
	PAUSED,

	/** Not accepting; open connections are being allowed to finish. */
	DRAINING,

	/** Unbound; every connection is closed. */
	STOPPED;

	/**
	 * Lower-case value used in endpoint output.
	 * @return the value
	 */
	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
