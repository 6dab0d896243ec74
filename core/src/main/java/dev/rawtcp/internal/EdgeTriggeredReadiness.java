package dev.rawtcp.internal;

/**
 * Readiness of a socket registered once, edge triggered, for every event (epoll): each edge
 * bumps a sequence, reported by the loop or, on the common path, by the epoll stream poller on
 * its own thread. An edge comes only when the socket goes from empty to not empty (or full to
 * not full), so a read that came back short proves the socket empty until the sequence moves:
 * the next read is skipped and the handler parks at once. The loop never changes the
 * registration. Internal.
 */
public final class EdgeTriggeredReadiness extends SequencedReadiness {

	/**
	 * The loop's write queue holds bytes (a {@code Connection.write} from another thread found
	 * the socket full): writable edges must reach the loop, which flushes. Written by the loop.
	 */
	private volatile boolean loopWrites;

	@Override
	public boolean edgeTriggered() {
		return true;
	}

	@Override
	public void afterRead(int seq, int n, int wanted) {
		if (n == 0) {
			this.seenReadSeq = seq;
		}
		else if (n > 0 && n < wanted) {
			// the socket was empty after this read: until the sequence moves, the next read can be skipped
			this.shortReadSeq = seq;
		}
	}

	@Override
	void beforeParkForRead() {
		// registered for every edge: one will come
	}

	@Override
	void beforeParkForWrite() {
		// registered for every edge: one will come
	}

	@Override
	public void loopReported(boolean readable, boolean writable, boolean hangup) {
		if (hangup) {
			// before the sequence moves: a reader that sees the new sequence also sees this
			this.peerHungUp = true;
		}
		bump(readable, writable);
	}

	@Override
	public boolean pollerReported(boolean readable, boolean writable, boolean hangup) {
		if (this.loopWrites || !this.owner.isOpen()) {
			return false;
		}
		loopReported(readable, writable, hangup);
		wakeFor(readable, writable);
		return true;
	}

	@Override
	public boolean queueChanged(boolean pending) {
		if (!pending) {
			this.loopWrites = false;
			return false;
		}
		// an EPOLLOUT edge comes once the socket drains; the loop flushes then
		bumpWrite();
		if (this.loopWrites || !this.owner.isOpen()) {
			return false;
		}
		this.loopWrites = true;
		// a stream poller may have taken that edge just before it could see the flag: try once more now
		return true;
	}

	@Override
	public int loopInterest() {
		return 0;
	}

}
