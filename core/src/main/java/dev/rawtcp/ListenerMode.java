package dev.rawtcp;

/**
 * How a listener hands its connections to user code.
 */
public enum ListenerMode {

	/** Taken from the type of the handler: {@link TcpHandler} or {@link TcpStreamHandler}. */
	AUTO,

	/** A {@link TcpHandler} called on the connection's event-loop thread. */
	EVENT_LOOP,

	/** A {@link TcpStreamHandler} given blocking streams on a thread of its own. */
	THREAD_PER_CONNECTION;

	/**
	 * The value as written in configuration, e.g. {@code event-loop}.
	 * @return the configuration value
	 */
	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
