package dev.rawtcp.nio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.internal.ChannelTcpStream;
import dev.rawtcp.internal.ConnectionAttributes;
import dev.rawtcp.internal.PeriodicCheck;
import dev.rawtcp.internal.StreamChannel;
import dev.rawtcp.internal.WriteQueue;

/**
 * An accepted {@link SocketChannel}. In event-loop mode its loop does every read and
 * write (reads bounded per wakeup). In thread-per-connection mode the handler's thread
 * reads and writes the non-blocking channel itself; when the channel would block it asks
 * the loop to watch for readiness and parks until the loop reports it, as a goroutine
 * does in Go's netpoller. The selector is level triggered, so interest in readiness is
 * only registered while a handler thread waits for it.
 */
final class NioConnection implements Connection {

	private static final AtomicLong IDS = new AtomicLong();

	private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

	private static final int MAX_READS_PER_WAKEUP = 16;

	private static final int MAX_DISCARDS_PER_WAKEUP = 64;

	private static final int OPEN = 0;

	private static final int CLOSING = 1;

	private static final int LINGERING = 2;

	private static final int CLOSED = 3;

	final NioEventLoop loop;

	final NioListener listener;

	private final SocketChannel channel;

	private final long id = IDS.incrementAndGet();

	private final InetSocketAddress remoteAddress;

	private final InetSocketAddress localAddress;

	private final Instant openedAt = Instant.now();

	private final @Nullable TcpHandler handler;

	private final boolean streamMode;

	private final Runnable updateInterest = this::updateInterest;

	private @Nullable SelectionKey key;

	private int interest;

	private volatile int state = OPEN;

	private CloseReason reason = CloseReason.NORMAL;

	private volatile boolean inputClosed;

	private boolean readsSuspended;

	/** Reads stop while the write queue is above its high water mark (event-loop mode). */
	private boolean backpressured;

	private @Nullable WriteQueue queue;

	private volatile long lastActivity;

	private long lingerDeadline;

	private long drainDeadline;

	private volatile boolean draining;

	private boolean watched;

	private volatile long bytesReceived;

	private volatile long bytesSent;

	private final ConnectionAttributes attributes = new ConnectionAttributes();

	// thread-per-connection mode

	private volatile @Nullable Thread handlerThread;

	private boolean handlerDone;

	private volatile int readSeq;

	private volatile int writeSeq;

	private int seenReadSeq = -1;

	private int seenWriteSeq = -1;

	private volatile boolean readWaiter;

	private volatile boolean writeWaiter;

	NioConnection(NioEventLoop loop, NioListener listener, SocketChannel channel, @Nullable TcpHandler handler)
			throws IOException {
		this.loop = loop;
		this.listener = listener;
		this.channel = channel;
		this.handler = handler;
		this.streamMode = (handler == null);
		this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
		this.localAddress = (InetSocketAddress) channel.getLocalAddress();
	}

	// Registration, on the loop

