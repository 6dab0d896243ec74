package dev.rawtcp.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

/**
 * Bytes a connection wrote that the socket did not take yet, with the writability state
 * derived from high and low water marks. Owned by one event-loop thread; not thread-safe.
 * Only used when the socket pushes back, so it is off the hot path. Internal.
 */
public final class WriteQueue {

	private static final int MIN_CHUNK = 4096;

	private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();

	private final int lowWaterMark;

	private final int highWaterMark;

	private final long limit;

	private long size;

	private boolean writable = true;

	/**
	 * Create a queue.
	 * @param lowWaterMark below it a non-writable connection becomes writable again
	 * @param highWaterMark above it the connection stops being writable
	 * @param limit above it {@link #add(ByteBuffer)} refuses
	 */
	public WriteQueue(int lowWaterMark, int highWaterMark, long limit) {
		this.lowWaterMark = lowWaterMark;
		this.highWaterMark = highWaterMark;
		this.limit = limit;
	}

	/** @return queued bytes */
	public long size() {
		return this.size;
	}

	/** @return whether nothing is queued */
	public boolean isEmpty() {
		return this.size == 0;
	}

	/** @return the writability state: false after crossing the high mark, until below the low mark */
	public boolean isWritable() {
		return this.writable;
	}

	/**
	 * Copy the remaining bytes of {@code src} to the tail (its position moves to its limit).
	 * @param src the bytes
	 * @return {@code false} if the queue would exceed its limit (nothing is copied then)
	 */
	public boolean add(ByteBuffer src) {
		int n = src.remaining();
		if (n == 0) {
			return true;
		}
		if (this.size + n > this.limit) {
			return false;
		}
		ByteBuffer tail = this.chunks.peekLast();
		if (tail != null && tail.capacity() - tail.limit() >= n) {
			// append into the spare room of the last chunk
			int pos = tail.position();
			tail.position(tail.limit()).limit(tail.limit() + n);
			tail.put(src);
			tail.position(pos);
		}
		else {
			ByteBuffer chunk = ByteBuffer.allocate(Math.max(n, MIN_CHUNK));
			chunk.put(src).flip();
			this.chunks.addLast(chunk);
		}
		this.size += n;
		return true;
	}

	/** @return the head chunk, its remaining bytes still to send; {@code null} when empty */
	public @Nullable ByteBuffer peek() {
		return this.chunks.peekFirst();
	}

	/**
	 * Record that {@code n} bytes of the head chunk were sent. Send from
	 * {@code peek().duplicate()} (or copy from it) so that the head's own position is moved
	 * only here.
	 * @param n bytes sent from the head
	 */
	public void consumed(int n) {
		ByteBuffer head = this.chunks.peekFirst();
		if (head == null || n <= 0) {
			return;
		}
		this.size -= n;
		if (n >= head.remaining()) {
			this.chunks.pollFirst();
		}
		else {
			head.position(head.position() + n);
		}
	}

	/**
	 * Update writability after adding or consuming.
	 * @return {@code true} if the state changed (call the handler's writability callback)
	 */
	public boolean updateWritability() {
		if (this.writable && this.size > this.highWaterMark) {
			this.writable = false;
			return true;
		}
		if (!this.writable && this.size <= this.lowWaterMark) {
			this.writable = true;
			return true;
		}
		return false;
	}

	/** Drop everything queued. */
	public void clear() {
		this.chunks.clear();
		this.size = 0;
	}

}
