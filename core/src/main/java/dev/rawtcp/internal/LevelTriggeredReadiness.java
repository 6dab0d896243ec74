package dev.rawtcp.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Readiness of a socket on a level-triggered selector (nio). Interest is registered only
 * while a handler waits for it, else the level would be reported over and over. With a
 * working {@link ReadinessPoller} the handler arms the poller itself: write interest for each
 * wait (the poller takes it away at each report), read interest kept while the handler keeps
 * up, taken away by the poller while a report is unread and put back by the next wait (the
 * {@link #pollerReadArmed} flag). Without one, or once it failed, the handler asks the loop to
 * register the interest and the loop reports. Internal.
 */
public final class LevelTriggeredReadiness extends SequencedReadiness {

	private static final VarHandle POLLER_READ_ARMED;

	static {
		try {
			POLLER_READ_ARMED = MethodHandles.lookup()
				.findVarHandle(LevelTriggeredReadiness.class, "pollerReadArmed", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile ReadinessPoller poller = ReadinessPoller.NONE;

	/** Whether read interest is registered with the poller. */
	private volatile boolean pollerReadArmed = true;

	/** The handler waits through the loop for reading: the loop watches for it. */
	private volatile boolean readWaiter;

	/** The handler waits through the loop for writing. */
	private volatile boolean writeWaiter;

	/**
	 * Wait through a poller from now on (its read interest registered already). Loop thread,
	 * before the handler thread starts.
	 * @param poller the connection's registration with the poller
	 */
	public void usePoller(ReadinessPoller poller) {
		this.poller = poller;
	}

	@Override
	public boolean edgeTriggered() {
		return false;
	}

	@Override
	public void afterRead(int seq, int n, int wanted) {
		if (n == 0) {
			this.seenReadSeq = seq;
		}
		else if (n > 0 && n < wanted && this.poller.works()) {
			// the socket was empty after this read: until the sequence moves, the next read can be skipped,
			// and the poller judges by it whether its next report is new
			this.shortReadSeq = seq;
			this.seenReadSeq = seq;
		}
	}

	@Override
	void beforeParkForRead() {
		ReadinessPoller streams = this.poller;
		if (!streams.works()) {
			if (!this.readWaiter) {
				this.readWaiter = true;
				this.owner.askLoop();
			}
			return;
		}
		// seenReadSeq was written before this read of the flag, and the poller clears the flag
		// before it reads seenReadSeq: one of the two re-arms
		if (!this.pollerReadArmed && POLLER_READ_ARMED.compareAndSet(this, false, true)) {
			streams.arm(AbstractConnection.READ);
		}
	}

	@Override
	void beforeParkForWrite() {
		ReadinessPoller streams = this.poller;
		if (!streams.works()) {
			if (!this.writeWaiter) {
				this.writeWaiter = true;
				this.owner.askLoop();
			}
			return;
		}
		// the poller takes write interest away at each report: a level would repeat
		streams.arm(AbstractConnection.WRITE);
	}

	@Override
	public void loopReported(boolean readable, boolean writable, boolean hangup) {
		if (hangup) {
			this.peerHungUp = true;
		}
		if (readable) {
			this.readWaiter = false;
		}
		if (writable) {
			this.writeWaiter = false;
		}
		bump(readable, writable);
	}

	/**
	 * Readable is reported while unread bytes stay: a report the handler has not caught up with
	 * takes the read interest away until it waits again. Writable is reported once per wait.
	 */
	@Override
	public boolean pollerReported(boolean readable, boolean writable, boolean hangup) {
		ReadinessPoller streams = this.poller;
		boolean read = false;
		if (readable) {
			if (readCaughtUp()) {
				bumpRead();
				read = true;
			}
			else {
				// not caught up: no report until it waits again. Also when the flag is already down, since
				// the handler's own re-arming may have landed after a removal: the interest follows the flag
				this.pollerReadArmed = false;
				streams.disarm(AbstractConnection.READ);
				// the handler may have caught up and checked the flag in between: then re-arm for it
				if (readCaughtUp()) {
					POLLER_READ_ARMED.compareAndSet(this, false, true);
				}
				if (this.pollerReadArmed) {
					// armed again, by the line above or by the handler, whose interest may have been added
					// before this thread's removal landed: add it (again), so the interest matches the flag
					streams.arm(AbstractConnection.READ);
				}
			}
		}
		if (writable) {
			streams.disarm(AbstractConnection.WRITE);
			bumpWrite();
		}
		wakeFor(read, writable);
		return true;
	}

	@Override
	public boolean queueChanged(boolean pending) {
		return false;
	}

	@Override
	public int loopInterest() {
		return (this.readWaiter ? AbstractConnection.READ : 0) | (this.writeWaiter ? AbstractConnection.WRITE : 0);
	}

}
