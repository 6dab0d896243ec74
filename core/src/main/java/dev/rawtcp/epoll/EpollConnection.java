package dev.rawtcp.epoll;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
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
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.internal.ChannelTcpStream;
import dev.rawtcp.internal.ConnectionAttributes;
import dev.rawtcp.internal.PeriodicCheck;
import dev.rawtcp.internal.StreamChannel;
import dev.rawtcp.internal.WriteQueue;

/**
 * An accepted socket. In event-loop mode every syscall on it is made by its loop (level
 * triggered, reads bounded per wakeup); in thread-per-connection mode the handler's thread
 * reads and writes the non-blocking socket itself and parks on {@code EAGAIN} until the
 * loop (edge triggered) reports readiness, as a goroutine does in Go's netpoller. The fd is
 * closed only once no thread can still use it, so a recycled fd number is never touched.
 */
final class EpollConnection implements Connection {

	private static final AtomicLong IDS = new AtomicLong();

	private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

	private static final long CLOSE_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final int MAX_READS_PER_WAKEUP = 16;

	private static final int OPEN = 0;

	private static final int CLOSING = 1;

	private static final int LINGERING = 2;

	private static final int CLOSED = 3;

	final EpollEventLoop loop;

	final EpollListener listener;

	final int fd;

	private final long id = IDS.incrementAndGet();

	private final InetSocketAddress remoteAddress;

	private volatile @Nullable InetSocketAddress localAddress;

	private final Instant openedAt = Instant.now();

	private final @Nullable TcpHandler handler;

	private final boolean streamMode;

	private volatile int state = OPEN;

	private CloseReason reason = CloseReason.NORMAL;

	private int interest;

	private boolean inputClosed;

	private boolean readsSuspended;

	/** Reads stop while the write queue is above its high water mark (event-loop mode). */
	private boolean backpressured;

	private @Nullable WriteQueue queue;

	private long lastActivity;

	private long lingerDeadline;

	private long drainDeadline;

	private boolean watched;

	private boolean fdClosed;

	private volatile long bytesReceived;

	private volatile long bytesSent;

	private final ConnectionAttributes attributes = new ConnectionAttributes();

	// thread-per-connection mode

	private @Nullable Thread handlerThread;

	private boolean handlerDone;

	private volatile boolean draining;

	/** The handler thread saw the peer's reset: what it throws next is the reset, not a handler bug. */
	private volatile boolean peerReset;

	private volatile int readSeq;

	private volatile int writeSeq;

	private int seenReadSeq = -1;

	private int seenWriteSeq = -1;

	private @Nullable ByteBuffer inBuffer;

	private long inAddress;

	private @Nullable ByteBuffer outBuffer;

	private long outAddress;

	EpollConnection(EpollEventLoop loop, EpollListener listener, int fd, InetSocketAddress remoteAddress,
			@Nullable TcpHandler handler) {
		this.loop = loop;
		this.listener = listener;
		this.fd = fd;
		this.remoteAddress = remoteAddress;
		this.handler = handler;
		this.streamMode = (handler == null);
		InetSocketAddress bound = listener.localAddress();
		this.localAddress = bound.getAddress().isAnyLocalAddress() ? null : bound;
	}

	// Registration, on the loop

