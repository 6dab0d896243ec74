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

	/**
	 * Whether a handler can serve a listener of this mode: a {@link TcpHandler} for
	 * {@code event-loop}, a {@link TcpStreamHandler} for {@code thread-per-connection}, either for
	 * {@code auto}.
	 * @param handler the handler
	 * @return whether it fits
	 */
	public boolean accepts(Object handler) {
		return switch (this) {
			case EVENT_LOOP -> handler instanceof TcpHandler;
			case THREAD_PER_CONNECTION -> handler instanceof TcpStreamHandler;
			case AUTO -> handler instanceof TcpHandler || handler instanceof TcpStreamHandler;
		};
	}

}
