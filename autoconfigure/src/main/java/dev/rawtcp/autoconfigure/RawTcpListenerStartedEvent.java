package dev.rawtcp.autoconfigure;

import org.springframework.context.ApplicationEvent;

import dev.rawtcp.Listener;

/**
 * Published by {@link RawTcpServer} when a listener is bound and accepting, after its port
 * was published as {@code local.rawtcp.<name>.port}.
 */
public class RawTcpListenerStartedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient Listener listener;

	/**
	 * Create an event.
	 * @param server the server that bound the listener
	 * @param listener the listener
	 */
	public RawTcpListenerStartedEvent(RawTcpServer server, Listener listener) {
		super(server);
		this.listener = listener;
	}

	/**
	 * The server that bound the listener.
	 * @return the server
	 */
	public RawTcpServer getServer() {
		return (RawTcpServer) getSource();
	}

	/**
	 * The bound listener.
	 * @return the listener
	 */
	public Listener getListener() {
		return this.listener;
	}

}
