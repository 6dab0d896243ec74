package dev.rawtcp.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * A {@code rawtcp.*} property has a value rawtcp cannot use. A Spring Boot
 * {@link InvalidConfigurationPropertyValueException}, so Boot's failure analysis reports it
 * with the property, its value, where it was set (file and line) and the reason.
 */
public class InvalidRawTcpConfigurationException extends InvalidConfigurationPropertyValueException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param propertyName the full property key, e.g. {@code rawtcp.listeners.echo.port}
	 * @param value the offending value
	 * @param reason what is wrong with it, e.g. {@code must be between 0 and 65535}
	 */
	public InvalidRawTcpConfigurationException(String propertyName, @Nullable Object value, String reason) {
		super(propertyName, value, reason);
	}

	/**
	 * The full key of the property.
	 * @return the property name
	 */
	public String getPropertyName() {
		return getName();
	}

}
