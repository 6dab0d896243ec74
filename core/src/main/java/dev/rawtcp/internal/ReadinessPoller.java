package dev.rawtcp.internal;

/**
 * The level-triggered stream poller as one connection sees it (nio: its key in the poller's
 * selector): interest is added while the handler waits and taken away by the poller when it
 * would only report the same level again. Internal.
 */
public interface ReadinessPoller {

	/** A connection without a poller: its handler waits through the loop. */
	ReadinessPoller NONE = new ReadinessPoller() {

		@Override
		public boolean works() {
			return false;
		}

		@Override
		public void arm(int ops) {
		}

		@Override
		public void disarm(int ops) {
		}

	};

	/** @return whether the poller exists and has not failed; else the handler waits through the loop */
	boolean works();

	/**
	 * Add interest, and wake the poller if it is blocked. Any thread.
	 * @param ops {@link AbstractConnection#READ} and/or {@link AbstractConnection#WRITE}
	 */
	void arm(int ops);

	/**
	 * Take interest away. Poller thread.
	 * @param ops {@link AbstractConnection#READ} and/or {@link AbstractConnection#WRITE}
	 */
	void disarm(int ops);

}
