package dev.rawtcp.autoconfigure;

import dev.rawtcp.Listener;

import org.springframework.context.ApplicationEvent;

/**
 * PLACEHOLDER owned by branch {@code boot}: only the contract's signatures, dropped at merge.
 */
public class RawTcpListenerStartedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient Listener listener;

	public RawTcpListenerStartedEvent(Object source, Listener listener) {
		super(source);
		this.listener = listener;
	}

	public Listener getListener() {
		return this.listener;
	}

}
