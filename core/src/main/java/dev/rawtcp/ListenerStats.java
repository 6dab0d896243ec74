package dev.rawtcp;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.rawtcp.proxy.ProxyHeaderError;

/**
 * Counters of one listener. Updated by its event loops without contention
 * ({@link LongAdder}); read when metrics are scraped.
 */
public final class ListenerStats {

	/** The errno names under which accept errors are always reported, even at zero. */
	public static final java.util.List<String> KNOWN_ACCEPT_ERRNOS = java.util.List.of("EMFILE", "ENFILE",
			"ENOBUFS", "ENOMEM", "ECONNABORTED", "EPERM");

	private final LongAdder active = new LongAdder();

	private final LongAdder accepted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	private final LongAdder handlerErrors = new LongAdder();

	private final LongAdder lingerResets = new LongAdder();

	private final LongAdder frameErrors = new LongAdder();

	private final LongAdder loopBlocked = new LongAdder();

	private final LongAdder loopFailures = new LongAdder();

	private final LongAdder[] closed = new LongAdder[CloseReason.values().length];

	private final Map<String, LongAdder> acceptErrors = new ConcurrentHashMap<>();

	private final TlsStats tls = new TlsStats();

	private final LongAdder[] proxyHeaderErrors = new LongAdder[ProxyHeaderError.values().length];

	public ListenerStats() {
		for (int i = 0; i < this.closed.length; i++) {
			this.closed[i] = new LongAdder();
		}
		for (int i = 0; i < this.proxyHeaderErrors.length; i++) {
			this.proxyHeaderErrors[i] = new LongAdder();
		}
		for (String errno : KNOWN_ACCEPT_ERRNOS) {
			this.acceptErrors.put(errno, new LongAdder());
		}
	}

	/** @return open connections now */
	public long active() {
		return this.active.sum();
	}

	/** @return connections accepted and handed to the handler */
	public long accepted() {
		return this.accepted.sum();
	}

	/** @return connections accepted and closed at once because of {@code max-connections} */
	public long rejected() {
		return this.rejected.sum();
	}

	/** @return bytes read from sockets */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/** @return bytes taken by the kernel for sending */
	public long bytesSent() {
		return this.bytesSent.sum();
	}

	/** @return exceptions thrown by handlers */
	public long handlerErrors() {
		return this.handlerErrors.sum();
	}

	/**
	 * Closing connections reset because the peer kept sending after the server's FIN until the
	 * linger deadline (a closing connection discards at most 64 KiB per 100 ms meanwhile).
	 * @return the count
	 */
	public long lingerResets() {
		return this.lingerResets.sum();
	}

	/** @return frames rejected by a codec (oversize or malformed) */
	public long frameErrors() {
		return this.frameErrors.sum();
	}

	/** @return episodes in which a handler of this listener held its event loop past the blocked threshold */
	public long loopBlocked() {
		return this.loopBlocked.sum();
	}

	/**
	 * Unexpected throwables that reached an event loop from this listener's connections (not a
	 * handler's exception, which closes its connection and counts as a handler error).
	 * @return the count
	 */
	public long loopFailures() {
		return this.loopFailures.sum();
	}

	/** @return the TLS handshake counts and times (all zero on a plaintext listener) */
	public TlsStats tls() {
		return this.tls;
	}

	/**
	 * @param reason why
	 * @return connections refused for a PROXY header error of that reason
	 */
	public long proxyHeaderErrors(ProxyHeaderError reason) {
		return this.proxyHeaderErrors[reason.ordinal()].sum();
	}

	public void recordProxyHeaderError(ProxyHeaderError reason) {
		this.proxyHeaderErrors[reason.ordinal()].increment();
	}

	/**
	 * Connections closed for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long closed(CloseReason reason) {
		return this.closed[reason.ordinal()].sum();
	}

	/**
	 * Failed {@code accept} calls by errno name ({@code EMFILE}, ...).
	 * @return an unmodifiable live view
	 */
	public Map<String, Long> acceptErrors() {
		Map<String, Long> result = new java.util.TreeMap<>();
		this.acceptErrors.forEach((errno, count) -> result.put(errno, count.sum()));
		return Collections.unmodifiableMap(result);
	}

	/**
	 * Failed {@code accept} calls for one errno name.
	 * @param errno the errno name
	 * @return the count
	 */
	public long acceptErrors(String errno) {
		LongAdder adder = this.acceptErrors.get(errno);
		return (adder != null) ? adder.sum() : 0;
	}

	// Recording: called by transports.

	public void recordAccepted() {
		this.accepted.increment();
		this.active.increment();
	}

	public void recordRejected() {
		this.rejected.increment();
	}

	public void recordClosed(CloseReason reason) {
		this.active.decrement();
		this.closed[reason.ordinal()].increment();
	}

	public void recordBytesReceived(long bytes) {
		this.bytesReceived.add(bytes);
	}

	public void recordBytesSent(long bytes) {
		this.bytesSent.add(bytes);
	}

	public void recordHandlerError() {
		this.handlerErrors.increment();
	}

	public void recordFrameError() {
		this.frameErrors.increment();
	}

	public void recordLingerReset() {
		this.lingerResets.increment();
	}

	public void recordLoopBlocked() {
		this.loopBlocked.increment();
	}

	public void recordLoopFailure() {
		this.loopFailures.increment();
	}

	public void recordAcceptError(String errno) {
		this.acceptErrors.computeIfAbsent(errno, (key) -> new LongAdder()).increment();
	}

}
