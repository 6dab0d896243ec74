package dev.rawtcp.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.TransportUnavailableException;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.epoll.EpollEventLoopGroup;
import dev.rawtcp.nio.NioEventLoopGroup;

/**
 * Chooses and creates a transport. Internal.
 */
public final class Transports {

	private static final Logger logger = LoggerFactory.getLogger(Transports.class);

	private Transports() {
	}

	/**
	 * Resolve {@code AUTO} to the transport that works here.
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

	/**
	 * Create a started group.
	 * @param transport the transport asked for
	 * @param threads loops, 0 for the number of processors
	 * @return the group
	 */
	public static EventLoopGroup create(Transport transport, int threads) {
		if (threads < 0) {
			throw new IllegalArgumentException("Invalid 'event-loop.threads' value '" + threads + "': must not be negative");
		}
		int count = (threads != 0) ? threads : Runtime.getRuntime().availableProcessors();
		return (resolve(transport) == Transport.EPOLL) ? new EpollEventLoopGroup(count) : new NioEventLoopGroup(count);
	}

}
