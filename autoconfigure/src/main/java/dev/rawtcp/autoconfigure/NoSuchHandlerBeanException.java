package dev.rawtcp.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.RawTcpException;

/**
 * A listener's handler bean could not be found: the configured name matches no
 * {@code TcpHandler}/{@code TcpStreamHandler} bean, or no handler bean exists at all.
 */
public class NoSuchHandlerBeanException extends RawTcpException {

	private static final long serialVersionUID = 1L;

	private final String listenerName;

	private final String propertyName;

	private final @Nullable String beanName;

	private final List<String> handlerBeanNames;

	/**
	 * Create an exception.
	 * @param listenerName the listener
	 * @param propertyName the key of the listener's handler property
	 * @param beanName the bean name configured, or {@code null} if none was and no handler bean exists
	 * @param handlerBeanNames the names of the handler beans that do exist
	 */
	public NoSuchHandlerBeanException(String listenerName, String propertyName, @Nullable String beanName,
			List<String> handlerBeanNames) {
		super(message(listenerName, propertyName, beanName, handlerBeanNames));
		this.listenerName = listenerName;
		this.propertyName = propertyName;
		this.beanName = beanName;
		this.handlerBeanNames = List.copyOf(handlerBeanNames);
	}

	private static String message(String listenerName, String propertyName, @Nullable String beanName,
			List<String> handlerBeanNames) {
		if (beanName == null) {
			return "rawtcp listener '" + listenerName
					+ "' has no handler: no bean of type TcpHandler or TcpStreamHandler exists";
		}
		return "rawtcp listener '" + listenerName + "': property '" + propertyName + "' names bean '" + beanName
				+ "', but no TcpHandler or TcpStreamHandler bean of that name exists (handler beans: "
				+ (handlerBeanNames.isEmpty() ? "none" : String.join(", ", handlerBeanNames)) + ")";
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
	 * The configured bean name.
	 * @return the name, or {@code null} if none was configured
	 */
	public @Nullable String getBeanName() {
		return this.beanName;
	}

	/**
	 * The handler beans that exist.
	 * @return their names
	 */
	public List<String> getHandlerBeanNames() {
		return this.handlerBeanNames;
	}

}
