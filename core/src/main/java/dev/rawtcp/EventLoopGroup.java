package dev.rawtcp;

import java.time.Duration;
import java.util.List;

import dev.rawtcp.internal.Transports;

/**
 * A fixed set of event-loop threads serving any number of listeners. Create one with
 * {@link #create(Transport, int)}, bind listeners to it, and close it when done.
 *
 * <pre>{@code
 * try (EventLoopGroup group = EventLoopGroup.create(Transport.AUTO, 0)) {
 *     group.bind(ListenerConfig.builder("echo").port(7000).build(), (connection, data) -> connection.write(data));
 *     Thread.currentThread().join();
 * }
 * }</pre>
 */
public interface EventLoopGroup extends AutoCloseable {

	/**
	 * Create a group and start its threads.
	 * @param transport the transport; {@link Transport#AUTO} picks epoll where it works and logs why
	 * @param threads the number of event loops; {@code 0} for the number of available processors
	 * @return a started group
	 * @throws TransportUnavailableException if {@link Transport#EPOLL} was asked for and cannot work here
	 */
	static EventLoopGroup create(Transport transport, int threads) {
		return Transports.create(transport, threads);
	}

	/** @return the transport in use: {@link Transport#EPOLL} or {@link Transport#NIO} */
	Transport transport();

	/** @return the number of event loops */
	int threads();

	/**
	 * Bind a listener whose connections go to an event-loop handler.
	 * @param config the listener's configuration; its mode must be {@code AUTO} or {@code EVENT_LOOP}
	 * @param handler the handler
	 * @return the bound, accepting listener
	 * @throws ListenerBindException if the address cannot be bound
	 */
	Listener bind(ListenerConfig config, TcpHandler handler);

	/**
	 * Bind a listener whose connections each get a thread and blocking streams.
	 * @param config the listener's configuration; its mode must be {@code AUTO} or {@code THREAD_PER_CONNECTION}
	 * @param handler the handler
	 * @return the bound, accepting listener
	 * @throws ListenerBindException if the address cannot be bound
	 */
	Listener bind(ListenerConfig config, TcpStreamHandler handler);

	/** @return the listeners bound and not yet stopped */
	List<Listener> listeners();

	/** @return whether every event-loop thread is alive */
	boolean isAlive();

	/**
	 * Stop every listener gracefully (see {@link Listener#stop(Duration)}), then the loops.
	 * @param gracePeriod the time connections are given
	 */
	void shutdownGracefully(Duration gracePeriod);

	/**
	 * Stop at once: close every connection and listener, then the loops.
	 */
	@Override
	default void close() {
		shutdownGracefully(Duration.ZERO);
	}

}
