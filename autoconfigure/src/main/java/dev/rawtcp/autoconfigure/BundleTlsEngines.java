package dev.rawtcp.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.TlsEngineFactory;

/**
 * The {@link TlsEngineFactory} of a listener configured with {@code ssl.bundle}: each engine
 * comes from the bundle chosen by the host name the client asked for (SNI,
 * {@code ssl.server-name-bundles}), else from the listener's own bundle, always from that
 * bundle's last good version. The Actuator endpoint and the metrics read the bundles from here.
 */
public final class BundleTlsEngines implements TlsEngineFactory {

	private final String listenerName;

	private final ReloadableSslBundle defaultBundle;

	private final Map<String, ReloadableSslBundle> serverNameBundles;

	/**
	 * Create a factory.
	 * @param listenerName the listener
	 * @param defaultBundle the bundle for clients that name no host, or one without a bundle of its own
	 * @param serverNameBundles bundles by host name, lower case
	 */
	BundleTlsEngines(String listenerName, ReloadableSslBundle defaultBundle,
			Map<String, ReloadableSslBundle> serverNameBundles) {
		this.listenerName = listenerName;
		this.defaultBundle = defaultBundle;
		this.serverNameBundles = Collections.unmodifiableMap(new LinkedHashMap<>(serverNameBundles));
	}

	@Override
	public SSLEngine createEngine(@Nullable String serverName) {
		ReloadableSslBundle bundle = (serverName != null)
				? this.serverNameBundles.getOrDefault(serverName, this.defaultBundle) : this.defaultBundle;
		return bundle.createEngine();
	}

	/**
	 * The listener these engines serve.
	 * @return the listener's name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * The listener's own bundle ({@code ssl.bundle}).
	 * @return the bundle
	 */
	public ReloadableSslBundle getDefaultBundle() {
		return this.defaultBundle;
	}

	/**
	 * The bundles chosen by host name ({@code ssl.server-name-bundles}).
	 * @return the bundles by lower-case host name, in configuration order
	 */
	public Map<String, ReloadableSslBundle> getServerNameBundles() {
		return this.serverNameBundles;
	}

	/**
	 * Every bundle the listener serves, its own first.
	 * @return the bundles by name
	 */
	public Map<String, ReloadableSslBundle> getBundles() {
		Map<String, ReloadableSslBundle> bundles = new LinkedHashMap<>();
		bundles.put(this.defaultBundle.getName(), this.defaultBundle);
		this.serverNameBundles.values().forEach((bundle) -> bundles.putIfAbsent(bundle.getName(), bundle));
		return bundles;
	}

	@Override
	public String toString() {
		return "BundleTlsEngines[listener=" + this.listenerName + ", bundle=" + this.defaultBundle.getName()
				+ ", serverNameBundles=" + this.serverNameBundles.keySet() + "]";
	}

}
