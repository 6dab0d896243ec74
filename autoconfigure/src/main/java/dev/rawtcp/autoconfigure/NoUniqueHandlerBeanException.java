package dev.rawtcp.autoconfigure;

import java.util.List;

import dev.rawtcp.RawTcpException;

/**
 * A listener names no handler and several handler beans exist, so rawtcp cannot choose one.
 */
public class NoUniqueHandlerBeanException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	private final String listenerName;

	private final String propertyName;

	private final List<String> handlerBeanNames;

	/**
	 * Create an exception.
	 * @param listenerName the listener
	 * @param propertyName the key of the listener's handler property
	 * @param handlerBeanNames the names of the handler beans
	 */
	public NoUniqueHandlerBeanException(String listenerName, String propertyName, List<String> handlerBeanNames) {
		super("rawtcp listener '" + listenerName + "' names no handler and " + handlerBeanNames.size()
				+ " handler beans exist (" + String.join(", ", handlerBeanNames) + "): set property '" + propertyName
				+ "'");
		this.listenerName = listenerName;
		this.propertyName = propertyName;
		this.handlerBeanNames = List.copyOf(handlerBeanNames);
	}

	/**
	 * The listener.
	 * @return the listener's name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * The key of the listener's handler property.
	 * @return the property name
	 */
	public String getPropertyName() {
		return this.propertyName;
	}

	/**
	 * The handler beans that exist.
	 * @return their names
	 */
	public List<String> getHandlerBeanNames() {
		return this.handlerBeanNames;
	}

}
