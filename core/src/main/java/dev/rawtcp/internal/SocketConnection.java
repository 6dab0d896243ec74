package dev.rawtcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.Connection;
import dev.rawtcp.TlsInfo;
import dev.rawtcp.proxy.ProxyHeader;

/**
 * An accepted socket as both sides of a connection see it: its identity, its counters, and
 * the primitives its transport supplies (the syscalls of the loop side, of the handler thread
 * side, and of closing). The state machine is {@link AbstractConnection}'s. Internal.
 */
public abstract class SocketConnection implements Connection {

	/** Interest in readability, for {@link #setInterest(int)}. */
	protected static final int READ = 1;

	/** Interest in writability, for {@link #setInterest(int)}. */
	protected static final int WRITE = 2;

	private static final AtomicLong IDS = new AtomicLong();

	final Loop loop;

	final AbstractListener listener;

	/** The client: the socket's peer, or the source of its PROXY header. */
	volatile InetSocketAddress remoteAddress;

	private final InetSocketAddress socketRemoteAddress;

	private volatile @Nullable ProxyHeader proxyHeader;

	private final long id = IDS.incrementAndGet();

	private final Instant openedAt = Instant.now();

	private final ConnectionAttributes attributes = new ConnectionAttributes();

	/** The last read or write ({@link System#nanoTime()}): what the idle and stalled-close deadlines count from. */
	long lastActivity;

	private volatile long bytesReceived;

	private volatile long bytesSent;

	private volatile @Nullable TlsInfo tls;

	SocketConnection(Loop loop, AbstractListener listener, InetSocketAddress remoteAddress) {
		this.loop = loop;
		this.listener = listener;
		this.remoteAddress = remoteAddress;
		this.socketRemoteAddress = remoteAddress;
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

	// Counters

	final void received(int n, long now) {
		this.bytesReceived += n;
		this.listener.stats.recordBytesReceived(n);
		this.lastActivity = now;
	}

	final void sent(long n, long now) {
		if (n > 0) {
			this.bytesSent += n;
			this.listener.stats.recordBytesSent(n);
			this.lastActivity = now;
		}
	}

	/**
	 * The TLS handshake finished.
	 * @param info what it agreed on
	 */
	final void tlsEstablished(TlsInfo info) {
		this.tls = info;
	}

	/**
	 * The connection's PROXY header was read and is trusted: it names the client.
	 * @param header the header
	 */
	final void proxied(ProxyHeader header) {
		this.proxyHeader = header;
		this.remoteAddress = header.sourceOr(this.socketRemoteAddress);
	}

	// Information

	@Override
	public final InetSocketAddress socketRemoteAddress() {
		return this.socketRemoteAddress;
	}

	@Override
	public final Optional<ProxyHeader> proxyHeader() {
		return Optional.ofNullable(this.proxyHeader);
	}

	@Override
	public final Optional<TlsInfo> tls() {
		return Optional.ofNullable(this.tls);
	}

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

	@Override
	public final String toString() {
		return "connection " + this.id + " " + this.remoteAddress + " -> " + this.listener.name();
	}

}
