package dev.rawtcp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * What both readiness strategies share: the read and write sequences, what the handler has
 * seen of them, and parking. The handler publishes what it is parked on before it checks the
 * sequence once more, and a reporter bumps the sequence before it reads what the handler is
 * parked on: one of the two always sees the other's write, so no report is lost. Internal.
 */
abstract class SequencedReadiness implements StreamReadiness {

	private static final VarHandle READ_SEQ;

	private static final VarHandle WRITE_SEQ;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			READ_SEQ = lookup.findVarHandle(SequencedReadiness.class, "readSeq", int.class);
			WRITE_SEQ = lookup.findVarHandle(SequencedReadiness.class, "writeSeq", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final int PARKED_READ = 1;

	private static final int PARKED_WRITE = 2;

	/** Bumped on every readable report. */
	private volatile int readSeq;

	/** Bumped on every writable report. */
	private volatile int writeSeq;

	/**
	 * The read sequence up to which the handler has taken everything reported: it found the
	 * socket empty then. It starts equal to {@link #readSeq}: nothing reported yet is unread.
	 * Volatile for a level-triggered stream poller, which judges by it whether a report is new.
	 */
	volatile int seenReadSeq;

	private int seenWriteSeq = -1;

	/** Read sequence before the last short read; unchanged since, the socket is known empty. */
	int shortReadSeq = -1;

	/**
	 * The peer's FIN, a reset or an error was reported: a short read no longer proves there is
	 * nothing to read, since end of stream or the error is only reported by the next read.
	 */
	volatile boolean peerHungUp;

	/** What the handler thread is parked on ({@link #PARKED_READ}, {@link #PARKED_WRITE}), or 0. */
	private volatile int parkedOn;

	private volatile @Nullable Thread handler;

	@SuppressWarnings("NullAway.Init")
	StreamReadiness.Owner owner;

	@Override
	public final void bind(Owner owner) {
		this.owner = owner;
	}

	@Override
	public final void handlerThread(Thread handler) {
		this.handler = handler;
	}

	// On the handler thread

	@Override
	public final int readSequence() {
		return this.readSeq;
	}

	@Override
	public final boolean knownEmpty(int seq) {
		if (seq == this.shortReadSeq && !this.peerHungUp) {
			this.seenReadSeq = seq;
			return true;
		}
		return false;
	}

	@Override
	public final int writeSequence() {
		return this.writeSeq;
	}

	@Override
	public final void afterWrite(int seq, int n) {
		if (n == 0) {
			this.seenWriteSeq = seq;
		}
	}

	/** Whether nothing was reported since the handler last found the socket empty. */
	final boolean readCaughtUp() {
		return this.readSeq == this.seenReadSeq;
	}

	@Override
	public final boolean awaitReadable(long deadlineNanos) throws IOException {
		while (this.readSeq == this.seenReadSeq && this.owner.readsOpen()) {
			this.parkedOn = PARKED_READ;
			try {
				beforeParkForRead();
				if (this.readSeq != this.seenReadSeq) {
					break;
				}
				if (deadlineNanos == 0) {
					LockSupport.park(this);
				}
				else {
					long remaining = deadlineNanos - System.nanoTime();
					if (remaining <= 0) {
						return false;
					}
					LockSupport.parkNanos(this, remaining);
				}
			}
			finally {
				this.parkedOn = 0;
			}
			if (Thread.interrupted()) {
				throw new InterruptedIOException("Interrupted while waiting to read");
			}
		}
		return true;
	}

	@Override
	public final void awaitWritable() throws IOException {
		while (this.writeSeq == this.seenWriteSeq && this.owner.writesOpen()) {
			this.parkedOn = PARKED_WRITE;
			try {
				beforeParkForWrite();
				if (this.writeSeq != this.seenWriteSeq) {
					break;
				}
				LockSupport.park(this);
			}
			finally {
				this.parkedOn = 0;
			}
			if (Thread.interrupted()) {
				throw new InterruptedIOException("Interrupted while waiting to write");
			}
		}
	}

	/** Make sure a report will come, after {@code parkedOn} is published and before the last check. */
	abstract void beforeParkForRead();

	/** Make sure a report will come, after {@code parkedOn} is published and before the last check. */
	abstract void beforeParkForWrite();

	// Reports

	final void bumpRead() {
		READ_SEQ.getAndAdd(this, 1);
	}

	final void bumpWrite() {
		WRITE_SEQ.getAndAdd(this, 1);
	}

	final void bump(boolean readable, boolean writable) {
		if (readable) {
			bumpRead();
		}
		if (writable) {
			bumpWrite();
		}
	}

	@Override
	public final void pollerFailed() {
		bump(true, true);
		wake();
	}

	@Override
	public final void wakeFor(boolean readable, boolean writable) {
		// wake the thread only for what it waits on: a writable report while it waits for input
		// (or an input report while it is busy) costs no futex
		int parked = this.parkedOn;
		if ((readable && parked == PARKED_READ) || (writable && parked == PARKED_WRITE)) {
			wake();
		}
	}

	@Override
	public final void wake() {
		Thread thread = this.handler;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

}
