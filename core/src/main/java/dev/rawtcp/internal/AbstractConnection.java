package dev.rawtcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.TcpHandler;

/**
 * The core of an accepted connection, shared by both transports and both modes, as Go's
 * {@code netFD}: the states {@code OPEN -> CLOSING (flushing) -> LINGERING (FIN sent) -> CLOSED},
 * the graceful (lingering) close, abort, the drain of a graceful stop, and the deadlines
 * (idle, a stalled close, linger, drain) kept in the loop's {@link DeadlineQueue}; the
 * counters and the transport's primitives are {@link SocketConnection}'s. What the loop does
 * with the socket (event-loop reads, the write queue, interest) is its {@link LoopSide}; what
 * a handler thread does (thread-per-connection mode) is its {@link StreamSide}, which waits
 * through a {@link StreamReadiness} strategy. Everything but the handler thread's side and
 * the thread-safe {@link Connection} methods runs on the connection's loop. Internal.
 */
public abstract class AbstractConnection extends SocketConnection {

	private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

	/** A closing connection whose peer takes nothing for this long is aborted. */
	private static final long CLOSE_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final int OPEN = 0;

	private static final int CLOSING = 1;

	private static final int LINGERING = 2;

	private static final int CLOSED = 3;

	/** Thread-per-connection mode. */
	protected final boolean streamMode;

	private final LoopSide loopSide;

	private final @Nullable StreamSide streamSide;

	private final DeadlineQueue.Entry deadline = new DeadlineQueue.Entry(this::deadlinePassed);

	private volatile int state = OPEN;

	private CloseReason reason = CloseReason.NORMAL;

	private volatile boolean inputClosed;

	private long lingerDeadline;

	private long drainDeadline;

	private volatile boolean draining;

	private volatile boolean socketClosed;

	private final FrameClock frames;

	/**
	 * Create a connection.
	 * @param loop its loop
	 * @param listener its listener
	 * @param remoteAddress the peer
	 * @param handler the event-loop handler, {@code null} in thread-per-connection mode
	 * @param readBuffer the loop's shared read buffer
	 * @param readiness how the handler thread waits in thread-per-connection mode, else {@code null}
	 */
	protected AbstractConnection(Loop loop, AbstractListener listener, InetSocketAddress remoteAddress,
			@Nullable TcpHandler handler, ByteBuffer readBuffer, @Nullable StreamReadiness readiness) {
		super(loop, listener, remoteAddress);
		this.streamMode = (handler == null);
		this.loopSide = new LoopSide(this, handler, readiness, readBuffer);
		this.streamSide = this.streamMode ? new StreamSide(this, readiness) : null;
		this.frames = new FrameClock(loop, listener.frameTimeoutNanos());
	}

	// Registration and readiness, on the loop

