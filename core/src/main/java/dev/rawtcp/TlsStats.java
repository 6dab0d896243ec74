package dev.rawtcp;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A listener's TLS handshake counts and times, since it was created.
 */
public final class TlsStats {

	private final LongAdder succeeded = new LongAdder();

	private final LongAdder succeededNanos = new LongAdder();

	private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

	private final LongAdder[] failed = new LongAdder[TlsHandshakeFailure.values().length];

	TlsStats() {
		for (int i = 0; i < this.failed.length; i++) {
			this.failed[i] = new LongAdder();
		}
	}

	/** @return handshakes that succeeded */
	public long succeeded() {
		return this.succeeded.sum();
	}

	/** @return the time the successful handshakes took, from the accept to the finish, in nanoseconds */
	public long succeededNanos() {
		return this.succeededNanos.sum();
	}

	/** @return the longest successful handshake so far, in nanoseconds */
	public long maxNanos() {
		return this.maxNanos.get();
	}

	/**
	 * @param reason why
	 * @return handshakes that failed for it
	 */
	public long failed(TlsHandshakeFailure reason) {
		return this.failed[reason.ordinal()].sum();
	}

	/**
	 * Count a handshake that succeeded.
	 * @param nanos how long it took
	 */
	public void recordSucceeded(long nanos) {
		this.succeeded.increment();
		this.succeededNanos.add(nanos);
		this.maxNanos.accumulate(nanos);
	}

	/**
	 * Count a handshake that failed.
	 * @param reason why
	 */
	public void recordFailed(TlsHandshakeFailure reason) {
		this.failed[reason.ordinal()].increment();
	}

}
