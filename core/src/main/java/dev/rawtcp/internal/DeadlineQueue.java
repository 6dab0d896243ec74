package dev.rawtcp.internal;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The connection deadlines of one event loop (idle timeout, a stalled close, linger, drain):
 * a binary min-heap of {@link Entry entries} keyed by deadline, each entry knowing its slot,
 * so that scheduling, moving or cancelling one costs {@code O(log n)} and allocates nothing.
 * A tick costs what expires: the loop runs {@link #runDue(long)} after its events and bounds
 * its wait by {@link #nextDeadline()}, which is {@link Long#MAX_VALUE} (wait for events only,
 * the resting state) as soon as no connection needs a deadline. The size of the fd table plays
 * no part. Times are {@link System#nanoTime()} values passed in by the caller (the loop's
 * cached clock; tests pass their own). Loop thread only. Internal.
 */
public final class DeadlineQueue {

	private @Nullable Entry[] heap = new Entry[16];

	private int size;

	/** The most entries {@link #runDue(long)} tells in one call. */
	static final int MAX_PER_RUN = 64;

	/** After a full batch with more due, the next batch waits this long. */
	static final long BATCH_PAUSE_NANOS = 1_000_000;

	/** A full batch left more due: the next runs from {@link #pacedUntil}. */
	private boolean paced;

	private long pacedUntil;

	/** @return the earliest deadline (or the end of the pause after a full batch), {@link Long#MAX_VALUE} if none */
	public long nextDeadline() {
		Entry head = this.heap[0];
		if (this.size == 0 || head == null) {
			return Long.MAX_VALUE;
		}
		return (this.paced && head.deadline - this.pacedUntil < 0) ? this.pacedUntil : head.deadline;
	}

	/** @return how many entries are scheduled */
	public int size() {
		return this.size;
	}

	/**
	 * Schedule an entry, or move it if it is scheduled already.
	 * @param entry the entry
	 * @param deadline when it expires
	 */
	public void schedule(Entry entry, long deadline) {
		if (entry.index >= 0) {
			long old = entry.deadline;
			entry.deadline = deadline;
			if (deadline - old < 0) {
				up(entry.index);
			}
			else {
				down(entry.index);
			}
			return;
		}
		if (this.size == this.heap.length) {
			this.heap = Arrays.copyOf(this.heap, this.size * 2);
		}
		entry.deadline = deadline;
		entry.index = this.size;
		this.heap[this.size++] = entry;
		up(entry.index);
	}

	/**
	 * Cancel an entry; nothing happens if it is not scheduled.
	 * @param entry the entry
	 */
	public void cancel(Entry entry) {
		int i = entry.index;
		if (i < 0) {
			return;
		}
		entry.index = -1;
		Entry last = this.heap[--this.size];
		this.heap[this.size] = null;
		if (i < this.size && last != null) {
			this.heap[i] = last;
			last.index = i;
			up(i);
			down(last.index);
		}
	}

	/**
	 * Take out the entries whose deadline has passed and tell them, earliest first, at most
	 * {@link #MAX_PER_RUN} of them: when a thousand connections reach a deadline together
	 * (peers that all started at once), the loop closes a batch, serves its sockets, and comes
	 * back for the next a millisecond later ({@link #BATCH_PAUSE_NANOS}: what a batch wakes,
	 * handler threads among them, has run by then), instead of keeping every other connection
	 * waiting for the whole burst. An entry may schedule itself
	 * again from {@link Expiry#expired(long)}: after {@code now}, or it expires again.
	 * @param now the current {@link System#nanoTime()}
	 * @return how many expired
	 */
	public int runDue(long now) {
		if (this.paced && now - this.pacedUntil < 0) {
			return 0;
		}
		int expired = 0;
		Entry head;
		while (expired < MAX_PER_RUN && this.size > 0 && (head = this.heap[0]) != null && now - head.deadline >= 0) {
			cancel(head);
			expired++;
			head.expiry.expired(now);
		}
		head = this.heap[0];
		this.paced = expired == MAX_PER_RUN && this.size > 0 && head != null && now - head.deadline >= 0;
		this.pacedUntil = now + BATCH_PAUSE_NANOS;
		return expired;
	}

	private void up(int i) {
		Entry entry = this.heap[i];
		while (i > 0) {
			int parent = (i - 1) >>> 1;
			Entry above = this.heap[parent];
			if (entry.deadline - above.deadline >= 0) {
				break;
			}
			this.heap[i] = above;
			above.index = i;
			i = parent;
		}
		this.heap[i] = entry;
		entry.index = i;
	}

	private void down(int i) {
		Entry entry = this.heap[i];
		int half = this.size >>> 1;
		while (i < half) {
			int child = 2 * i + 1;
			Entry smaller = this.heap[child];
			int right = child + 1;
			if (right < this.size && this.heap[right].deadline - smaller.deadline < 0) {
				child = right;
				smaller = this.heap[child];
			}
			if (entry.deadline - smaller.deadline <= 0) {
				break;
			}
			this.heap[i] = smaller;
			smaller.index = i;
			i = child;
		}
		this.heap[i] = entry;
		entry.index = i;
	}

	/** What an entry does when its deadline passes. */
	@FunctionalInterface
	public interface Expiry {

		/**
		 * The deadline passed; the entry is no longer scheduled.
		 * @param now the loop's time
		 */
		void expired(long now);

	}

	/** One deadline of one owner, made once and scheduled again and again. */
	public static final class Entry {

		private final Expiry expiry;

		private long deadline;

		private int index = -1;

		/**
		 * Make an entry, not scheduled yet.
		 * @param expiry what to do when its deadline passes
		 */
		public Entry(Expiry expiry) {
			this.expiry = expiry;
		}

		/** @return whether it is scheduled */
		public boolean isScheduled() {
			return this.index >= 0;
		}

		/** @return its deadline, meaningful while scheduled */
		public long deadline() {
			return this.deadline;
		}

	}

}
