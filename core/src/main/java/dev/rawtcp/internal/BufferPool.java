package dev.rawtcp.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The buffers that thread-per-connection streams borrow while they have bytes to read or to
 * send, and give back before they park with nothing buffered, so that an idle connection
 * holds none. Lock-free and allocation-free once warm: a fixed array of slots, taken with
 * {@code getAndSet(null)} and filled with {@code compareAndSet(null, buffer)}; an empty pool
 * allocates a new buffer, a full one drops the buffer given back (the garbage collector frees
 * it). Each thread starts its scan at a slot of its own (its identity hash), so threads on
 * different CPUs mostly touch different slots, and a thread tends to get back the buffer it
 * gave. Thread-safe. Internal.
 * <p>
 * One pool per event-loop group, not per loop: the buffers are only used by handler threads,
 * which run on any carrier, never by a loop, so per-loop pools would split one working set
 * into several that each keep their own idle buffers, with no locality to gain.
 */
public final class BufferPool {

	/**
	 * Slots of a pool made by {@link #forStreams(IntFunction)}: the buffers kept for reuse at most
	 * (4 MiB of {@link #STREAM_BUFFER_SIZE}); more than the handler threads that run at once
	 * plus those parked while sending, so that a busy server does not allocate in steady state.
	 */
	public static final int STREAM_SLOTS = 64;

	/**
	 * Size of a stream buffer: what one {@code read(2)} or {@code send(2)} of a stream moves at
	 * most. It costs no idle memory (idle connections hold no buffer), so it is as large as the
	 * event loops' own buffers.
	 */
	public static final int STREAM_BUFFER_SIZE = 64 * 1024;

	private final AtomicReferenceArray<StreamBuffer> slots;

	private final int mask;

	private final int bufferSize;

	private final IntFunction<StreamBuffer> allocator;

	// counted only on the rare paths (a miss, a full pool): take and give touch nothing but a slot

	private final AtomicLong allocated = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	/**
	 * Create an empty pool.
	 * @param bufferSize the size of each buffer
	 * @param slots how many buffers it keeps at most, a power of two
	 * @param allocator makes a buffer of the given size
	 */
	public BufferPool(int bufferSize, int slots, IntFunction<StreamBuffer> allocator) {
		if (slots < 1 || Integer.bitCount(slots) != 1) {
			throw new IllegalArgumentException("'slots' must be a power of two");
		}
		if (bufferSize < 1) {
			throw new IllegalArgumentException("'bufferSize' must be positive");
		}
		this.slots = new AtomicReferenceArray<>(slots);
		this.mask = slots - 1;
		this.bufferSize = bufferSize;
		this.allocator = allocator;
	}

	/**
	 * A pool of {@link #STREAM_SLOTS} buffers of {@link #STREAM_BUFFER_SIZE} bytes.
	 * @param allocator makes a buffer of the given size (direct on epoll)
	 * @return the pool
	 */
	public static BufferPool forStreams(IntFunction<StreamBuffer> allocator) {
		return new BufferPool(STREAM_BUFFER_SIZE, STREAM_SLOTS, allocator);
	}

	/**
	 * Borrow a buffer, a pooled one if there is one. Its position and limit are whatever they
	 * were when it was given back.
	 * @return the buffer, owned by the caller until {@link #give(StreamBuffer) given back}
	 */
	public StreamBuffer take() {
		int start = System.identityHashCode(Thread.currentThread());
		for (int i = 0; i <= this.mask; i++) {
			int index = (start + i) & this.mask;
			if (this.slots.get(index) != null) {
				StreamBuffer buffer = this.slots.getAndSet(index, null);
				if (buffer != null) {
					return buffer;
				}
			}
		}
		this.allocated.incrementAndGet();
		return this.allocator.apply(this.bufferSize);
	}

	/**
	 * Give a buffer back. The caller must not touch it afterwards, nor give it twice.
	 * @param buffer a buffer from {@link #take()}
	 */
	public void give(StreamBuffer buffer) {
		int start = System.identityHashCode(Thread.currentThread());
		for (int i = 0; i <= this.mask; i++) {
			int index = (start + i) & this.mask;
			if (this.slots.get(index) == null && this.slots.compareAndSet(index, null, buffer)) {
				return;
			}
		}
		// full: drop it
		this.dropped.incrementAndGet();
	}

	/** @return the size of each buffer */
	public int bufferSize() {
		return this.bufferSize;
	}

	/**
	 * Buffers taken and not given back yet: every buffer allocated is pooled, lent or dropped.
	 * Exact once the streams are quiet.
	 * @return the count
	 */
	public long lent() {
		return this.allocated.get() - this.dropped.get() - pooled();
	}

	/** @return buffers allocated so far (pool misses) */
	public long allocated() {
		return this.allocated.get();
	}

	/** @return buffers given back to a full pool, and so dropped, so far */
	public long dropped() {
		return this.dropped.get();
	}

	/** @return buffers kept in the pool now */
	public int pooled() {
		int count = 0;
		for (int i = 0; i <= this.mask; i++) {
			if (this.slots.get(i) != null) {
				count++;
			}
		}
		return count;
	}

}
