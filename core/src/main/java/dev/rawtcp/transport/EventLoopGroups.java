package dev.rawtcp.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.TransportUnavailableException;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.nio.Nio;

/**
 * Creates event-loop groups: the one place that chooses a transport. It sits above both
 * transports, which know nothing of each other nor of it.
 *
 * <pre>{@code
 * try (EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 0)) {
 *     group.bind(ListenerConfig.builder("echo").port(7000).build(), (connection, data) -> connection.write(data));
 *     Thread.currentThread().join();
 * }
 * }</pre>
 */
public final class EventLoopGroups {

	private static final Logger logger = LoggerFactory.getLogger(EventLoopGroups.class);

	private EventLoopGroups() {
	}

	/**
	 * Create a group. Its threads, and the buffers they use, start with its first listener.
	 * @param transport the transport; {@link Transport#AUTO} picks epoll where it works and logs why
	 * @param threads the number of event loops; {@code 0} for the number of available processors
	 * @return the group
	 * @throws TransportUnavailableException if {@link Transport#EPOLL} was asked for and cannot work here
	 * @throws IllegalArgumentException if {@code threads} is negative
	 */
	public static EventLoopGroup create(Transport transport, int threads) {
		if (threads < 0) {
			throw new IllegalArgumentException("Invalid 'event-loop.threads' value '" + threads + "': must not be negative");
		}
		int count = (threads != 0) ? threads : Runtime.getRuntime().availableProcessors();
		return (resolve(transport) == Transport.EPOLL) ? Epoll.newEventLoopGroup(count) : Nio.newEventLoopGroup(count);
	}

	/**
	 * Resolve {@code AUTO} to the transport that works here, logging the choice and why.
	 * @param requested what was asked for
	 * @return {@code EPOLL} or {@code NIO}
	 * @throws TransportUnavailableException if {@code EPOLL} was asked for and cannot work
	 */
	public static Transport resolve(Transport requested) {
		switch (requested) {
			case EPOLL -> {
				Epoll.ensureAvailability();
				return Transport.EPOLL;
			}
			case NIO -> {
				return Transport.NIO;
			}
			default -> {
				if (Epoll.isAvailable()) {
					logger.info("rawtcp transport 'auto' chose epoll: the native library loaded and epoll works");
					return Transport.EPOLL;
				}
				Throwable cause = Epoll.unavailabilityCause();
				logger.info("rawtcp transport 'auto' chose nio: epoll is unavailable ({})",
						(cause != null) ? cause.getMessage() : "unknown reason");
				return Transport.NIO;
			}
		}
	}

}
