package dev.rawtcp.internal;

/**
 * One listening socket of a listener, as the shared code sees it: its index, the loop that
 * accepts on it, and its accept state. A transport keeps the socket itself, by the same index.
 * The state is read and written on the shard's loop only. Internal.
 */
public final class AcceptShard {

	private final int index;

	private final AbstractEventLoop loop;

	/** Accept interest is registered. */
	boolean accepting;

	/** Accepting is off for a moment after a failed accept that would fail again at once. */
	boolean backingOff;

	/** The socket was closed. */
	boolean closed;

	/** Written on the shard's loop only. */
	private volatile long accepted;

	AcceptShard(int index, AbstractEventLoop loop) {
		this.index = index;
		this.loop = loop;
	}

	/** @return the index, from 0, in the order the sockets were bound and listened */
	public int index() {
		return this.index;
	}

	/** @return the loop that accepts on this socket */
	public AbstractEventLoop loop() {
		return this.loop;
	}

	/** @return whether accept interest is registered (on the shard's loop) */
	public boolean isAccepting() {
		return this.accepting;
	}

	/** @return whether the socket was closed (on the shard's loop) */
	public boolean isClosed() {
		return this.closed;
	}

	/** @return connections accepted on this socket so far */
	public long accepted() {
		return this.accepted;
	}

	@SuppressWarnings("NonAtomicVolatileUpdate")
	void recordAccepted() {
		// one writer, the shard's loop
		this.accepted++;
	}

}
