package dev.rawtcp.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;

import org.springframework.context.SmartLifecycle;

/**
 * PLACEHOLDER owned by branch {@code boot}: only the contract's signatures, dropped at merge.
 */
public class RawTcpServer implements SmartLifecycle {

	private final EventLoopGroup eventLoopGroup;

	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	private final Map<String, Throwable> failures = new LinkedHashMap<>();

	private volatile boolean running;

	public RawTcpServer(EventLoopGroup eventLoopGroup) {
		this.eventLoopGroup = eventLoopGroup;
	}

	public EventLoopGroup getEventLoopGroup() {
		return this.eventLoopGroup;
	}

	public Map<String, Listener> getListeners() {
		return Collections.unmodifiableMap(this.listeners);
	}

	public Optional<Listener> getListener(String name) {
		return Optional.ofNullable(this.listeners.get(name));
	}

	public Map<String, Throwable> getFailures() {
		return Collections.unmodifiableMap(this.failures);
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
