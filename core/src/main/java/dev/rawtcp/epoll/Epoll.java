package dev.rawtcp.epoll;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.TransportUnavailableException;

/**
 * Whether the epoll transport works in this JVM: checked once, by loading the native
 * binding and opening and closing an epoll fd and an eventfd.
 */
public final class Epoll {

	private static final @Nullable Throwable UNAVAILABILITY_CAUSE = probe();

	private Epoll() {
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
