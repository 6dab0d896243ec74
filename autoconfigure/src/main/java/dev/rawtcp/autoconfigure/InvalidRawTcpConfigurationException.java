package dev.rawtcp.autoconfigure;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.RawTcpException;

/**
 * A {@code rawtcp.*} property has a value rawtcp cannot use; the message names the property.
 */
public class InvalidRawTcpConfigurationException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	private final String propertyName;

	private final @Nullable Object value;

	private final String reason;

	/**
	 * Create an exception.
	 * @param propertyName the full property key, e.g. {@code rawtcp.listeners.echo.port}
	 * @param value the offending value
	 * @param reason what is wrong with it, e.g. {@code must be between 0 and 65535}
	 */
	public InvalidRawTcpConfigurationException(String propertyName, @Nullable Object value, String reason) {
		super("Invalid value '" + value + "' for property '" + propertyName + "': " + reason);
		this.propertyName = propertyName;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * The full key of the property.
	 * @return the property name
	 */
	public String getPropertyName() {
		return this.propertyName;
	}

	/**
	 * The offending value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * What is wrong with the value.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
