package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.autoconfigure.InvalidRawTcpConfigurationException;

/**
 * Explains an {@link InvalidRawTcpConfigurationException}: the property, its value and the rule.
 */
class InvalidRawTcpConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRawTcpConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidRawTcpConfigurationException cause) {
		String description = (cause.getValue() != null)
				? "Invalid value '" + cause.getValue() + "' for property '" + cause.getPropertyName() + "': "
						+ cause.getReason() + "."
				: "Property '" + cause.getPropertyName() + "' is not set: " + cause.getReason() + ".";
		String action = "Update your application's configuration: correct '" + cause.getPropertyName() + "'.";
		return new FailureAnalysis(description, action, cause);
	}

}