	void register() {
		if (!this.loop.inLoop()) {
			this.loop.execute(this::register);
			return;
		}
		this.lastActivity = this.loop.now;
		try {
			if (this.streamMode) {
				this.loop.register(this.fd, this,
						Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLRDHUP | Native.EPOLLET);
			}
			else {
				this.interest = Native.EPOLLIN;
				this.loop.register(this.fd, this, this.interest);
			}
		}
		catch (IOException ex) {
			this.listener.log().ioError(this, ex.getMessage());
			this.fdClosed = true;
			Native.close(this.fd);
			this.state = CLOSED;
			this.listener.connectionClosed(this, CloseReason.ERROR);
			return;
		}
		long idle = this.listener.idleCheckIntervalNanos();
		if (idle > 0) {
			watch();
		}
		if (this.streamMode) {
			TcpStreamHandler streamHandler = this.listener.streamHandler();
			ChannelTcpStream stream = new ChannelTcpStream(new Channel());
			Thread thread = this.listener.handlerThreads().newThread(() -> stream.run(streamHandler));
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

	private void watch() {
		if (!this.watched) {
			this.watched = true;
			this.loop.checks.watch(this.listener.idleCheckIntervalNanos(), this.loop.now);
		}
	}

	/** Check this connection at least every 50 ms while it has a deadline (linger, drain). */
	private void watchLinger() {
		if (this.watched) {
			this.loop.checks.require(PeriodicCheck.DEADLINE_INTERVAL_NANOS, this.loop.now);
		}
		else {
			this.watched = true;
			this.loop.checks.watch(PeriodicCheck.DEADLINE_INTERVAL_NANOS, this.loop.now);
		}
	}

	// Events, on the loop

	void handleEvents(int mask) {
		if (this.state == LINGERING) {
			discard();
			return;
		}
		if (this.streamMode) {
			if ((mask & (Native.EPOLLIN | Native.EPOLLRDHUP | Native.EPOLLHUP | Native.EPOLLERR)) != 0) {
				this.readSeq++;
			}
			if ((mask & (Native.EPOLLOUT | Native.EPOLLHUP | Native.EPOLLERR)) != 0) {
				this.writeSeq++;
				if (this.queue != null && !this.queue.isEmpty()) {
					flush();
				}
			}
			Thread thread = this.handlerThread;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
			return;
		}
		if ((mask & Native.EPOLLOUT) != 0 && this.state != CLOSED) {
			flush();
		}
		if ((mask & (Native.EPOLLIN | Native.EPOLLERR | Native.EPOLLHUP)) != 0 && this.state != CLOSED) {
			readReady();
		}
		if ((mask & (Native.EPOLLERR | Native.EPOLLHUP)) != 0 && this.state != CLOSED && this.inputClosed
				&& (this.queue == null || this.queue.isEmpty())) {
			// nothing left to read or write on a hung-up socket: do not spin on the level
			finalClose();
		}
	}

	private void readReady() {
		if (this.state != OPEN || this.readsSuspended || this.backpressured || this.inputClosed) {
			return;
		}
		ByteBuffer buffer = this.loop.readBuffer;
		long address = this.loop.readAddress;
		int capacity = buffer.capacity();
		for (int i = 0; i < MAX_READS_PER_WAKEUP; i++) {
			long n = Native.read(this.fd, address, capacity);
			if (n > 0) {
				int count = (int) n;
				this.bytesReceived += count;
				this.listener.stats().recordBytesReceived(count);
				this.lastActivity = this.loop.now;
				buffer.clear().limit(count);
				try {
					this.handler.onData(this, buffer);
				}
				catch (Throwable ex) {
					handlerFailedInLoop(ex);
					return;
				}
				if (this.state != OPEN || this.readsSuspended || this.backpressured || count < capacity) {
					return;
				}
			}
			else if (n == 0) {
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
				if (n != -Errors.EAGAIN) {
					closeOnError((int) -n, "read");
				}
				return;
			}
		}
	}

	/** While lingering: read and drop until the peer's FIN. */
	private void discard() {
		ByteBuffer buffer = this.loop.readBuffer;
		for (int i = 0; i < 64; i++) {
			long n = Native.read(this.fd, this.loop.readAddress, buffer.capacity());
			if (n > 0) {
				continue;
			}
			if (n != -Errors.EAGAIN) {
				finalClose();
			}
			return;
		}
		if (this.streamMode) {
			// edge triggered: no new event will come for what is left, so come back soon
			this.loop.execute(() -> {
				if (this.state == LINGERING) {
					discard();
				}
			});
		}
	}

	private void updateInterest() {
		if (this.streamMode || this.state == CLOSED) {
			return;
		}
		boolean read = (this.state == OPEN && !this.readsSuspended && !this.backpressured && !this.inputClosed)
				|| (this.state == LINGERING && !this.inputClosed);
		boolean write = this.queue != null && !this.queue.isEmpty();
		int wanted = (read ? Native.EPOLLIN : 0) | (write ? Native.EPOLLOUT : 0);
		if (wanted != this.interest) {
			int res = this.loop.ctl(Native.EPOLL_CTL_MOD, this.fd, wanted);
			if (res != 0) {
				closeOnError(res, "epoll_ctl");
				return;
			}
			this.interest = wanted;
		}
	}

	/** Periodic check: idle timeout and linger deadline. */
	void check(long now) {
		if (this.state == LINGERING) {
			if (now - this.lingerDeadline >= 0) {
				Native.setLinger(this.fd, true, 0);
				finalClose();
			}
			return;
		}
		long idle = this.listener.idleTimeoutNanos();
		if (this.state == OPEN && idle > 0 && now - this.lastActivity >= idle) {
			startClose(dev.rawtcp.CloseReason.IDLE);
			wakeHandler();
		}
		else if (this.state == CLOSING && ((this.drainDeadline != 0 && now - this.drainDeadline >= 0)
				|| now - this.lastActivity >= CLOSE_STALL_NANOS)) {
			// the peer stopped reading what is left to flush
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
		if ((this.queue == null || this.queue.isEmpty()) && (!sendNow(src) || !src.hasRemaining())) {
			return;
		}
		WriteQueue q = queue();
		if (!q.add(src)) {
			this.listener.log().writeLimitExceeded(this.remoteAddress, q.size() + src.remaining(),
					this.listener.config().writeBufferLimit());
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
	 * Send as much of {@code src} as the socket takes now, from the loop's read buffer
	 * directly (echo) or staged through its write buffer.
	 * @return {@code false} if the connection was closed by an error
	 */
	private boolean sendNow(ByteBuffer src) {
		ByteBuffer staging = this.loop.writeBuffer;
		while (src.hasRemaining()) {
			int position = src.position();
			int length;
			long address;
			if (src == this.loop.readBuffer) {
				length = src.remaining();
				address = this.loop.readAddress + position;
			}
			else {
				length = Math.min(src.remaining(), staging.capacity());
				staging.put(0, src, position, length);
				address = this.loop.writeAddress;
			}
			long n = Native.send(this.fd, address, length);
			if (n > 0) {
				src.position(position + (int) n);
				sent(n);
				if (n < length) {
					return true;
				}
			}
			else {
				if (n != -Errors.EAGAIN) {
					src.position(src.limit());
					closeOnError((int) -n, "send");
					return false;
				}
				return true;
			}
		}
		return true;
	}

	private void sent(long n) {
		this.bytesSent += n;
		this.listener.stats().recordBytesSent(n);
		this.lastActivity = this.loop.now;
	}

	private void flush() {
		WriteQueue q = this.queue;
		if (q == null || this.state == CLOSED) {
			return;
		}
		ByteBuffer staging = this.loop.writeBuffer;
		ByteBuffer head;
		while ((head = q.peek()) != null) {
			int length = Math.min(head.remaining(), staging.capacity());
			staging.put(0, head, head.position(), length);
			long n = Native.send(this.fd, this.loop.writeAddress, length);
			if (n > 0) {
				q.consumed((int) n);
				sent(n);
				if (n < length) {
					break;
				}
			}
			else {
				if (n != -Errors.EAGAIN) {
					closeOnError((int) -n, "send");
					return;
				}
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
		}
		else if (this.streamMode) {
			if (!q.isEmpty()) {
				// edge triggered: an EPOLLOUT edge comes once the socket drains; flush then
				this.writeSeq++;
			}
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
	void startClose(CloseReason why) {
		if (this.state != OPEN) {
			return;
		}
		this.reason = this.draining ? CloseReason.SHUTDOWN : why;
		this.state = CLOSING;
		if (this.queue == null || this.queue.isEmpty()) {
			beginLinger();
		}
		else {
			watchLinger();
			updateInterest();
		}
	}

	private void beginLinger() {
		if (this.streamMode && !this.handlerDone) {
			// the handler thread still owns the socket: let it see end of stream, finish, and come back
			wakeHandler();
		}
		Native.shutdown(this.fd, Native.SHUT_WR);
		this.state = LINGERING;
		if (this.inputClosed) {
			finalClose();
			return;
		}
		this.lingerDeadline = (this.drainDeadline != 0) ? this.drainDeadline : this.loop.now + LINGER_NANOS;
		watchLinger();
		updateInterest();
		if (this.streamMode) {
			// edge triggered: what already arrived raises no new event. (Level triggered reports it
			// again, and the handler may still be using the loop's read buffer right now.)
			discard();
		}
	}

	private void abortNow(CloseReason why) {
		if (this.state == CLOSED) {
			return;
		}
		this.reason = this.draining ? CloseReason.SHUTDOWN : why;
		Native.setLinger(this.fd, true, 0);
		if (this.queue != null) {
			this.queue.clear();
		}
		finalClose();
	}

	/** Close now, with a reset, whatever is pending. Loop thread. */
	void forceClose(CloseReason why) {
		if (this.state == CLOSED) {
			return;
		}
		this.reason = why;
		Native.setLinger(this.fd, true, 0);
		if (this.queue != null) {
			this.queue.clear();
		}
		finalClose();
	}

	private void closeOnError(int errno, String syscall) {
		CloseReason why = Errors.isReset(errno) ? CloseReason.RESET : CloseReason.ERROR;
		if (why == CloseReason.ERROR) {
			this.listener.log().ioError(this, Errors.newIOException(syscall, errno).getMessage());
		}
		if (this.queue != null) {
			this.queue.clear();
		}
		if (this.state == OPEN || this.state == CLOSING) {
			this.reason = why;
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
		this.loop.forget(this.fd, this);
		if (this.streamMode && !this.handlerDone) {
			// wake the handler; its thread may be inside a syscall on this fd, so keep the fd until it is done
			Native.shutdown(this.fd, Native.SHUT_RDWR);
			wakeHandler();
		}
		else {
			closeFd();
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

	private void closeFd() {
		if (!this.fdClosed) {
			this.fdClosed = true;
			Native.close(this.fd);
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
		if (this.state == LINGERING) {
			this.lingerDeadline = deadline;
			return;
		}
		if (this.streamMode) {
			// the handler sees end of stream, finishes, and closes
			watchLinger();
			wakeHandler();
			return;
		}
		this.readsSuspended = true;
		startClose(CloseReason.SHUTDOWN);
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
		if (this.draining) {
			return;
		}
		this.readsSuspended = false;
		updateInterest();
	}

	// StreamChannel: called on the handler thread

	ByteBuffer allocateBuffer(int capacity) {
		ByteBuffer buffer = Native.allocate(capacity);
		if (this.inBuffer == null) {
			this.inBuffer = buffer;
			this.inAddress = Native.address(buffer);
		}
		else {
			this.outBuffer = buffer;
			this.outAddress = Native.address(buffer);
		}
		return buffer;
	}

	private long addressOf(ByteBuffer buffer) {
		if (buffer == this.inBuffer) {
			return this.inAddress;
		}
		if (buffer == this.outBuffer) {
			return this.outAddress;
		}
		throw new IllegalArgumentException("Buffer not allocated by this connection");
	}

	int read(ByteBuffer dst) throws IOException {
		if (this.draining || this.state != OPEN) {
			if (this.state == CLOSED && this.reason == CloseReason.RESET) {
				this.peerReset = true;
				throw new SocketException("Connection reset");
			}
			return -1;
		}
		int seq = this.readSeq;
		int position = dst.position();
		long n = Native.read(this.fd, addressOf(dst) + position, dst.remaining());
		if (n > 0) {
			dst.position(position + (int) n);
			this.bytesReceived += n;
			this.listener.stats().recordBytesReceived(n);
			this.lastActivity = System.nanoTime();
			return (int) n;
		}
		if (n == 0) {
			return -1;
		}
		int errno = (int) -n;
		if (errno == Errors.EAGAIN) {
			this.seenReadSeq = seq;
			return 0;
		}
		if (Errors.isReset(errno)) {
			this.peerReset = true;
			this.loop.execute(() -> closeOnError(errno, "read"));
		}
		throw Errors.newIOException("read", errno);
	}

	int writeNow(ByteBuffer src) throws IOException {
		if (this.state == CLOSED || this.fdClosed) {
			throw new SocketException("Connection closed");
		}
		int seq = this.writeSeq;
		int position = src.position();
		long n = Native.send(this.fd, addressOf(src) + position, src.remaining());
		if (n >= 0) {
			src.position(position + (int) n);
			this.bytesSent += n;
			this.listener.stats().recordBytesSent(n);
			this.lastActivity = System.nanoTime();
			return (int) n;
		}
		int errno = (int) -n;
		if (errno == Errors.EAGAIN) {
			this.seenWriteSeq = seq;
			return 0;
		}
		if (Errors.isReset(errno)) {
			this.peerReset = true;
			this.loop.execute(() -> closeOnError(errno, "send"));
		}
		throw Errors.newIOException("send", errno);
	}

	boolean awaitReadable(long deadlineNanos) throws IOException {
		while (this.readSeq == this.seenReadSeq && this.state == OPEN && !this.draining) {
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

	void awaitWritable() throws IOException {
		while (this.writeSeq == this.seenWriteSeq && this.state != CLOSED) {
			LockSupport.park(this);
			if (Thread.interrupted()) {
				throw new InterruptedIOException("Interrupted while waiting to write");
			}
		}
		if (this.state == CLOSED) {
			throw new SocketException("Connection closed");
		}
	}

	void handlerFinished() {
		this.loop.execute(() -> {
			this.handlerDone = true;
			if (this.state == CLOSED) {
				closeFd();
			}
			else {
				startClose(CloseReason.NORMAL);
				if (this.state == LINGERING) {
					discard();
				}
			}
		});
	}

	void handlerFailed(Throwable error) {
		if (!this.peerReset) {
			// a peer reset is counted as reason=reset, not as a handler error (and not logged above DEBUG)
			this.listener.log().handlerFailed(this.remoteAddress, error);
		}
		this.loop.execute(() -> {
			this.handlerDone = true;
			if (this.state == CLOSED) {
				closeFd();
			}
			else if (this.state == OPEN) {
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
		InetSocketAddress local = this.localAddress;
		if (local == null) {
			local = onSocket(() -> new LinuxSocket(this.fd).localAddress());
			if (local == null) {
				return this.listener.localAddress();
			}
			this.localAddress = local;
		}
		return local;
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

	@Override
	public Optional<TcpInfo> tcpInfo() {
		return Optional.ofNullable(onSocket(() -> new LinuxSocket(this.fd).tcpInfo()));
	}

	@Override
	public SocketOptionsView socketOptions() {
		SocketOptionsView options = onSocket(() -> new LinuxSocket(this.fd).options());
		return (options != null) ? options
				: new SocketOptionsView(null, null, null, null, null, null, null, null, null, null);
	}

	/**
	 * Run a read-only socket call where the fd cannot be closed under it: on the loop, or on
	 * the handler thread (the fd outlives it).
	 */
	private <T> @Nullable T onSocket(java.util.concurrent.Callable<T> call) {
		if (this.loop.inLoop() || Thread.currentThread() == this.handlerThread) {
			if (this.fdClosed || (this.state == CLOSED && !this.streamMode)) {
				return null;
			}
			try {
				return call.call();
			}
			catch (Exception ex) {
				return null;
			}
		}
		return this.loop.call(() -> (this.fdClosed || this.state == CLOSED) ? null : call.call(), 1000);
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

 	/** The handler thread's view of this connection. */
	private final class Channel implements StreamChannel {

		@Override
		public Connection connection() {
			return EpollConnection.this;
		}

		@Override
		public ByteBuffer allocateBuffer(int capacity) {
			return EpollConnection.this.allocateBuffer(capacity);
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			return EpollConnection.this.read(dst);
		}

		@Override
		public int write(ByteBuffer src) throws IOException {
			return writeNow(src);
		}

		@Override
		public boolean awaitReadable(long deadlineNanos) throws IOException {
			return EpollConnection.this.awaitReadable(deadlineNanos);
		}

		@Override
		public void awaitWritable() throws IOException {
			EpollConnection.this.awaitWritable();
		}

		@Override
		public void handlerFinished() {
			EpollConnection.this.handlerFinished();
		}

		@Override
		public void handlerFailed(Throwable error) {
			EpollConnection.this.handlerFailed(error);
		}

	}

	@Override
	public String toString() {
		return "connection " + this.id + " " + this.remoteAddress + " -> " + this.listener.name();
	}

}
