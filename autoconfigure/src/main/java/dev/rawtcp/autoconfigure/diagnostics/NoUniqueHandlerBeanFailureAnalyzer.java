package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.autoconfigure.NoUniqueHandlerBeanException;

/**
 * Explains a {@link NoUniqueHandlerBeanException}: several handler beans and no
 * {@code handler} property to choose one.
 */
class NoUniqueHandlerBeanFailureAnalyzer extends AbstractFailureAnalyzer<NoUniqueHandlerBeanException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoUniqueHandlerBeanException cause) {
		return new FailureAnalysis(
				"rawtcp listener '" + cause.getListenerName() + "' names no handler, and "
						+ cause.getHandlerBeanNames().size() + " handler beans exist: "
						+ String.join(", ", cause.getHandlerBeanNames()) + ".",
				"Set '" + cause.getPropertyName() + "'"
						+ ("rawtcp.handler".equals(cause.getPropertyName()) ? "" : " (or rawtcp.handler for every listener)")
						+ " to one of: "
						+ String.join(", ", cause.getHandlerBeanNames()) + ".",
				cause);
	}

}
