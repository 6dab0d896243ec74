package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.ListenerMode;
import dev.rawtcp.autoconfigure.HandlerModeMismatchException;

/**
 * Explains a {@link HandlerModeMismatchException}: the listener, its mode and the handler
 * bean that does not fit it.
 */
class HandlerModeMismatchFailureAnalyzer extends AbstractFailureAnalyzer<HandlerModeMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HandlerModeMismatchException cause) {
		boolean eventLoop = cause.getMode() == ListenerMode.EVENT_LOOP;
		String needed = eventLoop ? "dev.rawtcp.TcpHandler" : "dev.rawtcp.TcpStreamHandler";
		String other = eventLoop ? ListenerMode.THREAD_PER_CONNECTION.value() : ListenerMode.EVENT_LOOP.value();
		return new FailureAnalysis("rawtcp listener '" + cause.getListenerName() + "' has mode '"
				+ cause.getMode().value() + "' (property '" + cause.getPropertyName() + "'), which needs a " + needed
				+ ", but its handler bean '" + cause.getBeanName() + "' is a " + cause.getBeanType().getName() + ".",
				"Set '" + cause.getPropertyName() + "' to 'auto' or '" + other + "', or point the listener's handler "
						+ "property at a " + needed + " bean.",
				cause);
	}

}
