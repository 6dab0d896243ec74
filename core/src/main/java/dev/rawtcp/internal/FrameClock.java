package dev.rawtcp.internal;

/**
 * A connection's frame deadline: when the frame its codec holds the first bytes of must be
 * complete ({@code frame-timeout}). The codec marks a frame's start and end, at most once per
 * frame (loop or handler thread); the connection's loop reads it when the connection's one
 * deadline entry comes due. Internal.
 */
public final class FrameClock {

	private static final long NO_FRAME = Long.MIN_VALUE;

	private final Loop loop;

	private final long timeoutNanos;

	/** When the frame in progress got its first byte ({@link System#nanoTime()}), or {@link #NO_FRAME}. */
	private volatile long frameStart = NO_FRAME;

	FrameClock(Loop loop, long timeoutNanos) {
		this.loop = loop;
		this.timeoutNanos = timeoutNanos;
	}

	/**
	 * When the frame in progress must be complete. With a frame timeout and no frame in
	 * progress, the connection looks again one timeout from now: a frame starting later
	 * cannot be due earlier, so the codec never has to reach the loop. Loop thread.
	 * @return the deadline, {@link Long#MAX_VALUE} without a frame timeout
	 */
	long deadline() {
		if (this.timeoutNanos <= 0) {
			return Long.MAX_VALUE;
		}
		long start = this.frameStart;
		return ((start != NO_FRAME) ? start : this.loop.now()) + this.timeoutNanos;
	}

	/**
	 * @param now the loop's time
	 * @return whether the frame in progress missed its deadline
	 */
	boolean overdue(long now) {
		long start = this.frameStart;
		return this.timeoutNanos > 0 && start != NO_FRAME && now - (start + this.timeoutNanos) >= 0;
	}

	/** @return the frame timeout, 0 for none */
	long timeoutNanos() {
		return this.timeoutNanos;
	}

	/**
	 * The codec holds the first bytes of a frame now: the frame timeout runs from here. Loop
	 * or handler thread; does nothing without a frame timeout.
	 */
	public void started() {
		if (this.timeoutNanos > 0) {
			this.frameStart = this.loop.inLoop() ? this.loop.now() : System.nanoTime();
		}
	}

	/** The codec holds no partial frame any more. Loop or handler thread. */
	public void ended() {
		if (this.frameStart != NO_FRAME) {
			this.frameStart = NO_FRAME;
		}
	}

}