	void register() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::register);
			return;
		}
		this.lastActivity = this.loop.now;
		try {
			this.interest = this.streamMode ? 0 : SelectionKey.OP_READ;
			this.key = this.channel.register(this.loop.selector, this.interest, this);
		}
		catch (IOException | RuntimeException ex) {
			// the handler never saw it: count the close, call nothing
			this.listener.log().ioError(this.remoteAddress, "register: " + ex.getMessage());
			this.state = CLOSED;
			closeChannel();
			this.listener.connectionClosed(this, CloseReason.ERROR);
			return;
		}
		long idleInterval = this.listener.idleCheckIntervalNanos();
		if (idleInterval > 0) {
			this.watched = true;
			this.loop.checks.watch(idleInterval, this.loop.now);
		}
		if (this.streamMode) {
			ChannelTcpStream stream = new ChannelTcpStream(new Channel());
			Thread thread = this.listener.newHandlerThread(stream);
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

	// Readiness, on the loop

	void ready(int readyOps) {
		if (this.state == LINGERING) {
			discard();
			return;
		}
		if (this.streamMode) {
			streamReady(readyOps);
			return;
		}
		if ((readyOps & SelectionKey.OP_WRITE) != 0 && this.state != CLOSED) {
			flush();
		}
		if ((readyOps & SelectionKey.OP_READ) != 0 && this.state != CLOSED) {
			readReady();
		}
	}

	private void streamReady(int readyOps) {
		if ((readyOps & SelectionKey.OP_READ) != 0 && this.readWaiter) {
			this.readWaiter = false;
			this.readSeq++;
		}
		if ((readyOps & SelectionKey.OP_WRITE) != 0) {
			if (this.queue != null && !this.queue.isEmpty()) {
				flush();
			}
			if (this.writeWaiter) {
				this.writeWaiter = false;
				this.writeSeq++;
			}
		}
		wakeHandler();
		updateInterest();
	}

	private void readReady() {
		if (this.state != OPEN || this.readsSuspended || this.backpressured || this.inputClosed) {
			return;
		}
		ByteBuffer buffer = this.loop.readBuffer;
		int capacity = buffer.capacity();
		for (int i = 0; i < MAX_READS_PER_WAKEUP; i++) {
			buffer.clear();
			int n;
			try {
				n = this.channel.read(buffer);
			}
			catch (IOException ex) {
				closeOnError(ex, "read");
				return;
			}
			if (n > 0) {
				this.bytesReceived += n;
				this.listener.stats().recordBytesReceived(n);
				this.lastActivity = this.loop.now;
				buffer.flip();
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
		ByteBuffer buffer = this.loop.readBuffer;
		for (int i = 0; i < MAX_DISCARDS_PER_WAKEUP; i++) {
			buffer.clear();
			int n;
			try {
				n = this.channel.read(buffer);
			}
			catch (IOException ex) {
				finalClose();
				return;
			}
			if (n < 0) {
				this.inputClosed = true;
				finalClose();
				return;
			}
			if (n == 0) {
				return;
			}
		}
		// the selector is level triggered: what is left is reported again
	}

	private void updateInterest() {
		SelectionKey k = this.key;
		if (this.state == CLOSED || k == null || !k.isValid()) {
			return;
		}
		boolean queued = this.queue != null && !this.queue.isEmpty();
		int wanted;
		if (this.state == LINGERING) {
			wanted = this.inputClosed ? 0 : SelectionKey.OP_READ;
		}
		else if (this.streamMode) {
			wanted = (this.readWaiter ? SelectionKey.OP_READ : 0)
					| ((this.writeWaiter || queued) ? SelectionKey.OP_WRITE : 0);
		}
		else {
			boolean read = this.state == OPEN && !this.readsSuspended && !this.backpressured && !this.inputClosed;
			wanted = (read ? SelectionKey.OP_READ : 0) | (queued ? SelectionKey.OP_WRITE : 0);
		}
		if (wanted != this.interest) {
			k.interestOps(wanted);
			this.interest = wanted;
		}
	}

	/** Periodic check, on the loop: idle timeout, linger and drain deadlines. */
	void check(long now) {
		if (this.state == LINGERING) {
			if (now - this.lingerDeadline >= 0) {
				forceClose(this.reason);
			}
			return;
		}
		long idle = this.listener.idleTimeoutNanos();
		boolean idleExpired = idle > 0 && now - this.lastActivity >= idle;
		if (this.state == OPEN && idleExpired) {
			startClose(CloseReason.IDLE);
			wakeHandler();
		}
		else if (this.state == CLOSING && (idleExpired || (this.drainDeadline != 0 && now - this.drainDeadline >= 0))) {
			// the peer does not take what is left to send
			forceClose(this.reason);
		}
	}

	// Writing

	@Override
	public void write(ByteBuffer data) {
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
		if (this.queue == null || this.queue.isEmpty()) {
			try {
				sendNow(src);
			}
			catch (IOException ex) {
				src.position(src.limit());
				closeOnError(ex, "write");
				return;
			}
			if (!src.hasRemaining()) {
				return;
			}
		}
		WriteQueue q = queue();
		long wanted = q.size() + src.remaining();
		if (!q.add(src)) {
			this.listener.log().writeLimitExceeded(this.remoteAddress, wanted, this.listener.config().writeBufferLimit());
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

	/** Write as much of {@code src} as the socket takes now. */
	private void sendNow(ByteBuffer src) throws IOException {
		while (src.hasRemaining()) {
			int attempted;
			int n;
			if (src.isDirect()) {
				attempted = src.remaining();
				n = this.channel.write(src);
			}
			else {
				ByteBuffer staging = stage(src, src.position());
				attempted = staging.remaining();
				n = this.channel.write(staging);
				src.position(src.position() + n);
			}
			sent(n);
			if (n < attempted) {
				return;
			}
		}
	}

	/** Copy up to a buffer's worth of {@code src}, from {@code offset}, into the loop's direct buffer. */
	private ByteBuffer stage(ByteBuffer src, int offset) {
		ByteBuffer staging = this.loop.writeBuffer;
		int length = Math.min(src.limit() - offset, staging.capacity());
		staging.clear();
		staging.put(0, src, offset, length);
		staging.limit(length);
		return staging;
	}

	private void sent(int n) {
		if (n > 0) {
			this.bytesSent += n;
			this.listener.stats().recordBytesSent(n);
			this.lastActivity = this.loop.now;
		}
	}

	private void flush() {
		WriteQueue q = this.queue;
		if (q == null || this.state == CLOSED) {
			return;
		}
		try {
			ByteBuffer head;
			while ((head = q.peek()) != null) {
				ByteBuffer staging = stage(head, head.position());
				int attempted = staging.remaining();
				int n = this.channel.write(staging);
				if (n > 0) {
					q.consumed(n);
					sent(n);
				}
				if (n < attempted) {
					break;
				}
			}
		}
		catch (IOException ex) {
			closeOnError(ex, "write");
			return;
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
		}
		else {
			updateInterest();
		}
	}

	// Closing

	@Override
	public void close() {
		if (this.loop.inLoop()) {
			startClose(CloseReason.NORMAL);
		}
		else if (this.state == OPEN) {
			this.loop.execute(() -> startClose(CloseReason.NORMAL));
		}
	}

	@Override
	public void abort() {
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
			// the handler thread sees end of stream, finishes, and comes back
			wakeHandler();
		}
		try {
			this.channel.shutdownOutput();
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
		this.lingerDeadline = (this.drainDeadline != 0) ? this.drainDeadline : this.loop.now + LINGER_NANOS;
		watchDeadlines();
		updateInterest();
		discard();
	}

	private void abortNow(CloseReason why) {
		if (this.state == CLOSED) {
			return;
		}
		forceClose(this.draining ? CloseReason.SHUTDOWN : why);
	}

	/** Close now with a reset (SO_LINGER 0), whatever is pending. Loop thread. */
	void forceClose(CloseReason why) {
		if (this.state == CLOSED) {
			return;
		}
		this.reason = why;
		try {
			this.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
		}
		catch (IOException | RuntimeException ex) {
			// already closed or reset: closing below is all that is left
		}
		if (this.queue != null) {
			this.queue.clear();
		}
		finalClose();
	}

	private void closeOnError(IOException ex, String operation) {
		boolean reset = NioSockets.isReset(ex);
		if (!reset && !(ex instanceof ClosedChannelException)) {
			this.listener.log().ioError(this.remoteAddress, operation + ": " + ex.getMessage());
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
			this.loop.checks.unwatch();
		}
		closeChannel();
		this.listener.connectionClosed(this, this.reason);
		if (this.streamMode) {
			wakeHandler();
		}
		else {
			try {
				this.handler.onClose(this, this.reason);
			}
			catch (Throwable ex) {
				this.listener.log().handlerFailed(this.remoteAddress, ex);
			}
		}
	}

	private void closeChannel() {
		try {
			// a registered channel's socket is closed when the selector next deregisters its key
			this.channel.close();
		}
		catch (IOException ex) {
			// nothing left to do with it
		}
	}

	private void watchDeadlines() {
		if (this.watched) {
			this.loop.checks.require(PeriodicCheck.DEADLINE_INTERVAL_NANOS, this.loop.now);
		}
		else {
			this.watched = true;
			this.loop.checks.watch(PeriodicCheck.DEADLINE_INTERVAL_NANOS, this.loop.now);
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

	/** Graceful stop of the listener. Loop thread. */
	void drain(long deadline) {
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
	public void suspendReads() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::suspendReads);
			return;
		}
		this.readsSuspended = true;
		updateInterest();
	}

	@Override
	public void resumeReads() {
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

	private int readNow(ByteBuffer dst) throws IOException {
		if (this.draining || this.state != OPEN) {
			if (this.state == CLOSED && this.reason == CloseReason.RESET) {
				throw new SocketException("Connection reset");
			}
			return -1;
		}
		int seq = this.readSeq;
		int n;
		try {
			n = this.channel.read(dst);
		}
		catch (IOException ex) {
			throw failedOnHandlerThread(ex, "read");
		}
		if (n > 0) {
			this.bytesReceived += n;
			this.listener.stats().recordBytesReceived(n);
			this.lastActivity = System.nanoTime();
			return n;
		}
		if (n < 0) {
			this.inputClosed = true;
			return -1;
		}
		this.seenReadSeq = seq;
		return 0;
	}

	private int writeNow(ByteBuffer src) throws IOException {
		if (this.state == CLOSED) {
			throw new SocketException("Connection closed");
		}
		int seq = this.writeSeq;
		int n;
		try {
			n = this.channel.write(src);
		}
		catch (IOException ex) {
			throw failedOnHandlerThread(ex, "write");
		}
		if (n > 0) {
			this.bytesSent += n;
			this.listener.stats().recordBytesSent(n);
			this.lastActivity = System.nanoTime();
			return n;
		}
		this.seenWriteSeq = seq;
		return 0;
	}

	private IOException failedOnHandlerThread(IOException ex, String operation) {
		if (NioSockets.isReset(ex)) {
			this.loop.execute(() -> closeOnError(ex, operation));
		}
		return ex;
	}

	private boolean awaitReadable(long deadlineNanos) throws IOException {
		while (this.readSeq == this.seenReadSeq && this.state == OPEN && !this.draining) {
			if (!this.readWaiter) {
				this.readWaiter = true;
				this.loop.execute(this.updateInterest);
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
			if (Thread.interrupted()) {
				throw new InterruptedIOException("Interrupted while waiting to read");
			}
		}
		return true;
	}

	private void awaitWritable() throws IOException {
		while (this.writeSeq == this.seenWriteSeq && this.state != CLOSED) {
			if (!this.writeWaiter) {
				this.writeWaiter = true;
				this.loop.execute(this.updateInterest);
			}
			LockSupport.park(this);
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
			if (this.state == OPEN) {
				startClose(CloseReason.NORMAL);
			}
			else if (this.state == LINGERING) {
				updateInterest();
				discard();
			}
		});
	}

	private void handlerFailed(Throwable error) {
		this.listener.log().handlerFailed(this.remoteAddress, error);
		this.loop.execute(() -> {
			this.handlerDone = true;
			if (this.state == OPEN) {
				startClose(CloseReason.ERROR);
			}
		});
	}

	// Information

	@Override
	public long id() {
		return this.id;
	}

	@Override
	public String listenerName() {
		return this.listener.name();
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public InetSocketAddress localAddress() {
		return this.localAddress;
	}

	@Override
	public boolean isOpen() {
		return this.state == OPEN;
	}

	@Override
	public boolean isWritable() {
		WriteQueue q = this.queue;
		return this.state == OPEN && (q == null || q.isWritable());
	}

	@Override
	public long pendingWriteBytes() {
		WriteQueue q = this.queue;
		return (q != null) ? q.size() : 0;
	}

	@Override
	public <T> @Nullable T attribute(String key) {
		return this.attributes.get(key);
	}

	@Override
	public void attribute(String key, @Nullable Object value) {
		this.attributes.set(key, value);
	}

	/** The JDK cannot read {@code TCP_INFO}: always empty, never a made-up value. */
	@Override
	public Optional<TcpInfo> tcpInfo() {
		return Optional.empty();
	}

	@Override
	public SocketOptionsView socketOptions() {
		return NioSockets.options(this.channel);
	}

	@Override
	public long bytesReceived() {
		return this.bytesReceived;
	}

	@Override
	public long bytesSent() {
		return this.bytesSent;
	}

	@Override
	public Instant openedAt() {
		return this.openedAt;
	}

	boolean isClosed() {
		return this.state == CLOSED;
	}

	@Override
	public String toString() {
		return "connection " + this.id + " " + this.remoteAddress + " -> " + this.listener.name();
	}

	/** The handler thread's view of this connection. */
	private final class Channel implements StreamChannel {

		@Override
		public Connection connection() {
			return NioConnection.this;
		}

		@Override
		public ByteBuffer allocateBuffer(int capacity) {
			return ByteBuffer.allocate(capacity);
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			return readNow(dst);
		}

		@Override
		public int write(ByteBuffer src) throws IOException {
			return writeNow(src);
		}

		@Override
		public boolean awaitReadable(long deadlineNanos) throws IOException {
			return NioConnection.this.awaitReadable(deadlineNanos);
		}

		@Override
		public void awaitWritable() throws IOException {
			NioConnection.this.awaitWritable();
		}

		@Override
		public void handlerFinished() {
			NioConnection.this.handlerFinished();
		}

		@Override
		public void handlerFailed(Throwable error) {
			NioConnection.this.handlerFailed(error);
		}

	}

}
