package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.TransportUnavailableException;

/**
 * Explains a {@link TransportUnavailableException}: {@code rawtcp.transport=epoll} where epoll
 * cannot work.
 */
class TransportUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<TransportUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TransportUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage() + ".",
				"Set rawtcp.transport to 'auto' (epoll where it works, else nio) or 'nio'.", cause);
	}

}
