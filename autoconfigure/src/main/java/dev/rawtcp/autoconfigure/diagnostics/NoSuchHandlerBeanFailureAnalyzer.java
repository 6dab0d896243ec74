package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.autoconfigure.NoSuchHandlerBeanException;

/**
 * Explains a {@link NoSuchHandlerBeanException}: a handler name matching no handler bean,
 * or no handler bean at all.
 */
class NoSuchHandlerBeanFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchHandlerBeanException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchHandlerBeanException cause) {
		String listener = "rawtcp listener '" + cause.getListenerName() + "'";
		if (cause.getBeanName() == null) {
			return new FailureAnalysis(listener + " has no handler: the context holds no bean of type "
					+ "dev.rawtcp.TcpHandler or dev.rawtcp.TcpStreamHandler.",
					"Define a TcpHandler bean (event-loop mode) or a TcpStreamHandler bean (thread-per-connection "
							+ "mode), or remove the listener (set rawtcp.enabled=false to start none).",
					cause);
		}
		String existing = cause.getHandlerBeanNames().isEmpty() ? "there are none"
				: "the handler beans are " + String.join(", ", cause.getHandlerBeanNames());
		return new FailureAnalysis(
				listener + " uses handler bean '" + cause.getBeanName() + "' (property '" + cause.getPropertyName()
						+ "'), but no TcpHandler or TcpStreamHandler bean of that name exists; " + existing + ".",
				"Change '" + cause.getPropertyName()
						+ "' to the name of a handler bean, or define a TcpHandler or TcpStreamHandler bean named '"
						+ cause.getBeanName() + "'.",
				cause);
	}

}
