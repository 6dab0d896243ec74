package dev.rawtcp.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * What a lingering connection does with what its peer still sends: read and drop it until the
 * peer's FIN (or an error), at most {@link ListenerLog#LINGER_DISCARD_LIMIT} bytes per
 * {@link #DISCARD_PAUSE_NANOS}. A peer that keeps sending is then held back by TCP flow control
 * instead of being read at memory speed, a peer's FIN is still seen within one pause, and the
 * linger deadline ends the connection with a reset. Loop thread. Internal.
 */
final class LingerDiscard {

	private static final int MAX_DISCARDS_PER_WAKEUP = 64;

	/** How long discarding waits after each {@link ListenerLog#LINGER_DISCARD_LIMIT} bytes. */
	static final long DISCARD_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final AbstractConnection connection;

	private final LoopSide side;

	/** Bytes read and dropped while lingering, since the last pause. */
	private long discarded;

	private long discardedTotal;

	/** Discarding waits: the peer sent {@link ListenerLog#LINGER_DISCARD_LIMIT} bytes since the last pause. */
	private boolean paused;

	LingerDiscard(AbstractConnection connection, LoopSide side) {
		this.connection = connection;
		this.side = side;
	}

	/** Read and drop what is there now, unless paused. */
	void discard() {
		if (this.paused) {
			return;
		}
		AbstractConnection c = this.connection;
		for (int i = 0; i < MAX_DISCARDS_PER_WAKEUP; i++) {
			int n;
			try {
				n = c.readOnce();
			}
			catch (IOException ex) {
				c.finalClose();
				return;
			}
			if (n > 0) {
				this.discarded += n;
				this.discardedTotal += n;
				if (this.discarded >= ListenerLog.LINGER_DISCARD_LIMIT) {
					pause();
					return;
				}
				continue;
			}
			if (n < 0) {
				c.inputClosed();
				c.finalClose();
			}
			return;
		}
		if (this.side.edgeTriggered()) {
			// edge triggered: no new event will come for what is left, so come back soon
			c.loop().execute(() -> {
				if (c.isLingering()) {
					discard();
				}
			});
		}
		// level triggered: what is left is reported again
	}

	private void pause() {
		this.paused = true;
		this.discarded = 0;
		this.side.updateInterest();
		this.connection.loop().schedule(DISCARD_PAUSE_NANOS, this::resume);
	}

	private void resume() {
		this.paused = false;
		if (this.connection.isLingering()) {
			this.side.updateInterest();
			discard();
		}
	}

	/** @return whether discarding waits for its pause to end (then reads are not wanted) */
	boolean paused() {
		return this.paused;
	}

	/** @return whether the peer sent more than a closing connection discards at once */
	boolean throttled() {
		return this.discardedTotal >= ListenerLog.LINGER_DISCARD_LIMIT;
	}

	/** @return the bytes discarded while lingering */
	long total() {
		return this.discardedTotal;
	}

}
