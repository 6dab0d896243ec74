package dev.rawtcp;

import java.util.Locale;

/**
 * How many listening sockets a listener accepts on.
 */
public enum AcceptSharding {

	/** One listening socket, accepted on one loop of the group; connections are spread over every loop. */
	OFF,

	/**
	 * One listening socket per event loop of the group, all bound to the same port with
	 * {@code SO_REUSEPORT}: the kernel spreads new connections over the sockets, and each loop
	 * accepts and serves its own, with no hand-off between threads.
	 */
	PER_LOOP;

	/**
	 * The value as written in configuration, e.g. {@code per-loop}.
	 * @return the configuration value
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
