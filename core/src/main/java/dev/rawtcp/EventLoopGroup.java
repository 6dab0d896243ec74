package dev.rawtcp;

import java.time.Duration;
import java.util.List;

/**
 * A fixed set of event-loop threads serving any number of listeners. Create one with
 * {@code dev.rawtcp.transport.EventLoopGroups.create(Transport, int)}, bind listeners to it,
 * and close it when done. Its threads start with its first listener.
 *
 * <pre>{@code
 * try (EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 0)) {
 *     group.bind(ListenerConfig.builder("echo").port(7000).build(), (connection, data) -> connection.write(data));
 *     Thread.currentThread().join();
 * }
 * }</pre>
 */
public interface EventLoopGroup extends AutoCloseable {

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

	/**
	 * What the group's loops counted that no listener can be given (see {@link EventLoopStats}).
	 * @return the group's counters; a group that counts nothing returns zeros
	 */
	default EventLoopStats stats() {
		return new EventLoopStats();
	}

	/** @return whether the group is not shut down and no event-loop thread has died (true before the first listener) */
	boolean isAlive();

	/**
	 * Stop every listener gracefully (see {@link Listener#stop(Duration)}), then the loops.
	 * Returns when the loops have ended, except when called on one of the group's own loop
	 * threads: then it starts the shutdown on a thread of its own and returns at once.
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
