package dev.rawtcp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.TcpHandler;

/**
 * The state machine of an accepted connection, shared by both transports: states
 * {@code OPEN -> CLOSING (flushing) -> LINGERING (FIN sent) -> CLOSED}, the write queue and
 * its water marks, the graceful (lingering) close, abort, the periodic idle and deadline
 * check, the drain of a graceful stop, and the thread-per-connection side (readiness
 * sequence numbers, parking, and the rule that the socket is closed only once the handler
 * thread returned). A transport supplies the socket primitives. Everything but the
 * {@link StreamChannel} side and the thread-safe {@link Connection} methods runs on the
 * connection's loop. Internal.
 */
public abstract class AbstractConnection implements Connection {

	/** Interest in readability, for {@link #setInterest(int)}. */
	protected static final int READ = 1;

	/** Interest in writability, for {@link #setInterest(int)}. */
	protected static final int WRITE = 2;

	private static final AtomicLong IDS = new AtomicLong();

	private static final VarHandle READ_SEQ;

	private static final VarHandle WRITE_SEQ;

	private static final VarHandle POLLER_READ_ARMED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			READ_SEQ = lookup.findVarHandle(AbstractConnection.class, "readSeq", int.class);
			WRITE_SEQ = lookup.findVarHandle(AbstractConnection.class, "writeSeq", int.class);
			POLLER_READ_ARMED = lookup.findVarHandle(AbstractConnection.class, "pollerReadArmed", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

	/** A closing connection whose peer takes nothing for this long is aborted. */
	private static final long CLOSE_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final int MAX_READS_PER_WAKEUP = 16;

	private static final int MAX_DISCARDS_PER_WAKEUP = 64;

	private static final int OPEN = 0;

	private static final int CLOSING = 1;

	private static final int LINGERING = 2;

	private static final int CLOSED = 3;

	private final Loop loop;

	private final AbstractListener listener;

	private final long id = IDS.incrementAndGet();

	private final InetSocketAddress remoteAddress;

	private final Instant openedAt = Instant.now();

	private final @Nullable TcpHandler handler;

	/** Thread-per-connection mode. */
	protected final boolean streamMode;

	/**
	 * Whether thread-per-connection sockets are registered once, edge triggered, for every
	 * event (epoll); otherwise readiness interest is registered while a thread waits for it.
	 */
	private final boolean edgeTriggeredStreams;

	/** The loop's shared read buffer: event-loop reads and discards land here. */
	private final ByteBuffer readBuffer;

	private final Runnable updateInterestTask = this::updateInterest;

	private volatile int state = OPEN;

	private CloseReason reason = CloseReason.NORMAL;

	private int interest;

	private volatile boolean inputClosed;

	private boolean readsSuspended;

	/** Reads stop while the write queue is above its high water mark (event-loop mode). */
	private boolean backpressured;

	private @Nullable WriteQueue queue;

	private long lastActivity;

	private long lingerDeadline;

	private long drainDeadline;

	private volatile boolean draining;

	private boolean watched;

	private boolean socketClosed;

	private volatile long bytesReceived;

	private volatile long bytesSent;

	private final ConnectionAttributes attributes = new ConnectionAttributes();

	// thread-per-connection mode

	private volatile @Nullable Thread handlerThread;

	private boolean handlerDone;

	/** The handler thread saw the peer's reset: what it throws next is the reset, not a handler bug. */
	private volatile boolean peerReset;

	/** Bumped on every readable report; by the loop and, on epoll with a stream poller, by the poller. */
	private volatile int readSeq;

	/** Bumped on every writable report, like {@link #readSeq}. */
	private volatile int writeSeq;

	/**
	 * The write queue holds bytes (a {@link Connection#write} from another thread found the socket
	 * full): writable reports must reach the loop, which flushes. Written by the loop only.
	 */
	private volatile boolean loopWrites;

	private static final int PARKED_READ = 1;

	private static final int PARKED_WRITE = 2;

	/**
	 * The read sequence up to which the handler thread has taken everything reported: it found
	 * the socket empty then. Volatile for a level-triggered stream poller, which judges by it
	 * whether a report is new. It starts equal to {@link #readSeq}: nothing reported yet is unread.
	 */
	private volatile int seenReadSeq;

	private int seenWriteSeq = -1;

	private volatile boolean readWaiter;

	/** What the handler thread is parked on ({@link #PARKED_READ}, {@link #PARKED_WRITE}), or 0. */
	private volatile int parkedOn;

	/** Readiness sequence before the last short read; unchanged since, the socket is known empty. */
	private int shortReadSeq = -1;

	/**
	 * The peer's FIN, a reset or an error was reported: a short read no longer proves there is
	 * nothing to read, since end of stream or the error is only reported by the next read.
	 */
	private volatile boolean peerHungUp;

	private volatile boolean writeWaiter;

	/**
	 * Whether read interest is registered with the level-triggered stream poller (nio on virtual
	 * threads). The poller takes it away while the handler has not read what was reported, so an
	 * unread level is not reported over and over; the handler puts it back before it parks.
	 */
	private volatile boolean pollerReadArmed = true;

	/**
	 * Create a connection.
	 * @param loop its loop
	 * @param listener its listener
	 * @param remoteAddress the peer
	 * @param handler the event-loop handler, {@code null} in thread-per-connection mode
	 * @param readBuffer the loop's shared read buffer
	 * @param edgeTriggeredStreams whether thread-per-connection sockets are registered edge
	 * triggered for every event
	 */
	protected AbstractConnection(Loop loop, AbstractListener listener, InetSocketAddress remoteAddress,
			@Nullable TcpHandler handler, ByteBuffer readBuffer, boolean edgeTriggeredStreams) {
		this.loop = loop;
		this.listener = listener;
		this.remoteAddress = remoteAddress;
		this.handler = handler;
		this.streamMode = (handler == null);
		this.readBuffer = readBuffer;
		this.edgeTriggeredStreams = edgeTriggeredStreams;
	}

	// Transport primitives

	/**
	 * Register the socket with the loop. Loop thread.
	 * @param ops the initial interest ({@link #READ} in event-loop mode, else none)
	 * @throws IOException if that failed (the connection is then closed and never seen by a handler)
	 */
	protected abstract void registerSocket(int ops) throws IOException;

	/**
	 * Change the interest registered for the socket. Loop thread; never for edge-triggered
	 * thread-per-connection sockets.
	 * @param ops {@link #READ} and/or {@link #WRITE}
	 * @throws IOException if that failed
	 */
	protected abstract void setInterest(int ops) throws IOException;

	/**
	 * Read once into the loop's read buffer, leaving position 0 and limit {@code n}. Loop thread.
	 * @return {@code n > 0} bytes, {@code 0} if it would block, {@code -1} at end of stream
	 * @throws IOException on an error
	 */
	protected abstract int readOnce() throws IOException;

	/**
	 * Send as much of {@code src} as the socket takes now, moving its position past what was
	 * sent. Loop thread.
	 * @param src the bytes
	 * @throws IOException on an error (the position tells what was sent before it)
	 */
	protected abstract void sendAvailable(ByteBuffer src) throws IOException;

	/**
	 * Send a FIN after the bytes already sent ({@code shutdown(SHUT_WR)}).
	 * @throws IOException if that failed (the connection is then closed)
	 */
	protected abstract void shutdownOutput() throws IOException;

	/** Shut both directions down, keeping the socket open: wakes a thread using it. Ignores errors. */
	protected abstract void shutdownBoth();

	/** Set {@code SO_LINGER {on, 0}} so that the close sends a RST. Ignores errors. */
	protected abstract void setLingerZero();

	/** Forget the loop's registration of the socket. Loop thread. */
	protected abstract void deregister();

	/** Close the socket. Called once, when no thread can use it any more. */
	protected abstract void closeSocket();

	/**
	 * @param ex an I/O error
	 * @return whether it means the peer reset or went away
	 */
	protected abstract boolean isReset(IOException ex);

	/**
	 * The text of the log line of an unexpected I/O error.
	 * @param ex the error
	 * @param operation what failed
	 * @return the text
	 */
	protected String ioErrorMessage(IOException ex, String operation) {
		return operation + ": " + ex.getMessage();
	}

	/**
	 * Read without blocking, on the handler thread.
	 * @param dst the buffer, from {@link #streamBuffers()}
	 * @return bytes read, {@code 0} if it would block, {@code -1} at end of stream
	 * @throws IOException on an error
	 */
	protected abstract int streamRead(StreamBuffer dst) throws IOException;

	/**
	 * Write without blocking, on the handler thread.
	 * @param src the bytes, in a buffer from {@link #streamBuffers()}
	 * @return bytes written, {@code 0} if it would block
	 * @throws IOException on an error
	 */
	protected abstract int streamWrite(StreamBuffer src) throws IOException;

	/**
	 * The pool that lends the handler thread the buffers it reads into and writes from.
	 * @return the pool of the connection's group
	 */
	protected abstract BufferPool streamBuffers();

	/**
	 * Whether a thread-per-connection handler waits through a level-triggered stream poller
	 * ({@link #armPoller}, {@link #pollerReady}) instead of through the loop. Handler thread.
	 * @return {@code false} unless the transport has such a poller and it works
	 */
	protected boolean pollerWaits() {
		return false;
	}

	/**
	 * Add to the interest registered with the stream poller, and wake it if it is parked. Any
	 * thread.
	 * @param ops {@link #READ} and/or {@link #WRITE}
	 */
	protected void armPoller(int ops) {
	}

	/**
	 * Remove from the interest registered with the stream poller. Poller thread.
	 * @param ops {@link #READ} and/or {@link #WRITE}
	 */
	protected void disarmPoller(int ops) {
	}

	// Registration, on the loop

	final void register() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::register);
			return;
		}
		this.lastActivity = this.loop.now();
		this.interest = this.streamMode ? 0 : READ;
		try {
			registerSocket(this.interest);
		}
		catch (IOException | RuntimeException ex) {
			// the handler never saw it: count the close, call nothing
			this.listener.log().ioError(this.remoteAddress, "register: " + ex.getMessage());
			this.state = CLOSED;
			closeSocketOnce();
			this.listener.connectionClosed(this, CloseReason.ERROR);
			return;
		}
		long idleInterval = this.listener.idleCheckIntervalNanos();
		if (idleInterval > 0) {
			this.watched = true;
			this.loop.checks().watch(idleInterval, this.loop.now());
		}
		if (this.streamMode) {
			Thread thread = this.listener.newHandlerThread(new ChannelTcpStream(new Channel()));
			this.handlerThread = thread;
			thread.start();
		}
		else {
			try {
				this.handler.onOpen(this);
			}
			catch (Throwable ex) {
				handlerFailedInLoop(ex);
			}
		}
	}

	/** Check this connection at least every 50 ms while it has a deadline (closing, linger, drain). */
	private void watchDeadlines() {
		if (this.watched) {
			this.loop.checks().require(PeriodicCheck.DEADLINE_INTERVAL_NANOS, this.loop.now());
		}
		else {
			this.watched = true;
			this.loop.checks().watch(PeriodicCheck.DEADLINE_INTERVAL_NANOS, this.loop.now());
		}
	}

	// Readiness, on the loop

	/**
	 * The loop reports readiness.
	 * @param readable readable, or an error or hang-up to be seen by reading
	 * @param writable writable (in thread-per-connection mode also an error or hang-up)
	 * @param hangup the socket hung up or failed: with nothing left to read or write, close it
	 */
	protected final void ready(boolean readable, boolean writable, boolean hangup) {
		if (this.state == LINGERING) {
			discard();
			return;
		}
		if (this.streamMode) {
			streamReady(readable, writable, hangup);
			return;
		}
		if (writable && this.state != CLOSED) {
			flush();
		}
		if (readable && this.state != CLOSED) {
			readReady();
		}
		if (hangup && this.state != CLOSED && this.inputClosed && (this.queue == null || this.queue.isEmpty())) {
			// nothing left to read or write on a hung-up socket: do not spin on the level
			finalClose();
		}
	}

	private void streamReady(boolean readable, boolean writable, boolean hangup) {
		if (hangup) {
			// before the sequence moves: a reader that sees the new sequence also sees this
			this.peerHungUp = true;
		}
		if (readable) {
			this.readWaiter = false;
		}
		if (writable) {
			this.writeWaiter = false;
		}
		bump(readable, writable);
		if (writable && this.queue != null && !this.queue.isEmpty()) {
			flush();
		}
		wakeFor(readable, writable);
		updateInterest();
	}

	/**
	 * Readiness of a thread-per-connection socket reported by a thread other than the loop (the
	 * epoll stream poller). The common case, an open connection with nothing queued on the loop,
	 * is handled here exactly as {@link #streamReady} would: note a hang-up, bump the sequence,
	 * wake the thread if it waits for it. Anything else (a closing connection, bytes queued by
	 * {@link Connection#write}) is for the loop.
	 * @param readable readable
	 * @param writable writable
	 * @param hangup the peer hung up or the socket failed
	 * @return {@code false} if the caller must hand the report to the loop's {@link #ready}
	 */
	protected final boolean streamReadyOffLoop(boolean readable, boolean writable, boolean hangup) {
		if (this.state != OPEN || this.loopWrites) {
			return false;
		}
		if (hangup) {
			this.peerHungUp = true;
		}
		bump(readable, writable);
		wakeFor(readable, writable);
		return true;
	}

	/**
	 * Readiness reported by a level-triggered stream poller, on its thread: it only wakes the
	 * handler (the loop keeps its own registration for what it flushes or discards). Writable is
	 * reported once per wait: the interest is taken away here and put back by the next wait.
	 * Readable is reported while unread bytes stay: a report the handler has not yet caught up
	 * with takes the read interest away until it waits again.
	 * @param readable readable (or end of stream, or an error)
	 * @param writable writable (or an error)
	 */
	protected final void pollerReady(boolean readable, boolean writable) {
		boolean read = false;
		if (readable) {
			if (this.readSeq == this.seenReadSeq) {
				READ_SEQ.getAndAdd(this, 1);
				read = true;
			}
			else {
				// not caught up: no report until it waits again. Also when the flag is already down, since
				// the handler's own re-arming may have landed after a removal: the interest follows the flag
				this.pollerReadArmed = false;
				disarmPoller(READ);
				// the handler may have caught up and checked the flag in between: then re-arm for it
				if (this.readSeq == this.seenReadSeq) {
					POLLER_READ_ARMED.compareAndSet(this, false, true);
				}
				if (this.pollerReadArmed) {
					// armed again, by the line above or by the handler, whose interest may have been added
					// before this thread's removal landed: add it (again), so the interest matches the flag
					armPoller(READ);
				}
			}
		}
		if (writable) {
			disarmPoller(WRITE);
			WRITE_SEQ.getAndAdd(this, 1);
		}
		wakeFor(read, writable);
	}

	/**
	 * The stream poller failed: wake the handler so that it reads or writes once more and, if it
	 * has to wait, waits through the loop. Poller thread.
	 */
	protected final void pollerFailed() {
		bump(true, true);
		wakeHandler();
	}

	private void bump(boolean readable, boolean writable) {
		if (readable) {
			READ_SEQ.getAndAdd(this, 1);
		}
		if (writable) {
			WRITE_SEQ.getAndAdd(this, 1);
		}
	}

	private void wakeFor(boolean readable, boolean writable) {
		// wake the thread only for what it waits on: an EPOLLOUT edge while it waits for input (or
		// an input edge while it is busy) costs no futex. The thread publishes parkedOn before it
		// re-checks the sequence, so one of the two always sees the other's write.
		int parked = this.parkedOn;
		if ((readable && parked == PARKED_READ) || (writable && parked == PARKED_WRITE)) {
			wakeHandler();
		}
	}

	private void readReady() {
		if (this.state != OPEN || this.readsSuspended || this.backpressured || this.inputClosed) {
			return;
		}
		ByteBuffer buffer = this.readBuffer;
		int capacity = buffer.capacity();
		for (int i = 0; i < MAX_READS_PER_WAKEUP; i++) {
			int n;
			try {
				n = readOnce();
			}
			catch (IOException ex) {
				closeOnError(ex, "read");
				return;
			}
			if (n > 0) {
				this.bytesReceived += n;
				this.listener.stats.recordBytesReceived(n);
				this.loop.readBytes(n);
				this.lastActivity = this.loop.now();
				try {
					this.handler.onData(this, buffer);
				}
				catch (Throwable ex) {
					handlerFailedInLoop(ex);
					return;
				}
				if (this.state != OPEN || this.readsSuspended || this.backpressured || n < capacity) {
					return;
				}
			}
			else if (n < 0) {
				this.inputClosed = true;
				updateInterest();
				try {
					this.handler.onInputClosed(this);
				}
				catch (Throwable ex) {
					handlerFailedInLoop(ex);
				}
				return;
			}
			else {
				return;
			}
		}
	}

	/** While lingering: read and drop until the peer's FIN (or an error). */
	private void discard() {
		for (int i = 0; i < MAX_DISCARDS_PER_WAKEUP; i++) {
			int n;
			try {
				n = readOnce();
			}
			catch (IOException ex) {
				finalClose();
				return;
			}
			if (n > 0) {
				continue;
			}
			if (n < 0) {
				this.inputClosed = true;
				finalClose();
			}
			return;
		}
		if (this.streamMode && this.edgeTriggeredStreams) {
			// edge triggered: no new event will come for what is left, so come back soon
			this.loop.execute(() -> {
				if (this.state == LINGERING) {
					discard();
				}
			});
		}
		// level triggered: what is left is reported again
	}

	private void updateInterest() {
		if (this.state == CLOSED || (this.streamMode && this.edgeTriggeredStreams)) {
			return;
		}
		boolean queued = this.queue != null && !this.queue.isEmpty();
		int wanted;
		if (this.state == LINGERING) {
			wanted = (this.inputClosed ? 0 : READ) | (queued ? WRITE : 0);
		}
		else if (this.streamMode) {
			wanted = (this.readWaiter ? READ : 0) | ((this.writeWaiter || queued) ? WRITE : 0);
		}
		else {
			boolean read = this.state == OPEN && !this.readsSuspended && !this.backpressured && !this.inputClosed;
			wanted = (read ? READ : 0) | (queued ? WRITE : 0);
		}
		if (wanted != this.interest) {
			try {
				setInterest(wanted);
			}
			catch (IOException ex) {
				closeOnError(ex, "interest");
				return;
			}
			this.interest = wanted;
		}
	}

	/**
	 * Periodic check, on the loop: idle timeout, a stalled close, linger and drain deadlines.
	 * @param now the loop's time
	 */
	public final void check(long now) {
		if (this.state == LINGERING) {
			if (now - this.lingerDeadline >= 0) {
				forceClose(this.reason);
			}
			return;
		}
		long idle = this.listener.idleTimeoutNanos();
		if (this.state == OPEN && idle > 0 && now - this.lastActivity >= idle) {
			startClose(CloseReason.IDLE);
			wakeHandler();
		}
		else if (this.state == CLOSING && ((this.drainDeadline != 0 && now - this.drainDeadline >= 0)
				|| now - this.lastActivity >= ((idle > 0 && idle < CLOSE_STALL_NANOS) ? idle : CLOSE_STALL_NANOS))) {
			// the peer stopped reading what is left to flush
			forceClose(this.reason);
		}
	}

	// Writing

	@Override
	public final void write(ByteBuffer data) {
		if (this.loop.inLoop()) {
			writeInLoop(data);
			return;
		}
		if (this.state != OPEN || !data.hasRemaining()) {
			data.position(data.limit());
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(data.remaining());
		copy.put(data).flip();
		this.loop.execute(() -> writeInLoop(copy));
	}

	private void writeInLoop(ByteBuffer src) {
		if (this.state != OPEN) {
			src.position(src.limit());
			return;
		}
		if ((this.queue == null || this.queue.isEmpty()) && (!sendNow(src) || !src.hasRemaining())) {
			return;
		}
		WriteQueue q = queue();
		long wanted = q.size() + src.remaining();
		if (!q.add(src)) {
			this.listener.log().writeLimitExceeded(this.remoteAddress, wanted, this.listener.config.writeBufferLimit());
			src.position(src.limit());
			abortNow(CloseReason.ERROR);
			return;
		}
		afterQueueChange();
	}

	private WriteQueue queue() {
		WriteQueue q = this.queue;
		if (q == null) {
			q = this.listener.newWriteQueue();
			this.queue = q;
		}
		return q;
	}

	/**
	 * Send as much of {@code src} as the socket takes now.
	 * @return {@code false} if the connection was closed by an error
	 */
	private boolean sendNow(ByteBuffer src) {
		int start = src.position();
		try {
			sendAvailable(src);
		}
		catch (IOException ex) {
			sent(src.position() - start);
			src.position(src.limit());
			closeOnError(ex, "write");
			return false;
		}
		sent(src.position() - start);
		return true;
	}

	private void sent(long n) {
		if (n > 0) {
			this.bytesSent += n;
			this.listener.stats.recordBytesSent(n);
			this.lastActivity = this.loop.now();
		}
	}

	private void flush() {
		WriteQueue q = this.queue;
		if (q == null || this.state == CLOSED) {
			return;
		}
		ByteBuffer head;
		while ((head = q.peek()) != null) {
			// the queue moves the head's position itself (consumed)
			int start = head.position();
			int length = head.remaining();
			IOException failure = null;
			try {
				sendAvailable(head);
			}
			catch (IOException ex) {
				failure = ex;
			}
			int n = head.position() - start;
			head.position(start);
			if (n > 0) {
				q.consumed(n);
				sent(n);
			}
			if (failure != null) {
				closeOnError(failure, "write");
				return;
			}
			if (n < length) {
				break;
			}
		}
		afterQueueChange();
	}

	private void afterQueueChange() {
		WriteQueue q = this.queue;
		if (q.updateWritability() && !this.streamMode && this.state == OPEN) {
			// stop reading while the peer does not take what we write: memory stays bounded
			this.backpressured = !q.isWritable();
			try {
				this.handler.onWritabilityChanged(this, q.isWritable());
			}
			catch (Throwable ex) {
				handlerFailedInLoop(ex);
				return;
			}
		}
		if (this.state == CLOSING && q.isEmpty()) {
			beginLinger();
			return;
		}
		if (this.streamMode && this.edgeTriggeredStreams) {
			boolean pending = !q.isEmpty();
			if (pending) {
				// edge triggered: an EPOLLOUT edge comes once the socket drains; flush then
				WRITE_SEQ.getAndAdd(this, 1);
				if (!this.loopWrites) {
					this.loopWrites = true;
					// a stream poller may have taken that edge just before it could see the flag:
					// try once more now, the socket may already have room
					this.loop.execute(this::flush);
				}
			}
			else {
				this.loopWrites = false;
			}
		}
		updateInterest();
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

	/** Graceful close: flush, FIN, linger. Loop thread. */
	private void startClose(CloseReason why) {
		if (this.state != OPEN) {
			return;
		}
		this.reason = this.draining ? CloseReason.SHUTDOWN : why;
		this.state = CLOSING;
		if (this.queue == null || this.queue.isEmpty()) {
			beginLinger();
		}
		else {
			watchDeadlines();
			updateInterest();
		}
	}

	/**
	 * Send a FIN after the last byte, then read and drop until the peer's FIN or the linger
	 * deadline: closing a socket with unread data would send a RST that discards data the
	 * peer has not read yet.
	 */
	private void beginLinger() {
		if (this.streamMode && !this.handlerDone) {
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
		watchDeadlines();
		updateInterest();
		if (this.streamMode) {
			// edge triggered: what already arrived raises no new event. (In event-loop mode the
			// level reports it again, and the handler may still be using the loop's read buffer.)
			discard();
		}
	}

	private void abortNow(CloseReason why) {
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
		if (this.queue != null) {
			this.queue.clear();
		}
		finalClose();
	}

	private void closeOnError(IOException ex, String operation) {
		boolean reset = isReset(ex);
		if (!reset && !(ex instanceof ClosedChannelException)) {
			this.listener.log().ioError(this.remoteAddress, ioErrorMessage(ex, operation));
		}
		if (this.queue != null) {
			this.queue.clear();
		}
		if (this.state == OPEN || this.state == CLOSING) {
			this.reason = this.draining ? CloseReason.SHUTDOWN : (reset ? CloseReason.RESET : CloseReason.ERROR);
		}
		finalClose();
	}

	private void finalClose() {
		if (this.state == CLOSED) {
			return;
		}
		this.state = CLOSED;
		if (this.watched) {
			this.watched = false;
			this.loop.checks().unwatch();
		}
		deregister();
		if (this.streamMode && !this.handlerDone) {
			// wake the handler; its thread may be inside a syscall on this socket, so keep it until it is done
			shutdownBoth();
			wakeHandler();
		}
		else {
			closeSocketOnce();
		}
		this.listener.connectionClosed(this, this.reason);
		if (!this.streamMode) {
			try {
				this.handler.onClose(this, this.reason);
			}
			catch (Throwable ex) {
				this.listener.log().handlerFailed(this.remoteAddress, ex);
			}
		}
	}

	private void closeSocketOnce() {
		if (!this.socketClosed) {
			this.socketClosed = true;
			closeSocket();
		}
	}

	private void wakeHandler() {
		Thread thread = this.handlerThread;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	private void handlerFailedInLoop(Throwable ex) {
		this.listener.log().handlerFailed(this.remoteAddress, ex);
		if (this.state == OPEN) {
			startClose(CloseReason.ERROR);
		}
		else if (this.state == CLOSING) {
			this.reason = CloseReason.ERROR;
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
		watchDeadlines();
		if (this.state == LINGERING) {
			this.lingerDeadline = deadline;
			return;
		}
		if (this.streamMode) {
			// the handler sees end of stream once it has read what it buffered, finishes, and closes
			wakeHandler();
			return;
		}
		this.readsSuspended = true;
		if (this.state == OPEN) {
			startClose(CloseReason.SHUTDOWN);
		}
		else {
			updateInterest();
		}
	}

	// Flow control

	@Override
	public final void suspendReads() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::suspendReads);
			return;
		}
		this.readsSuspended = true;
		updateInterest();
	}

	@Override
	public final void resumeReads() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::resumeReads);
			return;
		}
		if (!this.draining) {
			this.readsSuspended = false;
			updateInterest();
		}
	}

	// StreamChannel, on the handler thread

	private int readNow(StreamBuffer dst) throws IOException {
		if (this.draining || this.state != OPEN) {
			if (this.state == CLOSED && this.reason == CloseReason.RESET) {
				this.peerReset = true;
				throw new SocketException("Connection reset");
			}
			return -1;
		}
		int seq = this.readSeq;
		if (seq == this.shortReadSeq && !this.peerHungUp) {
			// the last read drained the socket and no readiness was reported since, so it is still
			// empty; park without the read that would only say EAGAIN
			this.seenReadSeq = seq;
			return 0;
		}
		int wanted = dst.buffer().remaining();
		int n;
		try {
			n = streamRead(dst);
		}
		catch (IOException ex) {
			throw failedOnHandlerThread(ex, "read");
		}
		if (n > 0) {
			this.bytesReceived += n;
			this.listener.stats.recordBytesReceived(n);
			this.lastActivity = System.nanoTime();
			if (n < wanted && (this.edgeTriggeredStreams || pollerWaits())) {
				// the socket was empty after this read: until the sequence moves, the next read can be skipped
				this.shortReadSeq = seq;
				if (!this.edgeTriggeredStreams) {
					// a level-triggered poller judges by it whether its next report is new
					this.seenReadSeq = seq;
				}
			}
			return n;
		}
		if (n < 0) {
			this.inputClosed = true;
			return -1;
		}
		this.seenReadSeq = seq;
		return 0;
	}

	private int writeNow(StreamBuffer src) throws IOException {
		if (this.state == CLOSED || this.socketClosed) {
			throw new SocketException("Connection closed");
		}
		int seq = this.writeSeq;
		int n;
		try {
			n = streamWrite(src);
		}
		catch (IOException ex) {
			throw failedOnHandlerThread(ex, "write");
		}
		if (n > 0) {
			this.bytesSent += n;
			this.listener.stats.recordBytesSent(n);
			this.lastActivity = System.nanoTime();
			return n;
		}
		this.seenWriteSeq = seq;
		return 0;
	}

	private IOException failedOnHandlerThread(IOException ex, String operation) {
		if (isReset(ex)) {
			this.peerReset = true;
			this.loop.execute(() -> closeOnError(ex, operation));
		}
		return ex;
	}

	private boolean awaitReadable(long deadlineNanos) throws IOException {
		while (this.readSeq == this.seenReadSeq && this.state == OPEN && !this.draining) {
			boolean poller = !this.edgeTriggeredStreams && pollerWaits();
			if (!this.edgeTriggeredStreams && !poller && !this.readWaiter) {
				this.readWaiter = true;
				this.loop.execute(this.updateInterestTask);
			}
			this.parkedOn = PARKED_READ;
			try {
				// seenReadSeq was written before this read of the flag, and the poller clears the flag
				// before it reads seenReadSeq: one of the two re-arms
				if (poller && !this.pollerReadArmed && POLLER_READ_ARMED.compareAndSet(this, false, true)) {
					armPoller(READ);
				}
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

	private void awaitWritable() throws IOException {
		while (this.writeSeq == this.seenWriteSeq && this.state != CLOSED) {
			boolean poller = !this.edgeTriggeredStreams && pollerWaits();
			if (!this.edgeTriggeredStreams && !poller && !this.writeWaiter) {
				this.writeWaiter = true;
				this.loop.execute(this.updateInterestTask);
			}
			this.parkedOn = PARKED_WRITE;
			try {
				if (poller) {
					// the poller takes write interest away at each report: a level would repeat
					armPoller(WRITE);
				}
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
		if (this.state == CLOSED) {
			throw new SocketException("Connection closed");
		}
	}

	private void handlerFinished() {
		this.loop.execute(() -> {
			this.handlerDone = true;
			if (this.state == CLOSED) {
				closeSocketOnce();
			}
			else {
				startClose(CloseReason.NORMAL);
				if (this.state == LINGERING) {
					updateInterest();
					discard();
				}
			}
		});
	}

	private void handlerFailed(Throwable error) {
		boolean closedUnderIt = this.state != OPEN && error instanceof IOException
				&& !(error instanceof dev.rawtcp.FrameException);
		if (!this.peerReset && !closedUnderIt) {
			// a peer reset is counted as reason=reset, and an I/O error on a connection the transport
			// already closed (idle timeout, end of grace) as that reason: neither is a handler error
			this.listener.log().handlerFailed(this.remoteAddress, error);
		}
		this.loop.execute(() -> {
			this.handlerDone = true;
			if (this.state == CLOSED) {
				closeSocketOnce();
			}
			else if (this.state == OPEN) {
				startClose(CloseReason.ERROR);
			}
		});
	}

	/**
	 * Run a read-only socket call where the socket cannot be closed under it: on the loop, or
	 * on the handler thread (the socket outlives it); from other threads through the loop.
	 * @param <T> the result type
	 * @param call the call
	 * @return its result, {@code null} if the socket is closed or the call failed
	 */
	protected final <T> @Nullable T onSocket(Callable<T> call) {
		if (this.loop.inLoop() || Thread.currentThread() == this.handlerThread) {
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

	// Information

	/** @return the connection's loop */
	public final Loop loop() {
		return this.loop;
	}

	/** @return the connection's listener */
	protected final AbstractListener listener() {
		return this.listener;
	}

	@Override
	public final long id() {
		return this.id;
	}

	@Override
	public final String listenerName() {
		return this.listener.name();
	}

	@Override
	public final InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public final boolean isOpen() {
		return this.state == OPEN;
	}

	@Override
	public final boolean isWritable() {
		WriteQueue q = this.queue;
		return this.state == OPEN && (q == null || q.isWritable());
	}

	@Override
	public final long pendingWriteBytes() {
		WriteQueue q = this.queue;
		return (q != null) ? q.size() : 0;
	}

	@Override
	public final boolean isReadPaused() {
		return !this.streamMode && this.state == OPEN && (this.readsSuspended || this.backpressured);
	}

	@Override
	public final <T> @Nullable T attribute(String key) {
		return this.attributes.get(key);
	}

	@Override
	public final void attribute(String key, @Nullable Object value) {
		this.attributes.set(key, value);
	}

	@Override
	public final long bytesReceived() {
		return this.bytesReceived;
	}

	@Override
	public final long bytesSent() {
		return this.bytesSent;
	}

	@Override
	public final Instant openedAt() {
		return this.openedAt;
	}

	/** @return whether the connection is closed */
	public final boolean isClosed() {
		return this.state == CLOSED;
	}

	@Override
	public final String toString() {
		return "connection " + this.id + " " + this.remoteAddress + " -> " + this.listener.name();
	}

	/** The handler thread's view of this connection. */
	private final class Channel implements StreamChannel {

		@Override
		public Connection connection() {
			return AbstractConnection.this;
		}

		@Override
		public StreamBuffer takeBuffer() {
			return streamBuffers().take();
		}

		@Override
		public void giveBuffer(StreamBuffer buffer) {
			streamBuffers().give(buffer);
		}

		@Override
		public int read(StreamBuffer dst) throws IOException {
			return readNow(dst);
		}

		@Override
		public int write(StreamBuffer src) throws IOException {
			return writeNow(src);
		}

		@Override
		public boolean awaitReadable(long deadlineNanos) throws IOException {
			return AbstractConnection.this.awaitReadable(deadlineNanos);
		}

		@Override
		public void awaitWritable() throws IOException {
			AbstractConnection.this.awaitWritable();
		}

		@Override
		public void handlerFinished() {
			AbstractConnection.this.handlerFinished();
		}

		@Override
		public void handlerFailed(Throwable error) {
			AbstractConnection.this.handlerFailed(error);
		}

	}

}
