package dev.rawtcp.autoconfigure;

import java.util.List;

import dev.rawtcp.RawTcpException;

/**
 * A listener names an SSL bundle ({@code ssl.bundle} or {@code ssl.server-name-bundles})
 * that no {@code spring.ssl.bundle.*} property defines.
 */
public class UnknownSslBundleException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	private final String listenerName;

	private final String propertyName;

	private final String bundleName;

	private final List<String> bundleNames;

	/**
	 * Create an exception.
	 * @param listenerName the listener
	 * @param propertyName the key of the property naming the bundle
	 * @param bundleName the bundle named
	 * @param bundleNames the bundles that exist
	 */
	public UnknownSslBundleException(String listenerName, String propertyName, String bundleName,
			List<String> bundleNames) {
		super("rawtcp listener '" + listenerName + "': property '" + propertyName + "' names SSL bundle '" + bundleName
				+ "', but no bundle of that name is configured (bundles: "
				+ (bundleNames.isEmpty() ? "none" : String.join(", ", bundleNames)) + ")");
		this.listenerName = listenerName;
		this.propertyName = propertyName;
		this.bundleName = bundleName;
		this.bundleNames = List.copyOf(bundleNames);
	}

	/**
	 * The listener.
	 * @return the listener's name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * The key of the property naming the bundle.
	 * @return the property name
	 */
	public String getPropertyName() {
		return this.propertyName;
	}

	/**
	 * The bundle named.
	 * @return the bundle's name
	 */
	public String getBundleName() {
		return this.bundleName;
	}

	/**
	 * The bundles that are configured.
	 * @return their names
	 */
	public List<String> getBundleNames() {
		return this.bundleNames;
	}

}
