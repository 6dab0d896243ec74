package dev.rawtcp.internal;

import java.io.IOException;

/**
 * How a thread-per-connection handler waits for its non-blocking socket, the counterpart of
 * Go's {@code pollDesc}: the handler reads or writes until the socket would block, then parks
 * until readiness is reported. Readiness is counted in sequence numbers, bumped by whoever
 * reports it (the loop, or a stream poller on its own thread): a handler that saw a sequence
 * and found the socket empty waits until the sequence moves, so a report that comes between
 * its read and its park is never lost. Two implementations: {@link EdgeTriggeredReadiness}
 * (epoll, the socket registered once, edge triggered, for everything) and
 * {@link LevelTriggeredReadiness} (nio, interest registered while a thread waits for it, with
 * a stream poller or the loop). Internal.
 */
public interface StreamReadiness {

	/**
	 * Bind to the connection's stream side, before the socket is registered: a poller may
	 * report as soon as it is.
	 * @param owner the connection's stream side
	 */
	void bind(Owner owner);

	/**
	 * The thread to wake, before it starts. Loop thread.
	 * @param handler the handler thread
	 */
	void handlerThread(Thread handler);

	/** @return whether the socket is registered once, edge triggered, for every event */
	boolean edgeTriggered();

	// On the handler thread

	/** @return the read sequence before a read; pass it to {@link #knownEmpty} and {@link #afterRead} */
	int readSequence();

	/**
	 * Whether the last read drained the socket and nothing was reported since, so that a read
	 * would only say it would block; then the handler waits without reading.
	 * @param seq the sequence from {@link #readSequence()}
	 * @return whether to skip the read
	 */
	boolean knownEmpty(int seq);

	/**
	 * After a non-blocking read.
	 * @param seq the sequence before it
	 * @param n what it returned ({@code 0}: it would block)
	 * @param wanted the room there was
	 */
	void afterRead(int seq, int n, int wanted);

	/** @return the write sequence before a write */
	int writeSequence();

	/**
	 * After a non-blocking write.
	 * @param seq the sequence before it
	 * @param n what it returned ({@code 0}: it would block)
	 */
	void afterWrite(int seq, int n);

	/**
	 * Park until a read is worth trying again, the owner no longer reads, or the deadline.
	 * @param deadlineNanos a {@link System#nanoTime()} deadline, {@code 0} for none
	 * @return {@code false} if the deadline passed
	 * @throws IOException if interrupted
	 */
	boolean awaitReadable(long deadlineNanos) throws IOException;

	/**
	 * Park until a write is worth trying again or the owner closed.
	 * @throws IOException if interrupted
	 */
	void awaitWritable() throws IOException;

	// Reports

	/**
	 * Readiness reported by the loop: note it; {@link #wakeFor} wakes the handler afterwards.
	 * Loop thread.
	 * @param readable readable, or a hang-up or error to be seen by reading
	 * @param writable writable, or an error to be seen by writing
	 * @param hangup the peer hung up or the socket failed
	 */
	void loopReported(boolean readable, boolean writable, boolean hangup);

	/**
	 * Readiness reported by a stream poller, on its thread: note it and wake the handler.
	 * @param readable readable
	 * @param writable writable
	 * @param hangup the peer hung up or the socket failed
	 * @return {@code false} if the report must go to the loop instead (nothing was noted)
	 */
	boolean pollerReported(boolean readable, boolean writable, boolean hangup);

	/** The stream poller failed: make the handler try once more, and wait through the loop from then on. */
	void pollerFailed();

	/**
	 * Wake the handler if it waits for one of these.
	 * @param readable it may read
	 * @param writable it may write
	 */
	void wakeFor(boolean readable, boolean writable);

	/** Wake the handler whatever it waits for (the connection is closing). Any thread. */
	void wake();

	/**
	 * The loop's write queue changed. Loop thread.
	 * @param pending whether it holds bytes
	 * @return whether the loop must try to flush once more now
	 */
	boolean queueChanged(boolean pending);

	/**
	 * What the loop must watch for the handler's sake (level triggered, no stream poller).
	 * Loop thread.
	 * @return {@link AbstractConnection#READ} and/or {@link AbstractConnection#WRITE}
	 */
	int loopInterest();

	/** What a strategy needs of the connection. */
	interface Owner {

		/** @return whether the connection is open (not closing): else a poller's report is for the loop */
		boolean isOpen();

		/** @return whether the handler may still read: open, and no graceful stop began */
		boolean readsOpen();

		/** @return whether the handler may still write: not closed */
		boolean writesOpen();

		/** Have the loop register the interest of {@link StreamReadiness#loopInterest()}. Any thread. */
		void askLoop();

	}

}
