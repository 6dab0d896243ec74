package dev.rawtcp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.TcpHandler;

/**
 * What a connection's loop does with its socket, the event-loop side: reads for an event-loop
 * handler (bounded per wakeup, paused by {@code suspendReads} or while the write queue is above
 * its high water mark), the write queue and its water marks, and the interest registered with
 * the loop. In thread-per-connection mode the loop only flushes what {@code Connection.write}
 * queued and, level triggered without a stream poller, watches for a waiting handler. Loop
 * thread only, but for {@link #write(ByteBuffer)} and the read-only accessors. Internal.
 */
final class LoopSide {

	private static final int MAX_READS_PER_WAKEUP = 16;

	private final AbstractConnection connection;

	/** The event-loop handler, {@code null} in thread-per-connection mode. */
	private final @Nullable LoopHandler handler;

	/** The handler thread's readiness, {@code null} in event-loop mode. */
	private final @Nullable StreamReadiness readiness;

	/** The loop's shared read buffer: event-loop reads and discards land here. */
	private final ByteBuffer readBuffer;

	private final Runnable updateInterestTask = this::updateInterest;

	private final LingerDiscard discard;

	/** TLS between the socket and an event-loop handler, else {@code null}. */
	private final @Nullable LoopTls tls;

	/** Thread-per-connection mode over TLS: the handler thread's stream owns the engine. */
	private final boolean streamTls;

	private int interest;

	private volatile boolean readsSuspended;

	/** Reads stop while the write queue is above its high water mark (event-loop mode). */
	private volatile boolean backpressured;

	private volatile @Nullable WriteQueue queue;

	LoopSide(AbstractConnection connection, @Nullable TcpHandler handler, @Nullable StreamReadiness readiness,
			ByteBuffer readBuffer) {
		this.connection = connection;
		this.handler = (handler != null) ? new LoopHandler(connection, this, handler) : null;
		this.readiness = readiness;
		this.readBuffer = readBuffer;
		this.discard = new LingerDiscard(connection, this);
		this.tls = (this.handler != null) ? this.handler.tls() : null;
		this.streamTls = connection.listener().config.tls() != null && handler == null;
	}

	/** @return the interest to register first: reads in event-loop mode, nothing for a handler thread */
	int initialInterest() {
		this.interest = (this.handler != null) ? AbstractConnection.READ : 0;
		return this.interest;
	}

	// Readiness, event-loop mode

	/**
	 * The loop reports readiness of a connection that does not linger.
	 * @param readable readable, or an error or hang-up to be seen by reading
	 * @param writable writable (in thread-per-connection mode also an error or hang-up)
	 * @param hangup the socket hung up or failed
	 */
	void ready(boolean readable, boolean writable, boolean hangup) {
		AbstractConnection c = this.connection;
		StreamReadiness r = this.readiness;
		if (r != null) {
			// a handler thread reads and writes: note the report, flush what Connection.write queued, wake it
			r.loopReported(readable, writable, hangup);
			if (writable && !isQueueEmpty()) {
				flush();
			}
			r.wakeFor(readable, writable);
			updateInterest();
			return;
		}
		if (writable && !c.isClosed()) {
			flush();
		}
		if (readable && !c.isClosed()) {
			readReady();
		}
		if (hangup && !c.isClosed() && c.isInputClosed() && isQueueEmpty()) {
			// nothing left to read or write on a hung-up socket: do not spin on the level
			c.finalClose();
		}
	}

	private void readReady() {
		AbstractConnection c = this.connection;
		LoopHandler h = this.handler;
		if (!c.isOpen() || this.readsSuspended || this.backpressured || c.isInputClosed() || h == null) {
			return;
		}
		ByteBuffer buffer = this.readBuffer;
		int capacity = buffer.capacity();
		for (int i = 0; i < MAX_READS_PER_WAKEUP; i++) {
			int n;
			try {
				n = c.readOnce();
			}
			catch (IOException ex) {
				c.closeOnError(ex, "read");
				return;
			}
			if (n > 0) {
				c.received(n, c.loop().now());
				c.loop().readBytes(n);
				if (!h.received(buffer)) {
					return;
				}
				if (!c.isOpen() || this.readsSuspended || this.backpressured || n < capacity) {
					return;
				}
			}
			else if (n < 0) {
				h.ended();
				return;
			}
			else {
				return;
			}
		}
	}

