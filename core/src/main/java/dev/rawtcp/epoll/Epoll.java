package dev.rawtcp.epoll;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.TransportUnavailableException;

/**
 * The entry point of the epoll transport: whether it works in this JVM (checked once, by
 * loading the native binding and opening and closing an epoll fd and an eventfd), and its
 * groups, for transport selection ({@code dev.rawtcp.transport.EventLoopGroups}); applications
 * create groups there.
 */
public final class Epoll {

	private static final @Nullable Throwable UNAVAILABILITY_CAUSE = probe();

	private Epoll() {
	}

	/**
	 * Create an epoll group whose loops start with its first listener.
	 * @param threads the number of loops, at least 1
	 * @return the group
	 * @throws TransportUnavailableException if epoll cannot be used, saying why
	 */
	public static EventLoopGroup newEventLoopGroup(int threads) {
		return new EpollEventLoopGroup(threads);
	}

	/** @return whether epoll can be used */
	public static boolean isAvailable() {
		return UNAVAILABILITY_CAUSE == null;
	}

	/**
	 * @throws TransportUnavailableException if epoll cannot be used, saying why
	 */
	public static void ensureAvailability() {
		if (UNAVAILABILITY_CAUSE != null) {
			throw new TransportUnavailableException("rawtcp transport 'epoll' is unavailable here ("
					+ System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "): "
					+ UNAVAILABILITY_CAUSE.getMessage() + "; set rawtcp.transport=nio or auto", UNAVAILABILITY_CAUSE);
		}
	}

	/** @return why epoll cannot be used, or {@code null} if it can */
	public static @Nullable Throwable unavailabilityCause() {
		return UNAVAILABILITY_CAUSE;
	}

	private static @Nullable Throwable probe() {
		if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
			return new UnsupportedOperationException("epoll needs Linux");
		}
		try {
			Native.probe();
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

}
