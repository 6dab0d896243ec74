package dev.rawtcp.autoconfigure;

import dev.rawtcp.ListenerMode;
import dev.rawtcp.RawTcpException;

/**
 * A listener's mode does not fit the type of its handler bean, e.g. {@code thread-per-connection}
 * with a {@code TcpHandler}.
 */
public class HandlerModeMismatchException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	private final String listenerName;

	private final String propertyName;

	private final ListenerMode mode;

	private final String beanName;

	private final Class<?> beanType;

	/**
	 * Create an exception.
	 * @param listenerName the listener
	 * @param propertyName the key of the listener's mode property
	 * @param mode the configured mode
	 * @param beanName the handler bean
	 * @param beanType the handler bean's type
	 */
	public HandlerModeMismatchException(String listenerName, String propertyName, ListenerMode mode, String beanName,
			Class<?> beanType) {
		super("rawtcp listener '" + listenerName + "' has mode '" + mode.value() + "' (property '" + propertyName
				+ "') but its handler bean '" + beanName + "' (" + beanType.getName() + ") "
				+ ((mode == ListenerMode.EVENT_LOOP) ? "is not a TcpHandler" : "is not a TcpStreamHandler"));
		this.listenerName = listenerName;
		this.propertyName = propertyName;
		this.mode = mode;
		this.beanName = beanName;
		this.beanType = beanType;
	}

	/**
	 * The listener.
	 * @return the listener's name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * The key of the listener's mode property.
	 * @return the property name
	 */
	public String getPropertyName() {
		return this.propertyName;
	}

	/**
	 * The configured mode.
	 * @return the mode
	 */
	public ListenerMode getMode() {
		return this.mode;
	}

	/**
	 * The handler bean.
	 * @return its name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * The handler bean's type.
	 * @return the type
	 */
	public Class<?> getBeanType() {
		return this.beanType;
	}

}
