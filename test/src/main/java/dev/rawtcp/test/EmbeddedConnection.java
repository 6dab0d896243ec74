package dev.rawtcp.test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ClosedByServerException;
import dev.rawtcp.Connection;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.TcpStream;
import dev.rawtcp.TcpStreamHandler;

/**
 * A connection without a socket, for unit tests of handlers, in the manner of Netty's
 * {@code EmbeddedChannel}: the test plays the peer. It writes inbound bytes
 * ({@link #writeInbound(byte[])}), which an event-loop {@link TcpHandler} (a
 * {@code FramedHandler} too) receives in {@code onData} on the calling thread, and reads what
 * the handler wrote ({@link #readOutbound()}, {@link #readOutboundLine()}). It sees whether and
 * why the connection closed ({@link #closeReason()}, {@link #failure()}).
 *
 * <pre>{@code
 * EmbeddedConnection connection = EmbeddedConnection.open(new FramedHandler(() -> new LineDecoder(1024), handler));
 * connection.writeInbound("hello\n");
 * assertThat(connection.readOutboundLine()).isEqualTo("HELLO");
 * connection.writeInbound("x".repeat(2000) + "\n");
 * assertThat(connection.closeReason()).isEqualTo(CloseReason.ERROR);
 * assertThat(connection.failure()).isInstanceOf(FrameTooLongException.class);
 * }</pre>
 * <p>
 * It follows the transport's rules: a callback's exception closes the connection gracefully
 * with reason {@link CloseReason#ERROR} (kept in {@link #failure()} where the transport would
 * log it); {@code onInputClosed} comes after the last inbound byte; {@code onClose} is called
 * once; writes to a closed connection do nothing; bytes arrive in reads of at most the read
 * size (256 KiB, as the transports read), and none while reads are suspended or the
 * connection is not writable. By default the peer takes every byte at once; after
 * {@link #blockOutbound()} writes queue as on a peer that does not read, so the listener's
 * write-buffer water marks ({@code onWritabilityChanged}) and limit apply as configured in
 * its {@link ListenerConfig}.
 * <p>
 * A {@link TcpStreamHandler} ({@link #openStream(TcpStreamHandler)}) runs on a thread of its
 * own with blocking streams over the same buffers; the {@code await...} methods wait for what
 * it writes, up to a time-out (10 seconds by default), and fail with an {@link AssertionError}
 * that shows what was received.
 * <p>
 * Methods may be called from any thread; handler callbacks run one at a time, like on an
 * event loop. There is no kernel: {@link #tcpInfo()} is empty and {@link #socketOptions()}
 * reports what the configuration asks for.
 */
public final class EmbeddedConnection implements Connection {

	/** How long the {@code await...} methods wait by default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/** The most bytes one {@code onData} call receives by default: the transports' read size. */
	public static final int DEFAULT_READ_SIZE = 256 * 1024;

	private static final AtomicLong ids = new AtomicLong();

	private final Object monitor = new Object();

	private final long id = ids.incrementAndGet();

	private final ListenerConfig config;

	private final InetSocketAddress remoteAddress;

	private final InetSocketAddress localAddress;

	private final Instant openedAt = Instant.now();

	private final int readSize;

	private final Duration timeout;

	private final @Nullable TcpHandler handler;

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	/** Bytes the test wrote that the handler has not received yet. */
	private final ReceivedBytes inbound = new ReceivedBytes();

	/** Bytes the peer received: written by the handler and taken by the "socket". */
	private final ReceivedBytes outbound = new ReceivedBytes();

	/** Bytes written while the outbound was blocked, in order. */
	private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

	private @Nullable ByteBuffer readBuffer;

	private long queued;

	private State state = State.OPEN;

	private CloseReason reason = CloseReason.NORMAL;

	private @Nullable CloseReason closeReason;

	private @Nullable Throwable failure;

	private boolean inputShutdown;

	private boolean inputClosedDelivered;

	private boolean readsSuspended;

	private boolean draining;

	private boolean writable = true;

	private boolean outboundBlocked;

	private boolean delivering;

	private long bytesReceived;

	private long bytesSent;

