package dev.rawtcp.internal;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

import dev.rawtcp.FrameException;
import dev.rawtcp.ListenerStats;

/**
 * Counts and logs what goes wrong on one listener: handler exceptions, write queues over
 * their limit, frames over their deadline, I/O errors and accept errors. Each kind is logged at most once per 10 s
 * (with the number of events held back), so a fault hitting every connection cannot flood
 * the log. Thread-safe. Internal.
 */
public final class ListenerLog {

	/** How long accepting pauses after an accept error that would otherwise repeat at once. */
	public static final long ACCEPT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final Set<String> EXHAUSTION = Set.of("EMFILE", "ENFILE", "ENOBUFS", "ENOMEM");

	private final Logger logger;

	private final String listenerName;

	private final ListenerStats stats;

	/**
	 * The most a closing connection reads and discards at once while it waits for the peer's FIN;
	 * then it waits 100 ms before it reads again, so that a peer that keeps sending is held back by
	 * flow control and reset at the linger deadline.
	 */
	public static final int LINGER_DISCARD_LIMIT = 64 * 1024;

	private final LogThrottle handlerErrors = new LogThrottle(10, TimeUnit.SECONDS);

	private final LogThrottle connectionErrors = new LogThrottle(10, TimeUnit.SECONDS);

	private final LogThrottle frameTimeouts = new LogThrottle(10, TimeUnit.SECONDS);

	private final LogThrottle acceptErrors = new LogThrottle(10, TimeUnit.SECONDS);

	private final LogThrottle tlsFailures = new LogThrottle(10, TimeUnit.SECONDS);

	private final LogThrottle proxyErrors = new LogThrottle(10, TimeUnit.SECONDS);

	/**
	 * Create the log of one listener.
	 * @param logger the transport's logger
	 * @param listenerName the listener's name, in every line
	 * @param stats the listener's counters
	 */
	public ListenerLog(Logger logger, String listenerName, ListenerStats stats) {
		this.logger = logger;
		this.listenerName = listenerName;
		this.stats = stats;
	}

	/**
	 * Whether an accept error means a resource (file descriptors, buffers, memory) ran out,
	 * so that accepting again at once would fail again.
	 * @param errno the errno name
	 * @return whether to back off
	 */
	public static boolean isExhaustion(String errno) {
		return EXHAUSTION.contains(errno);
	}

	/**
	 * A handler threw: count it (and a frame error for a {@link FrameException}) and log it.
	 * @param peer the connection's peer, for the log line
	 * @param ex what it threw
	 */
	public void handlerFailed(Object peer, Throwable ex) {
		this.stats.recordHandlerError();
		boolean frameError = ex instanceof FrameException;
		if (frameError) {
			this.stats.recordFrameError();
		}
		long suppressed = this.handlerErrors.tryAcquire();
		if (suppressed < 0) {
			return;
		}
		if (frameError) {
			this.logger.warn("Listener '{}': closing {}: {}{}", this.listenerName, peer, ex.getMessage(),
					more(suppressed, "handler errors"));
		}
		else {
			this.logger.warn("Listener '{}': handler failed on {}; closing it{}", this.listenerName, peer,
					more(suppressed, "handler errors"), ex);
		}
	}

	/**
	 * A write would have taken the queue over its limit; the connection is being closed.
	 * @param peer the connection's peer
	 * @param wanted the queue size the write would have made
	 * @param limit the configured limit
	 */
	public void writeLimitExceeded(Object peer, long wanted, long limit) {
		long suppressed = this.connectionErrors.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': closing {}: {} bytes would be queued, over write-buffer.limit {}{}",
					this.listenerName, peer, wanted, limit, more(suppressed, "connection errors"));
		}
	}

	/**
	 * A closing connection whose peer kept sending after the server's FIN reached its linger
	 * deadline: counted, and reset.
	 * @param peer the connection's peer
	 * @param discarded the bytes it discarded
	 */
	public void lingerReset(Object peer, long discarded) {
		this.stats.recordLingerReset();
		long suppressed = this.connectionErrors.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': resetting {}: it kept sending after the server closed ({} bytes discarded, "
					+ "at most {} per 100 ms){}", this.listenerName, peer, discarded, LINGER_DISCARD_LIMIT,
					more(suppressed, "connection errors"));
		}
	}

	/**
	 * A frame was not complete within the frame timeout of its first byte; the connection is
	 * being closed (counted by its close reason, not here).
	 * @param peer the connection's peer
	 * @param timeoutNanos the listener's frame timeout
	 */
	public void frameTimedOut(Object peer, long timeoutNanos) {
		long suppressed = this.frameTimeouts.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': closing {}: a frame was not complete {} ms after its first byte "
					+ "(frame-timeout){}", this.listenerName, peer, TimeUnit.NANOSECONDS.toMillis(timeoutNanos),
					more(suppressed, "frame timeouts"));
		}
	}

	/**
	 * An unexpected I/O error closed a connection.
	 * @param peer the connection's peer
	 * @param message what failed
	 */
	public void ioError(Object peer, String message) {
		long suppressed = this.connectionErrors.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': I/O error on {}: {}{}", this.listenerName, peer, message,
					more(suppressed, "connection errors"));
		}
	}

	/**
	 * A TLS handshake failed (counted by the caller); the connection is being closed.
	 * @param peer the connection's peer
	 * @param reason why
	 * @param detail what the engine said
	 */
	public void tlsHandshakeFailed(Object peer, dev.rawtcp.TlsHandshakeFailure reason, String detail) {
		long suppressed = this.tlsFailures.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': TLS handshake with {} failed ({}): {}{}", this.listenerName, peer,
					reason.tagValue(), detail, more(suppressed, "TLS handshake failures"));
		}
	}

	/**
	 * A connection's PROXY header was refused: counted, logged once per interval; the connection is being closed.
	 * @param peer the socket's peer
	 * @param reason why
	 * @param detail what was wrong
	 */
	public void proxyHeaderRefused(Object peer, dev.rawtcp.proxy.ProxyHeaderError reason, String detail) {
		this.stats.recordProxyHeaderError(reason);
		long suppressed = this.proxyErrors.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': closing {}: PROXY header refused ({}): {}{}", this.listenerName, peer,
					reason.tag(), detail, more(suppressed, "PROXY header errors"));
		}
	}

	/**
	 * Count a failed accept and log it.
	 * @param errno the errno name ({@code EMFILE}, ... or {@code OTHER})
	 * @param detail the error message
	 * @param backingOff whether accepting pauses for {@link #ACCEPT_BACKOFF_NANOS}
	 */
	public void acceptFailed(String errno, String detail, boolean backingOff) {
		this.stats.recordAcceptError(errno);
		long suppressed = this.acceptErrors.tryAcquire();
		if (suppressed >= 0) {
			this.logger.warn("Listener '{}': accept failed with {} ({}){}; {}", this.listenerName, errno, detail,
					more(suppressed, "accept errors"),
					isExhaustion(errno) ? "pausing accepts for 100 ms (raise the file-descriptor limit, ulimit -n)"
							: backingOff ? "pausing accepts for 100 ms" : "continuing");
		}
	}

	private static String more(long suppressed, String what) {
		return (suppressed > 0) ? " (" + suppressed + " more " + what + " since the last report)" : "";
	}

}