	final void register() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::register);
			return;
		}
		this.loop.runsHandlerOf(this.listener);
		this.lastActivity = this.loop.now();
		try {
			registerSocket(this.loopSide.initialInterest());
		}
		catch (IOException | RuntimeException ex) {
			// the handler never saw it: count the close, call nothing
			this.listener.log().ioError(this.remoteAddress, "register: " + ex.getMessage());
			this.state = CLOSED;
			closeSocketOnce();
			this.listener.connectionClosed(this, CloseReason.ERROR);
			return;
		}
		updateDeadline();
		if (this.streamSide != null) {
			this.streamSide.start();
		}
		else {
			this.loopSide.opened();
		}
	}

	/**
	 * The loop reports readiness.
	 * @param readable readable, or an error or hang-up to be seen by reading
	 * @param writable writable (in thread-per-connection mode also an error or hang-up)
	 * @param hangup the socket hung up or failed: with nothing left to read or write, close it
	 */
	protected final void ready(boolean readable, boolean writable, boolean hangup) {
		this.loop.runsHandlerOf(this.listener);
		if (this.state == LINGERING) {
			this.loopSide.discard();
		}
		else {
			this.loopSide.ready(readable, writable, hangup);
		}
	}

	// Deadlines, on the loop

	/** Schedule the one deadline this connection's state needs now, or none. */
	private void updateDeadline() {
		long next = nextDeadline();
		if (next == Long.MAX_VALUE) {
			this.loop.deadlines().cancel(this.deadline);
			return;
		}
		long now = this.loop.now();
		this.loop.deadlines().schedule(this.deadline, (next - now > 0) ? next : now + 1);
	}

	private long nextDeadline() {
		long idle = this.listener.idleTimeoutNanos();
		switch (this.state) {
			case OPEN:
				long open = (idle > 0) ? this.lastActivity + idle : Long.MAX_VALUE;
				long frame = this.frames.deadline();
				return (frame != Long.MAX_VALUE && (open == Long.MAX_VALUE || frame - open < 0)) ? frame : open;
			case CLOSING:
				long stalled = this.lastActivity + ((idle > 0 && idle < CLOSE_STALL_NANOS) ? idle : CLOSE_STALL_NANOS);
				return (this.drainDeadline != 0 && this.drainDeadline - stalled < 0) ? this.drainDeadline : stalled;
			case LINGERING:
				return this.lingerDeadline;
			default:
				return Long.MAX_VALUE;
		}
	}

	/** The deadline passed (an idle timeout, a stalled close, the end of linger or drain), or activity moved it. */
	private void deadlinePassed(long now) {
		this.loop.runsHandlerOf(this.listener);
		long due = nextDeadline();
		if (due != Long.MAX_VALUE && now - due >= 0) {
			if (this.state == OPEN) {
				// a handler thread may end its frame meanwhile: decide on what is overdue now
				CloseReason late = overdue(now);
				if (late != null) {
					startClose(late);
					wakeHandler();
				}
			}
			else {
				// the peer stopped reading what is left to flush, or the time to linger or drain is over
				if (this.state == LINGERING && this.loopSide.discardThrottled()) {
					// a peer that kept sending after our FIN: reset, as Linux resets a socket closed unread
					this.listener.log().lingerReset(this.remoteAddress, this.loopSide.discardedTotal());
				}
				forceClose(this.reason);
			}
		}
		updateDeadline();
	}

	// Frame deadline: the frame start is set by the codec (loop or handler thread), read by the loop

	/** @return why an open connection is to be closed now (frame timeout, else idle), or {@code null} */
	private @Nullable CloseReason overdue(long now) {
		if (this.frames.overdue(now)) {
			this.listener.log().frameTimedOut(this.remoteAddress, this.frames.timeoutNanos());
			return CloseReason.FRAME_TIMEOUT;
		}
		long idle = this.listener.idleTimeoutNanos();
		return (idle > 0 && now - (this.lastActivity + idle) >= 0) ? CloseReason.IDLE : null;
	}

	/** @return the frame deadline the codec marks frames on */
	public final FrameClock frameClock() {
		return this.frames;
	}

	/** @return whether the connection was closed because a frame missed its deadline */
	public final boolean closedForFrameTimeout() {
		return this.state != OPEN && this.reason == CloseReason.FRAME_TIMEOUT;
	}

	// Writing and flow control: the loop side's, from any thread

	@Override
	public final void write(ByteBuffer data) {
		this.loopSide.writeFromAnyThread(data);
	}

	@Override
	public final void suspendReads() {
		this.loopSide.suspendReadsFromAnyThread();
	}

	@Override
	public final void resumeReads() {
		this.loopSide.resumeReadsFromAnyThread();
	}

	// Closing

	@Override
	public final void close() {
		if (this.loop.inLoop()) {
			startClose(CloseReason.NORMAL);
		}
		else if (this.state == OPEN) {
			this.loop.execute(() -> startClose(CloseReason.NORMAL));
		}
	}

	@Override
	public final void abort() {
		if (this.loop.inLoop()) {
			abortNow(CloseReason.RESET);
		}
		else if (this.state != CLOSED) {
			this.loop.execute(() -> abortNow(CloseReason.RESET));
		}
	}

	/** Graceful close: (over TLS a close_notify,) flush, FIN, linger. Loop thread. */
	final void startClose(CloseReason why) {
		if (this.state != OPEN) {
			return;
		}
		this.reason = this.draining ? CloseReason.SHUTDOWN : why;
		boolean finWaits = this.loopSide.closing();
		this.state = CLOSING;
		if (this.loopSide.isQueueEmpty() && !finWaits) {
			beginLinger();
		}
		else {
			updateDeadline();
			this.loopSide.updateInterest();
		}
	}

	/**
	 * Send a FIN after the last byte, then read and drop until the peer's FIN or the linger
	 * deadline: closing a socket with unread data would send a RST that discards data the
	 * peer has not read yet.
	 */
	final void beginLinger() {
		if (this.streamSide != null && !this.streamSide.handlerDone()) {
			// the handler thread still owns the socket: let it see end of stream, finish, and come back
			wakeHandler();
		}
		try {
			shutdownOutput();
		}
		catch (IOException ex) {
			finalClose();
			return;
		}
		this.state = LINGERING;
		if (this.inputClosed) {
			finalClose();
			return;
		}
		this.lingerDeadline = (this.drainDeadline != 0) ? this.drainDeadline : this.loop.now() + LINGER_NANOS;
		updateDeadline();
		this.loopSide.updateInterest();
		if (this.streamMode) {
			// edge triggered: what already arrived raises no new event. (In event-loop mode the
			// level reports it again, and the handler may still be using the loop's read buffer.)
			this.loopSide.discard();
		}
	}

	final void abortNow(CloseReason why) {
		if (this.state == CLOSED) {
			return;
		}
		forceClose(this.draining ? CloseReason.SHUTDOWN : why);
	}

	/**
	 * Close now with a reset (SO_LINGER 0), whatever is pending. Loop thread.
	 * @param why the reason
	 */
	public final void forceClose(CloseReason why) {
		if (this.state == CLOSED) {
			return;
		}
		this.reason = why;
		setLingerZero();
		this.loopSide.clearQueue();
		finalClose();
	}

	final void closeOnError(IOException ex, String operation) {
		boolean reset = isReset(ex);
		if (!reset && !(ex instanceof ClosedChannelException)) {
			this.listener.log().ioError(this.remoteAddress, ioErrorMessage(ex, operation));
		}
		this.loopSide.clearQueue();
		if (this.state == OPEN || this.state == CLOSING) {
			this.reason = this.draining ? CloseReason.SHUTDOWN : (reset ? CloseReason.RESET : CloseReason.ERROR);
		}
		finalClose();
	}

	final void finalClose() {
		if (this.state == CLOSED) {
			return;
		}
		this.state = CLOSED;
		this.loop.deadlines().cancel(this.deadline);
		deregister();
		if (this.streamSide != null && !this.streamSide.handlerDone()) {
			// wake the handler; its thread may be inside a syscall on this socket, so keep it until it is done
			shutdownBoth();
			wakeHandler();
		}
		else {
			closeSocketOnce();
		}
		this.listener.connectionClosed(this, this.reason);
		if (this.streamSide == null) {
			this.loopSide.closed(this.reason);
		}
	}

	private void closeSocketOnce() {
		if (!this.socketClosed) {
			this.socketClosed = true;
			closeSocket();
		}
	}

	private void wakeHandler() {
		if (this.streamSide != null) {
			this.streamSide.readiness().wake();
		}
	}

	final void handlerFailedInLoop(Throwable ex) {
		this.listener.log().handlerFailed(this.remoteAddress, ex);
		if (this.state == OPEN) {
			startClose(CloseReason.ERROR);
		}
		else if (this.state == CLOSING) {
			this.reason = CloseReason.ERROR;
		}
	}

	/**
	 * The handler thread returned or threw. Loop thread.
	 * @param failed whether it threw
	 */
	final void handlerReturned(boolean failed) {
		if (this.state == CLOSED) {
			closeSocketOnce();
			return;
		}
		startClose(failed ? CloseReason.ERROR : CloseReason.NORMAL);
		if (this.state == CLOSING && this.loopSide.isQueueEmpty()) {
			// over TLS the FIN waited for the handler thread's close_notify
			beginLinger();
		}
		else if (this.state == LINGERING) {
			this.loopSide.updateInterest();
			this.loopSide.discard();
		}
	}

	/**
	 * Graceful stop of the listener. Loop thread.
	 * @param deadline when to give up and abort
	 */
	public final void drain(long deadline) {
		this.drainDeadline = deadline;
		this.draining = true;
		if (this.state == CLOSED) {
			return;
		}
		if (this.state == LINGERING) {
			this.lingerDeadline = deadline;
		}
		else if (this.streamMode) {
			// the handler reads what it buffered, then ClosedByServerException; it finishes, and closes
			wakeHandler();
		}
		else {
			this.loopSide.stopReads();
			if (this.state == OPEN) {
				startClose(CloseReason.SHUTDOWN);
			}
			else {
				this.loopSide.updateInterest();
			}
		}
		updateDeadline();
	}

	/**
	 * Run a read-only socket call where the socket cannot be closed under it (the loop, or the
	 * handler thread, which the socket outlives; others go through the loop).
	 * @return its result, {@code null} if the socket is closed or the call failed
	 */
	protected final <T> @Nullable T onSocket(Callable<T> call) {
		if (this.loop.inLoop() || (this.streamSide != null && this.streamSide.onHandlerThread())) {
			if (this.socketClosed || (this.state == CLOSED && !this.streamMode)) {
				return null;
			}
			try {
				return call.call();
			}
			catch (Exception ex) {
				return null;
			}
		}
		return this.loop.call(() -> (this.socketClosed || this.state == CLOSED) ? null : call.call(), 1000);
	}

	// For the sides, and the Connection methods that read state

	final void inputClosed() {
		this.inputClosed = true;
	}

	final boolean isInputClosed() {
		return this.inputClosed;
	}

	final boolean draining() {
		return this.draining;
	}

	final boolean isFlushing() {
		return this.state == CLOSING;
	}

	final boolean isLingering() {
		return this.state == LINGERING;
	}

	final boolean socketClosed() {
		return this.socketClosed;
	}

	final CloseReason reason() {
		return this.reason;
	}

	final LoopSide loopSide() {
		return this.loopSide;
	}

	@Override
	public final boolean isOpen() {
		return this.state == OPEN;
	}

	@Override
	public final boolean isWritable() {
		return this.state == OPEN && this.loopSide.isWritable();
	}

	@Override
	public final long pendingWriteBytes() {
		return this.loopSide.queuedBytes();
	}

	@Override
	public final boolean isReadPaused() {
		return !this.streamMode && this.state == OPEN && this.loopSide.readsPaused();
	}

	/** @return whether the connection is closed */
	public final boolean isClosed() {
		return this.state == CLOSED;
	}

}
