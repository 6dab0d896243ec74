package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.ListenerBindException;

/**
 * Explains a {@link ListenerBindException}: which listener could not bind which address,
 * why, and what to change.
 */
class ListenerBindFailureAnalyzer extends AbstractFailureAnalyzer<ListenerBindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerBindException cause) {
		String name = cause.getListenerName();
		String address = cause.getHost() + ":" + cause.getPort();
		String portKey = propertyKey(name, "port");
		String hostKey = propertyKey(name, "host");
		String description = "rawtcp listener '" + name + "' could not bind " + address + ": " + switch (cause.getKind()) {
			case ADDRESS_IN_USE -> "port " + cause.getPort() + " is already in use.";
			case PERMISSION_DENIED -> "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE).";
			case ADDRESS_NOT_AVAILABLE -> "the address is not available (" + cause.getHost()
					+ " is not an address of this machine).";
			case OTHER -> messageOf(cause) + ".";
		};
		String action = switch (cause.getKind()) {
			case ADDRESS_IN_USE -> "Identify and stop the process that is listening on port " + cause.getPort()
					+ " (for example with 'ss -ltnp sport = :" + cause.getPort() + "'), or change " + portKey
					+ " to a free port (0 picks an ephemeral one).";
			case PERMISSION_DENIED -> "Change " + portKey
					+ " to a port of 1024 or above, or give the process the CAP_NET_BIND_SERVICE capability.";
			case ADDRESS_NOT_AVAILABLE -> "Change " + hostKey
					+ " to 0.0.0.0 (every interface) or to an address of a local interface.";
			case OTHER -> "Check " + hostKey + " and " + portKey + ".";
		};
		return new FailureAnalysis(description, action, cause);
	}

	private static String messageOf(ListenerBindException cause) {
		Throwable io = cause.getCause();
		return (io != null && io.getMessage() != null) ? io.getMessage() : cause.getMessage();
	}

	/**
	 * The key to change: {@code rawtcp.<setting>} for the listener built from
	 * {@code rawtcp.port}, else {@code rawtcp.listeners.<name>.<setting>}.
	 */
	static String propertyKey(String listenerName, String setting) {
		if ("default".equals(listenerName)) {
			return "rawtcp." + setting + " (or rawtcp.listeners.default." + setting + ")";
		}
		return "rawtcp.listeners." + listenerName + "." + setting;
	}

}
