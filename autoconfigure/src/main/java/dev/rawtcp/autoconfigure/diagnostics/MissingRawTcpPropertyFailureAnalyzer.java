package dev.rawtcp.autoconfigure.diagnostics;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.rawtcp.autoconfigure.InvalidRawTcpConfigurationException;

/**
 * Explains an {@link InvalidRawTcpConfigurationException} about a property that is not set
 * at all (a listener without a port), which Spring Boot's analyzer would report as the value
 * {@code 'null'}. Invalid values are left to Spring Boot's analyzer, which shows where they
 * were set.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MissingRawTcpPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRawTcpConfigurationException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, InvalidRawTcpConfigurationException cause) {
		if (cause.getValue() != null) {
			return null;
		}
		return new FailureAnalysis(
				"Property '" + cause.getPropertyName() + "' is not set: " + cause.getReason() + ".",
				"Update your application's configuration: set '" + cause.getPropertyName() + "'.", cause);
	}

}
