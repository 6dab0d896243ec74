package dev.rawtcp.internal;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;

/**
 * Checks that a listener's configured mode fits the type of its handler. Internal.
 */
public final class ListenerModes {

	private ListenerModes() {
	}

	/**
	 * Check the configured mode against the mode the handler serves.
	 * @param config the listener's configuration
	 * @param handlerMode {@link ListenerMode#EVENT_LOOP} for a {@code TcpHandler},
	 * {@link ListenerMode#THREAD_PER_CONNECTION} for a {@code TcpStreamHandler}
	 * @return the resolved mode
	 * @throws IllegalArgumentException naming the listener and both modes on a mismatch
	 */
	public static ListenerMode resolve(ListenerConfig config, ListenerMode handlerMode) {
		if (config.mode() != ListenerMode.AUTO && config.mode() != handlerMode) {
			throw new IllegalArgumentException("Listener '" + config.name() + "' has mode '" + config.mode().value()
					+ "' but its handler is for mode '" + handlerMode.value() + "'");
		}
		return handlerMode;
	}

}