	/** While lingering: read and drop what the peer still sends, bounded (see {@link LingerDiscard}). */
	void discard() {
		this.discard.discard();
	}

	/** @return whether the peer sent more than a closing connection discards at once */
	boolean discardThrottled() {
		return this.discard.throttled();
	}

	/** @return the bytes discarded while lingering */
	long discardedTotal() {
		return this.discard.total();
	}

	/** @return whether the handler thread's socket is registered once, edge triggered */
	boolean edgeTriggered() {
		StreamReadiness r = this.readiness;
		return r != null && r.edgeTriggered();
	}

	// From any thread

	/** {@code Connection.write}: on the loop at once, from another thread as a copy through the loop. */
	void writeFromAnyThread(ByteBuffer data) {
		AbstractConnection c = this.connection;
		if (this.streamTls) {
			throw new IllegalStateException("Connection.write is not available on a TLS connection in "
					+ "thread-per-connection mode: TLS records must leave in order, so write through TcpStream.output()");
		}
		if (c.loop().inLoop()) {
			write(data);
			return;
		}
		if (!c.isOpen() || !data.hasRemaining()) {
			data.position(data.limit());
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(data.remaining());
		copy.put(data).flip();
		c.loop().execute(() -> write(copy));
	}

	void suspendReadsFromAnyThread() {
		if (!this.connection.loop().inLoop()) {
			this.connection.loop().execute(this::suspendReadsFromAnyThread);
			return;
		}
		suspendReads();
	}

	void resumeReadsFromAnyThread() {
		if (!this.connection.loop().inLoop()) {
			this.connection.loop().execute(this::resumeReadsFromAnyThread);
			return;
		}
		if (!this.connection.draining()) {
			resumeReads();
		}
	}

	// Flow control

	void suspendReads() {
		this.readsSuspended = true;
		updateInterest();
	}

	/** A graceful stop: event-loop reads stop for good; the caller updates the interest. */
	void stopReads() {
		this.readsSuspended = true;
	}

	void resumeReads() {
		this.readsSuspended = false;
		updateInterest();
		resumeBuffered();
	}

	/** Over TLS, records read before reads paused wait unwrapped: hand them over now that reads resumed. */
	private void resumeBuffered() {
		LoopTls t = this.tls;
		if (t != null && t.hasBuffered() && !readsPaused()) {
			this.connection.loop().execute(t::resumeBuffered);
		}
	}

	/**
	 * A graceful close begins: over TLS, a close_notify goes out before the FIN. Loop thread.
	 * @return whether the FIN waits for the handler thread of an established thread-per-connection
	 * TLS connection, woken now, which sends the close_notify as it finishes (the close's stall
	 * deadline, counted from now, bounds the wait)
	 */
	boolean closing() {
		if (this.tls != null) {
			this.tls.closing();
			return false;
		}
		StreamReadiness r = this.readiness;
		if (this.streamTls && r != null && this.connection.tls().isPresent()) {
			this.connection.lastActivity = this.connection.loop().now();
			// woken once the close has begun (the caller changes the state after this), or it parks again
			this.connection.loop().execute(r::wake);
			return true;
		}
		return false;
	}

	/** @return whether event-loop reads are paused: suspended by the handler, or backpressured */
	boolean readsPaused() {
		return this.readsSuspended || this.backpressured;
	}

	// Writing

	/**
	 * Write on the loop: over TLS wrapped first; then as {@link #writeRaw(ByteBuffer)}.
	 * @param src the bytes; consumed
	 */
	void write(ByteBuffer src) {
		if (this.tls != null) {
			if (this.connection.isOpen()) {
				this.tls.write(src);
			}
			else {
				src.position(src.limit());
			}
			return;
		}
		writeRaw(src);
	}

	/**
	 * Write bytes as they are to leave: straight to the socket while nothing is queued, else queued.
	 * @param src the bytes; consumed
	 */
	void writeRaw(ByteBuffer src) {
		AbstractConnection c = this.connection;
		if (!c.isOpen()) {
			src.position(src.limit());
			return;
		}
		if (isQueueEmpty() && (!sendNow(src) || !src.hasRemaining())) {
			return;
		}
		WriteQueue q = queue();
		long wanted = q.size() + src.remaining();
		if (!q.add(src)) {
			c.listener().log().writeLimitExceeded(c.remoteAddress(), wanted, c.listener().config.writeBufferLimit());
			src.position(src.limit());
			c.abortNow(CloseReason.ERROR);
			return;
		}
		afterQueueChange();
	}

	private WriteQueue queue() {
		WriteQueue q = this.queue;
		if (q == null) {
			q = this.connection.listener().newWriteQueue();
			this.queue = q;
		}
		return q;
	}

	/** @return the bytes queued and not yet sent; any thread */
	long queuedBytes() {
		WriteQueue q = this.queue;
		return (q != null) ? q.size() : 0;
	}

	/** @return whether the write queue is below its high water mark; any thread */
	boolean isWritable() {
		WriteQueue q = this.queue;
		return q == null || q.isWritable();
	}

	boolean isQueueEmpty() {
		WriteQueue q = this.queue;
		return q == null || q.isEmpty();
	}

	void clearQueue() {
		WriteQueue q = this.queue;
		if (q != null) {
			q.clear();
		}
	}

	/**
	 * Send as much of {@code src} as the socket takes now.
	 * @return {@code false} if the connection was closed by an error
	 */
	private boolean sendNow(ByteBuffer src) {
		AbstractConnection c = this.connection;
		int start = src.position();
		try {
			c.sendAvailable(src);
		}
		catch (IOException ex) {
			c.sent(src.position() - start, c.loop().now());
			src.position(src.limit());
			c.closeOnError(ex, "write");
			return false;
		}
		c.sent(src.position() - start, c.loop().now());
		return true;
	}

	/** Send what the queue holds, as far as the socket takes it. */
	void flush() {
		AbstractConnection c = this.connection;
		WriteQueue q = this.queue;
		if (q == null || c.isClosed()) {
			return;
		}
		ByteBuffer head;
		while ((head = q.peek()) != null) {
			// the queue moves the head's position itself (consumed)
			int start = head.position();
			int length = head.remaining();
			IOException failure = null;
			try {
				c.sendAvailable(head);
			}
			catch (IOException ex) {
				failure = ex;
			}
			int n = head.position() - start;
			head.position(start);
			if (n > 0) {
				q.consumed(n);
				c.sent(n, c.loop().now());
			}
			if (failure != null) {
				c.closeOnError(failure, "write");
				return;
			}
			if (n < length) {
				break;
			}
		}
		afterQueueChange();
	}

	private void afterQueueChange() {
		AbstractConnection c = this.connection;
		WriteQueue q = this.queue;
		LoopHandler h = this.handler;
		if (q.updateWritability() && h != null && c.isOpen()) {
			// stop reading while the peer does not take what we write: memory stays bounded
			this.backpressured = !q.isWritable();
			if (!this.backpressured) {
				resumeBuffered();
			}
			if (!h.writabilityChanged(q.isWritable())) {
				return;
			}
		}
		if (c.isFlushing() && q.isEmpty()) {
			c.beginLinger();
			return;
		}
		StreamReadiness r = this.readiness;
		if (r != null && r.queueChanged(!q.isEmpty())) {
			c.loop().execute(this::flush);
		}
		updateInterest();
	}

	// Interest

	/** Have the loop bring the registered interest up to date. Any thread. */
	void updateInterestLater() {
		this.connection.loop().execute(this.updateInterestTask);
	}

	/** Register what the loop must watch for now. */
	void updateInterest() {
		AbstractConnection c = this.connection;
		StreamReadiness r = this.readiness;
		if (c.isClosed() || (r != null && r.edgeTriggered())) {
			// an edge-triggered stream socket is registered once for everything
			return;
		}
		boolean queued = !isQueueEmpty();
		int wanted;
		if (c.isLingering()) {
			wanted = ((c.isInputClosed() || this.discard.paused()) ? 0 : AbstractConnection.READ)
					| (queued ? AbstractConnection.WRITE : 0);
		}
		else if (r != null) {
			wanted = r.loopInterest() | (queued ? AbstractConnection.WRITE : 0);
		}
		else {
			boolean read = c.isOpen() && !this.readsSuspended && !this.backpressured && !c.isInputClosed();
			wanted = (read ? AbstractConnection.READ : 0) | (queued ? AbstractConnection.WRITE : 0);
		}
		if (wanted != this.interest) {
			try {
				c.setInterest(wanted);
			}
			catch (IOException ex) {
				c.closeOnError(ex, "interest");
				return;
			}
			this.interest = wanted;
		}
	}

	// Event-loop handler callbacks

	void opened() {
		this.handler.start();
	}

	void closed(CloseReason reason) {
		this.handler.closed(reason);
	}

}
