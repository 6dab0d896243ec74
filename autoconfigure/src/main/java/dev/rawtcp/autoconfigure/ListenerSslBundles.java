package dev.rawtcp.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * The SSL bundles the listeners of one application serve: each loaded once, however many
 * listeners serve it, with one update handler that swaps its context on reload.
 */
final class ListenerSslBundles {

	private final @Nullable SslBundles sslBundles;

	private final Map<String, ReloadableSslBundle> loaded = new LinkedHashMap<>();

	ListenerSslBundles(@Nullable SslBundles sslBundles) {
		this.sslBundles = sslBundles;
	}

	/**
	 * The bundle of that name, loaded on first use.
	 * @param listenerName the listener serving it
	 * @param propertyName the key of the property naming it
	 * @param bundleName the bundle's name
	 * @return the bundle
	 * @throws UnknownSslBundleException if no bundle of that name is configured
	 * @throws InvalidRawTcpConfigurationException if no context can be made from it
	 */
	ReloadableSslBundle get(String listenerName, String propertyName, String bundleName) {
		ReloadableSslBundle bundle = this.loaded.get(bundleName);
		if (bundle == null) {
			bundle = load(listenerName, propertyName, bundleName);
			this.loaded.put(bundleName, bundle);
		}
		bundle.addListener(listenerName);
		return bundle;
	}

	private ReloadableSslBundle load(String listenerName, String propertyName, String bundleName) {
		SslBundles bundles = this.sslBundles;
		List<String> names = (bundles != null) ? bundles.getBundleNames() : List.of();
		if (bundles == null || !names.contains(bundleName)) {
			throw new UnknownSslBundleException(listenerName, propertyName, bundleName, names);
		}
		SslBundle bundle = bundles.getBundle(bundleName);
		ReloadableSslBundle reloadable;
		try {
			reloadable = new ReloadableSslBundle(bundleName, bundle);
		}
		catch (RuntimeException ex) {
			InvalidRawTcpConfigurationException failure = new InvalidRawTcpConfigurationException(propertyName,
					bundleName, "SSL bundle '" + bundleName + "' cannot serve TLS: " + ex.getMessage());
			failure.initCause(ex);
			throw failure;
		}
		bundles.addBundleUpdateHandler(bundleName, reloadable::reload);
		return reloadable;
	}

}
