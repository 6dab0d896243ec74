package dev.rawtcp.internal;

import java.util.concurrent.TimeUnit;

/**
 * Whether an event loop's reads come in bulk: 32 KiB or more in a 100 µs window (320 MB/s). A
 * loop that sees bulk reads waits instead of spinning ({@link AdaptiveSpin}), so that the
 * wake-up's delay lets each read take a bigger batch (the measurements behind the rule are in
 * docs/architecture.md, "the loop spin"). One thread. Internal.
 */
public final class BulkReads {

	private static final long BULK_BYTES = 32 * 1024;

	private static final long WINDOW_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

	/** Bytes read since {@link #windowStart}. */
	private long bytes;

	private long windowStart;

	private boolean bulk;

	/**
	 * Bytes were read.
	 * @param n how many
	 */
	public void add(int n) {
		this.bytes += n;
	}

	/**
	 * @param now {@link System#nanoTime()}
	 * @return whether the last full window read bulk data
	 */
	public boolean bulk(long now) {
		if (now - this.windowStart >= WINDOW_NANOS) {
			this.bulk = this.bytes >= BULK_BYTES;
			this.bytes = 0;
			this.windowStart = now;
		}
		return this.bulk;
	}

}