	private EmbeddedConnection(Builder builder, @Nullable TcpHandler handler) {
		this.config = builder.config;
		this.remoteAddress = (builder.remoteAddress != null) ? builder.remoteAddress
				: new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000 + (int) (this.id % 20000));
		this.localAddress = (builder.localAddress != null) ? builder.localAddress
				: new InetSocketAddress(InetAddress.getLoopbackAddress(), this.config.port());
		this.readSize = builder.readSize;
		this.timeout = builder.timeout;
		this.handler = handler;
	}

	/**
	 * Open a connection to an event-loop handler (a {@code FramedHandler} too) with the default
	 * settings; its {@code onOpen} has run when this returns.
	 * @param handler the handler
	 * @return the open connection
	 */
	public static EmbeddedConnection open(TcpHandler handler) {
		return builder().open(handler);
	}

	/**
	 * Open a connection to a thread-per-connection handler with the default settings; its
	 * {@code handle} runs on a new thread.
	 * @param handler the handler
	 * @return the open connection
	 */
	public static EmbeddedConnection openStream(TcpStreamHandler handler) {
		return builder().openStream(handler);
	}

	/**
	 * A builder for other settings: the listener's configuration, addresses, read size, time-out.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	// The peer's side: inbound

	/**
	 * Send bytes to the handler. An event-loop handler receives them before this returns,
	 * unless its reads are suspended or the connection is not writable (then they wait, as in
	 * the kernel, until reads resume). Bytes sent to a closed connection are dropped.
	 * @param bytes the bytes
	 * @return this connection
	 * @throws IllegalStateException if the input was shut down
	 */
	public EmbeddedConnection writeInbound(byte[] bytes) {
		return writeInbound(ByteBuffer.wrap(bytes));
	}

	/**
	 * Send text in UTF-8; see {@link #writeInbound(byte[])}.
	 * @param text the text, with any delimiter the protocol needs
	 * @return this connection
	 */
	public EmbeddedConnection writeInbound(String text) {
		return writeInbound(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send the buffer's remaining bytes; see {@link #writeInbound(byte[])}.
	 * @param bytes the bytes, from position to limit; the position is moved to the limit
	 * @return this connection
	 */
	public EmbeddedConnection writeInbound(ByteBuffer bytes) {
		synchronized (this.monitor) {
			if (this.inputShutdown) {
				throw new IllegalStateException("The input of " + this + " was shut down: no more inbound bytes");
			}
			if (this.state == State.CLOSED) {
				bytes.position(bytes.limit());
				return this;
			}
			this.inbound.append(bytes);
			this.monitor.notifyAll();
			deliver();
		}
		return this;
	}

	/**
	 * Shut down the peer's output (a FIN): once it has received every inbound byte, an
	 * event-loop handler gets {@code onInputClosed} (which by default closes the connection)
	 * and a stream handler's input reaches its end.
	 * @return this connection
	 */
	public EmbeddedConnection shutdownInput() {
		synchronized (this.monitor) {
			this.inputShutdown = true;
			this.monitor.notifyAll();
			deliver();
		}
		return this;
	}

	/**
	 * The peer resets the connection (RST): it closes at once with reason
	 * {@link CloseReason#RESET}, dropping what is queued; a stream handler's reads and writes
	 * throw {@code SocketException: Connection reset}.
	 */
	public void resetByPeer() {
		synchronized (this.monitor) {
			forceClose(CloseReason.RESET);
		}
	}

	/**
	 * The listener's idle timeout expires: the connection is closed gracefully with reason
	 * {@link CloseReason#IDLE}.
	 */
	public void closeIdle() {
		synchronized (this.monitor) {
			startClose(CloseReason.IDLE);
		}
	}

	/**
	 * The listener is shut down gracefully. An event-loop handler's connection stops reading
	 * and is closed with reason {@link CloseReason#SHUTDOWN} once what is queued is flushed; a
	 * stream handler reads what it was sent, then a {@link ClosedByServerException} (never the
	 * end of its input, so that no unfinished frame passes for a last one), and the connection is
	 * closed with that reason when {@code handle} returns.
	 */
	public void closeForShutdown() {
		synchronized (this.monitor) {
			this.draining = true;
			this.monitor.notifyAll();
			if (this.handler != null) {
				this.readsSuspended = true;
				startClose(CloseReason.SHUTDOWN);
			}
		}
	}

	/**
	 * Inbound bytes not received by the handler yet (while its reads are suspended, or a stream
	 * handler has not read them).
	 * @return the count
	 */
	public int pendingInboundBytes() {
		synchronized (this.monitor) {
			return this.inbound.size();
		}
	}

	// The peer's side: outbound

	/**
	 * Take everything the peer received so far.
	 * @return the bytes, empty if none
	 */
	public byte[] readOutbound() {
		synchronized (this.monitor) {
			return this.outbound.takeAll();
		}
	}

	/**
	 * Take everything the peer received so far, as text.
	 * @param charset the charset
	 * @return the text, empty if none
	 */
	public String readOutbound(Charset charset) {
		return new String(readOutbound(), charset);
	}

	/**
	 * Take the next {@code \n}-terminated UTF-8 line the peer received.
	 * @return the line without {@code \n} (or {@code \r\n}), or {@code null} if no whole line was received
	 */
	public @Nullable String readOutboundLine() {
		synchronized (this.monitor) {
			return this.outbound.takeLine(StandardCharsets.UTF_8);
		}
	}

	/**
	 * Wait until the peer received {@code n} more bytes, and take them.
	 * @param n the number of bytes
	 * @return the bytes
	 * @throws AssertionError if they do not arrive within the time-out or the connection closes first
	 */
	public byte[] awaitOutbound(int n) {
		return await(n + " bytes", true, () -> (this.outbound.size() >= n) ? this.outbound.take(n) : null);
	}

	/**
	 * Wait for the next {@code \n}-terminated UTF-8 line, and take it.
	 * @return the line without {@code \n} (or {@code \r\n})
	 * @throws AssertionError if no line arrives within the time-out or the connection closes first
	 */
	public String awaitOutboundLine() {
		return await("a line", true, () -> this.outbound.takeLine(StandardCharsets.UTF_8));
	}

	/**
	 * Wait until the connection is closed.
	 * @return why it was closed
	 * @throws AssertionError if it is still open after the time-out
	 */
	public CloseReason awaitClose() {
		return await("the close", false, () -> this.closeReason);
	}

	/**
	 * Stop taking what the handler writes, as a peer that does not read: writes queue
	 * ({@link #pendingWriteBytes()}), the write-buffer water marks and limit apply, and a
	 * stream handler's writes block.
	 * @return this connection
	 */
	public EmbeddedConnection blockOutbound() {
		synchronized (this.monitor) {
			this.outboundBlocked = true;
		}
		return this;
	}

	/**
	 * Take everything queued and everything written from now on.
	 * @return this connection
	 */
	public EmbeddedConnection unblockOutbound() {
		synchronized (this.monitor) {
			this.outboundBlocked = false;
			flushOutbound(Long.MAX_VALUE);
		}
		return this;
	}

	/**
	 * Take up to {@code maxBytes} of what is queued, while the outbound stays blocked (a peer
	 * that reads slowly); the handler sees writability change as the queue crosses the low
	 * water mark.
	 * @param maxBytes the most bytes to take
	 * @return this connection
	 */
	public EmbeddedConnection flushOutbound(long maxBytes) {
		synchronized (this.monitor) {
			long left = maxBytes;
			ByteBuffer head;
			while (left > 0 && (head = this.queue.peek()) != null) {
				int n = (int) Math.min(left, head.remaining());
				ByteBuffer part = head.duplicate();
				part.limit(part.position() + n);
				this.outbound.append(part);
				head.position(head.position() + n);
				if (!head.hasRemaining()) {
					this.queue.poll();
				}
				this.queued -= n;
				this.bytesSent += n;
				left -= n;
			}
			this.monitor.notifyAll();
			afterQueueChange();
			deliver();
		}
		return this;
	}

	// What happened

	/**
	 * Why the connection was closed.
	 * @return the reason, or {@code null} while it is open or flushing before it closes
	 */
	public @Nullable CloseReason closeReason() {
		synchronized (this.monitor) {
			return this.closeReason;
		}
	}

	/**
	 * What the transport would have logged: the first exception thrown by a callback (or by a
	 * stream handler), or the write-buffer limit being exceeded.
	 * @return the exception, or {@code null} if none
	 */
	public @Nullable Throwable failure() {
		synchronized (this.monitor) {
			return this.failure;
		}
	}

	// Connection

	@Override
	public long id() {
		return this.id;
	}

	@Override
	public String listenerName() {
		return this.config.name();
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
	public void write(ByteBuffer data) {
		synchronized (this.monitor) {
			int n = data.remaining();
			if (this.state != State.OPEN || n == 0) {
				data.position(data.limit());
				return;
			}
			if (this.queue.isEmpty() && !this.outboundBlocked) {
				this.outbound.append(data);
				this.bytesSent += n;
				this.monitor.notifyAll();
				return;
			}
			if (this.queued + n > this.config.writeBufferLimit()) {
				data.position(data.limit());
				recordFailure(new IllegalStateException("Write queue of " + (this.queued + n)
						+ " bytes would exceed the write-buffer limit of " + this.config.writeBufferLimit() + " bytes"));
				forceClose(CloseReason.ERROR);
				return;
			}
			ByteBuffer copy = ByteBuffer.allocate(n);
			copy.put(data).flip();
			this.queue.add(copy);
			this.queued += n;
			afterQueueChange();
		}
	}

	@Override
	public void close() {
		synchronized (this.monitor) {
			startClose(CloseReason.NORMAL);
		}
	}

	@Override
	public void abort() {
		synchronized (this.monitor) {
			if (this.state != State.CLOSED) {
				forceClose(this.draining ? CloseReason.SHUTDOWN : CloseReason.RESET);
			}
		}
	}

	@Override
	public boolean isOpen() {
		synchronized (this.monitor) {
			return this.state == State.OPEN;
		}
	}

	@Override
	public boolean isWritable() {
		synchronized (this.monitor) {
			return this.state == State.OPEN && this.writable;
		}
	}

	@Override
	public long pendingWriteBytes() {
		synchronized (this.monitor) {
			return this.queued;
		}
	}

	@Override
	public void suspendReads() {
		synchronized (this.monitor) {
			this.readsSuspended = true;
		}
	}

	@Override
	public void resumeReads() {
		synchronized (this.monitor) {
			if (!this.draining) {
				this.readsSuspended = false;
				deliver();
			}
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T attribute(String key) {
		return (T) this.attributes.get(key);
	}

	@Override
	public void attribute(String key, @Nullable Object value) {
		if (value != null) {
			this.attributes.put(key, value);
		}
		else {
			this.attributes.remove(key);
		}
	}

	/**
	 * No kernel, no {@code TCP_INFO}.
	 * @return empty
	 */
	@Override
	public Optional<TcpInfo> tcpInfo() {
		return Optional.empty();
	}

	/**
	 * The options the listener's configuration asks for (there is no kernel to read them back from).
	 * @return the options
	 */
	@Override
	public SocketOptionsView socketOptions() {
		ListenerConfig c = this.config;
		return new SocketOptionsView(c.keepAlive(), ListenerConfig.toSeconds(c.keepAliveIdle()),
				ListenerConfig.toSeconds(c.keepAliveInterval()), c.keepAliveCount(), c.tcpNoDelay(),
				(int) Math.min(Integer.MAX_VALUE, c.userTimeout().toMillis()), c.receiveBufferSize(),
				c.sendBufferSize(), c.reuseAddress(), c.reusePort(), c.deferAccept().isZero() ? 0 : ListenerConfig.toSeconds(c.deferAccept()),
				c.fastOpenQueueLength());
	}

	@Override
	public long bytesReceived() {
		synchronized (this.monitor) {
			return this.bytesReceived;
		}
	}

	@Override
	public long bytesSent() {
		synchronized (this.monitor) {
			return this.bytesSent;
		}
	}

	@Override
	public Instant openedAt() {
		return this.openedAt;
	}

	@Override
	public String toString() {
		return "EmbeddedConnection " + this.id + " of listener '" + this.config.name() + "'";
	}

	// The transport's side, under the monitor

	/** Hand inbound bytes, then the end of input, to an event-loop handler while it may read. */
	private void deliver() {
		TcpHandler h = this.handler;
		if (h == null || this.delivering) {
			// a stream handler reads for itself; a callback that resumes reads is continued by the loop below
			return;
		}
		this.delivering = true;
		try {
			while (this.state == State.OPEN && !readPaused()) {
				if (this.inbound.size() > 0) {
					ByteBuffer data = readBuffer();
					data.clear();
					data.put(this.inbound.take(Math.min(this.readSize, this.inbound.size()))).flip();
					this.bytesReceived += data.remaining();
					try {
						h.onData(this, data);
					}
					catch (Throwable ex) {
						handlerFailed(ex);
					}
				}
				else if (this.inputShutdown && !this.inputClosedDelivered) {
					this.inputClosedDelivered = true;
					try {
						h.onInputClosed(this);
					}
					catch (Throwable ex) {
						handlerFailed(ex);
					}
				}
				else {
					return;
				}
			}
		}
		finally {
			this.delivering = false;
		}
	}

	@Override
	public boolean isReadPaused() {
		return readPaused();
	}

	/** Whether the transport would not read now: suspended by the handler or not writable (back-pressure). */
	private boolean readPaused() {
		return this.readsSuspended || (this.handler != null && !this.writable);
	}

	/** The read buffer: one per connection, reused by every read as the transports reuse theirs. */
	private ByteBuffer readBuffer() {
		ByteBuffer buffer = this.readBuffer;
		if (buffer == null) {
			buffer = ByteBuffer.allocateDirect(this.readSize);
			this.readBuffer = buffer;
		}
		return buffer;
	}

	private void afterQueueChange() {
		boolean changed = false;
		if (this.writable && this.queued > this.config.writeBufferHighWaterMark()) {
			this.writable = false;
			changed = true;
		}
		else if (!this.writable && this.queued <= this.config.writeBufferLowWaterMark()) {
			this.writable = true;
			changed = true;
		}
		if (changed && this.handler != null && this.state == State.OPEN) {
			try {
				this.handler.onWritabilityChanged(this, this.writable);
			}
			catch (Throwable ex) {
				handlerFailed(ex);
			}
		}
		if (this.state == State.CLOSING && this.queued == 0) {
			finalClose();
		}
	}

	private void startClose(CloseReason why) {
		if (this.state != State.OPEN) {
			return;
		}
		this.reason = this.draining ? CloseReason.SHUTDOWN : why;
		this.state = State.CLOSING;
		this.monitor.notifyAll();
		if (this.queued == 0) {
			finalClose();
		}
	}

	private void forceClose(CloseReason why) {
		if (this.state == State.CLOSED) {
			return;
		}
		this.reason = why;
		this.queue.clear();
		this.queued = 0;
		finalClose();
	}

	private void finalClose() {
		this.state = State.CLOSED;
		this.closeReason = this.reason;
		this.monitor.notifyAll();
		if (this.handler != null) {
			try {
				this.handler.onClose(this, this.reason);
			}
			catch (Throwable ex) {
				// the transport logs it; the reason stays
				recordFailure(ex);
			}
		}
	}

	private void handlerFailed(Throwable ex) {
		recordFailure(ex);
		if (this.state == State.OPEN) {
			startClose(CloseReason.ERROR);
		}
		else if (this.state == State.CLOSING) {
			this.reason = CloseReason.ERROR;
		}
	}

	private void recordFailure(Throwable ex) {
		if (this.failure == null) {
			this.failure = ex;
		}
	}

	/**
	 * Wait until the attempt gives a value, or fail after the time-out (or as soon as the
	 * connection is closed, if the value can then no longer come).
	 */
	private <T> T await(String what, boolean failWhenClosed, Attempt<T> attempt) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		synchronized (this.monitor) {
			for (;;) {
				T result = attempt.get();
				if (result != null) {
					return result;
				}
				if (failWhenClosed && this.state == State.CLOSED) {
					throw new AssertionError(
							"Expected " + what + " from " + this + " but it was closed (" + describeClose() + ")"
									+ "; received and not read: " + this.outbound.describe());
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("Expected " + what + " from " + this + " within " + this.timeout
							+ " (" + describeState() + "); received and not read: " + this.outbound.describe());
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted while waiting for " + what + " from " + this, ex);
				}
			}
		}
	}

	private String describeState() {
		return switch (this.state) {
			case OPEN -> "open" + ((this.queued > 0) ? ", " + this.queued + " bytes queued" : "");
			case CLOSING -> "closing (" + this.reason.tagValue() + "), " + this.queued + " bytes queued";
			case CLOSED -> "closed (" + describeClose() + ")";
		};
	}

	private String describeClose() {
		String text = this.reason.tagValue();
		return (this.failure != null) ? text + ": " + this.failure : text;
	}

	private void runStream(TcpStreamHandler streamHandler, EmbeddedStream stream) {
		Throwable error = null;
		try {
			streamHandler.handle(stream);
			stream.flush();
		}
		catch (Throwable ex) {
			if (ClosedByServerException.isCause(ex)) {
				// the server ended the stream: the handler finished, as the transports count it
				flushQuietly(stream);
			}
			else {
				error = ex;
			}
		}
		synchronized (this.monitor) {
			// an I/O error because the connection was closed under the handler is no handler failure
			if (error != null && !(this.state != State.OPEN && error instanceof IOException)) {
				handlerFailed(error);
			}
			else {
				startClose(CloseReason.NORMAL);
			}
		}
	}

	private static void flushQuietly(EmbeddedStream stream) {
		try {
			stream.flush();
		}
		catch (IOException ex) {
			// closed under the handler: nothing more to send
		}
	}

	private enum State {

		OPEN, CLOSING, CLOSED

	}

	@FunctionalInterface
	private interface Attempt<T> {

		@Nullable T get();

	}

	/**
	 * Builds an {@link EmbeddedConnection}.
	 */
	public static final class Builder {

		private ListenerConfig config = ListenerConfig.builder("embedded").build();

		private @Nullable InetSocketAddress remoteAddress;

		private @Nullable InetSocketAddress localAddress;

		private int readSize = DEFAULT_READ_SIZE;

		private Duration timeout = DEFAULT_TIMEOUT;

		private Builder() {
		}

		/**
		 * The listener's configuration: its name ({@link Connection#listenerName()}), port (of
		 * the local address), write-buffer water marks and limit, socket options. Defaults to
		 * {@code ListenerConfig.builder("embedded").build()}.
		 * @param config the configuration
		 * @return this builder
		 */
		public Builder config(ListenerConfig config) {
			this.config = Objects.requireNonNull(config, "'config' must not be null");
			return this;
		}

		/**
		 * The peer's address; defaults to a loopback address.
		 * @param remoteAddress the address
		 * @return this builder
		 */
		public Builder remoteAddress(InetSocketAddress remoteAddress) {
			this.remoteAddress = Objects.requireNonNull(remoteAddress, "'remoteAddress' must not be null");
			return this;
		}

		/**
		 * This side's address; defaults to the loopback address and the configuration's port.
		 * @param localAddress the address
		 * @return this builder
		 */
		public Builder localAddress(InetSocketAddress localAddress) {
			this.localAddress = Objects.requireNonNull(localAddress, "'localAddress' must not be null");
			return this;
		}

		/**
		 * The most bytes one {@code onData} call receives (256 KiB by
		 * default); a small size cuts inbound bytes into several reads, as a slow network does.
		 * @param readSize the size in bytes
		 * @return this builder
		 */
		public Builder readSize(int readSize) {
			if (readSize < 1) {
				throw new IllegalArgumentException("'readSize' must be positive, was " + readSize);
			}
			this.readSize = readSize;
			return this;
		}

		/**
		 * How long the {@code await...} methods wait; 10 seconds by default.
		 * @param timeout the time-out
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			Objects.requireNonNull(timeout, "'timeout' must not be null");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("'timeout' must be positive, was " + timeout);
			}
			this.timeout = timeout;
			return this;
		}

		/**
		 * Open a connection to an event-loop handler; its {@code onOpen} has run when this returns.
		 * @param handler the handler
		 * @return the open connection
		 */
		public EmbeddedConnection open(TcpHandler handler) {
			Objects.requireNonNull(handler, "'handler' must not be null");
			EmbeddedConnection connection = new EmbeddedConnection(this, handler);
			synchronized (connection.monitor) {
				try {
					handler.onOpen(connection);
				}
				catch (Throwable ex) {
					connection.handlerFailed(ex);
				}
			}
			return connection;
		}

		/**
		 * Open a connection to a thread-per-connection handler; its {@code handle} runs on a new
		 * (daemon) thread. When it returns, the output is flushed and the connection closed.
		 * @param handler the handler
		 * @return the open connection
		 */
		public EmbeddedConnection openStream(TcpStreamHandler handler) {
			Objects.requireNonNull(handler, "'handler' must not be null");
			EmbeddedConnection connection = new EmbeddedConnection(this, null);
			EmbeddedStream stream = connection.new EmbeddedStream();
			Thread thread = new Thread(() -> connection.runStream(handler, stream),
					"rawtcp-embedded-" + connection.config.name() + "-" + connection.id);
			thread.setDaemon(true);
			thread.start();
			return connection;
		}

	}

	/** The blocking streams of a stream handler, over the connection's buffers. */
	private final class EmbeddedStream implements TcpStream {

		private final InputStream input = new Input();

		private final BufferedOutputStream output = new BufferedOutputStream(new Output(), 8192);

		private volatile long readTimeoutNanos;

		@Override
		public Connection connection() {
			return EmbeddedConnection.this;
		}

		@Override
		public InputStream input() {
			return this.input;
		}

		@Override
		public OutputStream output() {
			return this.output;
		}

		@Override
		public void setReadTimeout(Duration timeout) {
			if (timeout.isNegative()) {
				throw new IllegalArgumentException("'timeout' must not be negative");
			}
			this.readTimeoutNanos = timeout.toNanos();
		}

		@Override
		public void close() {
			try {
				flush();
			}
			catch (IOException ex) {
				// closed under us: nothing left to flush to
			}
			EmbeddedConnection.this.close();
		}

		void flush() throws IOException {
			this.output.flush();
		}

		private final class Input extends InputStream {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xFF;
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				Objects.checkFromIndexSize(off, len, b.length);
				if (len == 0) {
					return 0;
				}
				EmbeddedConnection c = EmbeddedConnection.this;
				long timeout = EmbeddedStream.this.readTimeoutNanos;
				long deadline = System.nanoTime() + timeout;
				synchronized (c.monitor) {
					for (;;) {
						if (c.state == State.CLOSED && c.reason == CloseReason.RESET) {
							throw new SocketException("Connection reset");
						}
						if (c.inbound.size() > 0) {
							byte[] taken = c.inbound.take(Math.min(len, c.inbound.size()));
							System.arraycopy(taken, 0, b, off, taken.length);
							c.bytesReceived += taken.length;
							return taken.length;
						}
						if (c.inputShutdown) {
							return -1;
						}
						if (c.draining || c.state != State.OPEN) {
							// as the transports: the server's end is never the peer's end of stream
							throw new ClosedByServerException(c.draining ? CloseReason.SHUTDOWN : c.reason);
						}
						long left = (timeout > 0) ? deadline - System.nanoTime() : Long.MAX_VALUE;
						if (left <= 0) {
							throw new SocketTimeoutException("Read timed out");
						}
						try {
							if (timeout > 0) {
								TimeUnit.NANOSECONDS.timedWait(c.monitor, left);
							}
							else {
								c.monitor.wait();
							}
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							throw new InterruptedIOException("Interrupted while reading");
						}
					}
				}
			}

			@Override
			public int available() {
				synchronized (EmbeddedConnection.this.monitor) {
					return EmbeddedConnection.this.inbound.size();
				}
			}

		}

		private final class Output extends OutputStream {

			@Override
			public void write(int b) throws IOException {
				write(new byte[] { (byte) b }, 0, 1);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				Objects.checkFromIndexSize(off, len, b.length);
				EmbeddedConnection c = EmbeddedConnection.this;
				synchronized (c.monitor) {
					// a blocked peer parks the writer, as a full send buffer does
					while (c.outboundBlocked && c.state == State.OPEN) {
						try {
							c.monitor.wait();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							throw new InterruptedIOException("Interrupted while writing");
						}
					}
					if (c.state != State.OPEN) {
						throw new SocketException(
								(c.reason == CloseReason.RESET) ? "Connection reset" : "Socket closed");
					}
					c.write(ByteBuffer.wrap(b, off, len));
				}
			}

		}

	}

}
