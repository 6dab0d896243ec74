package dev.rawtcp.transport;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.TransportUnavailableException;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.internal.AbstractEventLoopGroup;
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

	/** The shortest non-zero {@code event-loop.blocked-threshold}: the watchdog checks four times per threshold. */
	public static final Duration MIN_BLOCKED_THRESHOLD = Duration.ofMillis(10);

	/** The longest {@code event-loop.blocked-threshold}. */
	public static final Duration MAX_BLOCKED_THRESHOLD = Duration.ofHours(1);

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
		return create(transport, threads, AbstractEventLoopGroup.DEFAULT_BLOCKED_THRESHOLD);
	}

	/**
	 * Create a group whose watchdog reports a loop that stays away from its poll for longer than
	 * {@code blockedThreshold} (a handler or task blocking it): one WARN per episode with the
	 * loop's stack, counted. Its threads, and the buffers they use, start with its first listener.
	 * @param transport the transport; {@link Transport#AUTO} picks epoll where it works and logs why
	 * @param threads the number of event loops; {@code 0} for the number of available processors
	 * @param blockedThreshold {@link Duration#ZERO} to switch the watchdog off, else between
	 * {@link #MIN_BLOCKED_THRESHOLD} and {@link #MAX_BLOCKED_THRESHOLD} (default 2 s)
	 * @return the group
	 * @throws TransportUnavailableException if {@link Transport#EPOLL} was asked for and cannot work here
	 * @throws IllegalArgumentException if {@code threads} is negative or the threshold out of range
	 */
	public static EventLoopGroup create(Transport transport, int threads, Duration blockedThreshold) {
		if (threads < 0) {
			throw new IllegalArgumentException("Invalid 'event-loop.threads' value '" + threads + "': must not be negative");
		}
		checkBlockedThreshold(blockedThreshold);
		int count = (threads != 0) ? threads : Runtime.getRuntime().availableProcessors();
		EventLoopGroup group = (resolve(transport) == Transport.EPOLL) ? Epoll.newEventLoopGroup(count)
				: Nio.newEventLoopGroup(count);
		((AbstractEventLoopGroup<?>) group).blockedThreshold(blockedThreshold);
		return group;
	}

	private static void checkBlockedThreshold(Duration threshold) {
		if (threshold == null) {
			throw new IllegalArgumentException("'event-loop.blocked-threshold' must not be null");
		}
		if (!threshold.isZero() && (threshold.compareTo(MIN_BLOCKED_THRESHOLD) < 0
				|| threshold.compareTo(MAX_BLOCKED_THRESHOLD) > 0)) {
			throw new IllegalArgumentException("Invalid 'event-loop.blocked-threshold' value '" + threshold
					+ "': must be 0 (off) or between 10ms and 1h");
		}
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
