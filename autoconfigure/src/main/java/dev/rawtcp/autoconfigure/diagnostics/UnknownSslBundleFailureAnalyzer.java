package dev.rawtcp.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.rawtcp.autoconfigure.UnknownSslBundleException;

/**
 * Explains an {@link UnknownSslBundleException}: a listener's {@code ssl.bundle} (or one of
 * its {@code ssl.server-name-bundles}) names no configured SSL bundle.
 */
class UnknownSslBundleFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSslBundleException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownSslBundleException cause) {
		String existing = cause.getBundleNames().isEmpty() ? "no bundle is configured"
				: "the configured bundles are " + String.join(", ", cause.getBundleNames());
		return new FailureAnalysis("rawtcp listener '" + cause.getListenerName() + "' uses SSL bundle '"
				+ cause.getBundleName() + "' (property '" + cause.getPropertyName()
				+ "'), but no SSL bundle of that name is configured; " + existing + ".",
				"Define the bundle under 'spring.ssl.bundle.pem." + cause.getBundleName() + "' (PEM files) or "
						+ "'spring.ssl.bundle.jks." + cause.getBundleName() + "' (a JKS or PKCS#12 key store), or change '"
						+ cause.getPropertyName() + "' to the name of a configured bundle.",
				cause);
	}

}
