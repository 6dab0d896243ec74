package dev.rawtcp.autoconfigure;

import dev.rawtcp.ListenerConfig;

/**
 * Callback that customises a listener's configuration after the {@code rawtcp.*} properties
 * were applied and before it is validated and bound. Beans of this type are applied in
 * {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface RawTcpListenerCustomizer {

	/**
	 * Customise one listener.
	 * @param listenerName the listener's name ({@code default} for the listener built from {@code rawtcp.port})
	 * @param builder the builder holding the values from the properties
	 */
	void customize(String listenerName, ListenerConfig.Builder builder);

}
