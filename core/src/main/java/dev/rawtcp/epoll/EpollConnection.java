package dev.rawtcp.epoll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.internal.AbstractConnection;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.EdgeTriggeredReadiness;
import dev.rawtcp.internal.StreamBuffer;

/**
 * An accepted socket. In event-loop mode every syscall on it is made by its loop (level
 * triggered, reads bounded per wakeup); in thread-per-connection mode the handler's thread
 * reads and writes the non-blocking socket itself and parks on {@code EAGAIN} until the
 * loop (edge triggered) reports readiness, as a goroutine does in Go's netpoller. The fd is
 * closed only once no thread can still use it, so a recycled fd number is never touched.
 */
final class EpollConnection extends AbstractConnection {

	private final EpollEventLoop loop;

	final int fd;

	/** How the handler thread waits (thread-per-connection mode), else {@code null}. */
	private final @Nullable EdgeTriggeredReadiness readiness;

	private volatile @Nullable InetSocketAddress localAddress;

	EpollConnection(EpollEventLoop loop, EpollListener listener, int fd, InetSocketAddress remoteAddress,
			@Nullable TcpHandler handler) {
		this(loop, listener, fd, remoteAddress, handler, (handler == null) ? new EdgeTriggeredReadiness() : null);
	}

	private EpollConnection(EpollEventLoop loop, EpollListener listener, int fd, InetSocketAddress remoteAddress,
			@Nullable TcpHandler handler, @Nullable EdgeTriggeredReadiness readiness) {
		super(loop, listener, remoteAddress, handler, loop.readBuffer, readiness);
		this.readiness = readiness;
		this.loop = loop;
		this.fd = fd;
		InetSocketAddress bound = listener.localAddress();
		this.localAddress = bound.getAddress().isAnyLocalAddress() ? null : bound;
	}

	// Events, on the loop

	void handleEvents(int mask) {
		if (this.streamMode) {
			ready(streamReadable(mask), streamWritable(mask), streamHangup(mask));
		}
		else {
			ready((mask & (Native.EPOLLIN | Native.EPOLLERR | Native.EPOLLHUP)) != 0, (mask & Native.EPOLLOUT) != 0,
					(mask & (Native.EPOLLERR | Native.EPOLLHUP)) != 0);
		}
	}

	/**
	 * Events the stream poller took for this thread-per-connection socket, on the poller's
	 * thread: handled there when they only wake the handler, else passed to the loop.
	 */
	void pollerEvents(int mask) {
		if (!this.readiness.pollerReported(streamReadable(mask), streamWritable(mask), streamHangup(mask))) {
			this.loop.execute(() -> handleEvents(mask));
		}
	}

	/**
	 * The stream poller died, maybe with edges of this socket taken and not reported: the
	 * handler reads or writes once more. Poller thread.
	 */
	void pollerGone() {
		this.readiness.pollerFailed();
	}

	// what an edge means to a thread-per-connection socket: a hang-up or an error is seen by its next read or write

	private static boolean streamReadable(int mask) {
		return (mask & (Native.EPOLLIN | Native.EPOLLRDHUP | Native.EPOLLHUP | Native.EPOLLERR)) != 0;
	}

	private static boolean streamWritable(int mask) {
		return (mask & (Native.EPOLLOUT | Native.EPOLLHUP | Native.EPOLLERR)) != 0;
	}

	private static boolean streamHangup(int mask) {
		return (mask & (Native.EPOLLRDHUP | Native.EPOLLHUP | Native.EPOLLERR)) != 0;
	}

	// Transport primitives

	@Override
	protected void registerSocket(int ops) throws IOException {
		if (this.streamMode) {
			this.loop.registerStream(this.fd, this,
					Native.EPOLLIN | Native.EPOLLOUT | Native.EPOLLRDHUP | Native.EPOLLET);
		}
		else {
			this.loop.register(this.fd, this, events(ops));
		}
	}

	@Override
	protected void setInterest(int ops) throws IOException {
		int res = this.loop.ctl(Native.EPOLL_CTL_MOD, this.fd, events(ops));
		if (res != 0) {
			throw Errors.newIOException("epoll_ctl", res);
		}
	}

	private static int events(int ops) {
		return (((ops & READ) != 0) ? Native.EPOLLIN : 0) | (((ops & WRITE) != 0) ? Native.EPOLLOUT : 0);
	}

	@Override
	protected int readOnce() throws IOException {
		ByteBuffer buffer = this.loop.readBuffer;
		int n = read(this.loop.readAddress, buffer.capacity());
		if (n > 0) {
			buffer.clear().limit(n);
		}
		return n;
	}

	/** {@code read(2)}: bytes read, {@code 0} on {@code EAGAIN}, {@code -1} at end of stream. */
	private int read(long address, int length) throws IOException {
		long n = Native.read(this.fd, address, length);
		if (n > 0) {
			return (int) n;
		}
		if (n == 0) {
			return -1;
		}
		if (n == -Errors.EAGAIN) {
			return 0;
		}
		throw Errors.newIOException("read", (int) -n);
	}

	/**
	 * Send from the loop's read buffer directly (echo) or staged through its write buffer.
	 */
	@Override
	protected void sendAvailable(ByteBuffer src) throws IOException {
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
				if (n < length) {
					return;
				}
			}
			else if (n == -Errors.EAGAIN) {
				return;
			}
			else {
				throw Errors.newIOException("send", (int) -n);
			}
		}
	}

	@Override
	protected void shutdownOutput() {
		// a failure (the peer is gone) shows in the next read
		Native.shutdown(this.fd, Native.SHUT_WR);
	}

	@Override
	protected void shutdownBoth() {
		Native.shutdown(this.fd, Native.SHUT_RDWR);
	}

	@Override
	protected void setLingerZero() {
		Native.setLinger(this.fd, true, 0);
	}

	@Override
	protected void deregister() {
		this.loop.forget(this.fd, this);
	}

	@Override
	protected void closeSocket() {
		Native.close(this.fd);
	}

	@Override
	protected boolean isReset(IOException ex) {
		return Errors.isReset(Errors.errno(ex));
	}

	@Override
	protected String ioErrorMessage(IOException ex, String operation) {
		return String.valueOf(ex.getMessage());
	}

	// StreamChannel primitives, on the handler thread

	@Override
	protected BufferPool streamBuffers() {
		return ((EpollListener) listener()).streamBuffers();
	}

	@Override
	protected int streamRead(StreamBuffer dst) throws IOException {
		ByteBuffer buffer = dst.buffer();
		int position = buffer.position();
		int n = read(dst.address() + position, buffer.remaining());
		if (n > 0) {
			buffer.position(position + n);
		}
		return n;
	}

	@Override
	protected int streamWrite(StreamBuffer src) throws IOException {
		ByteBuffer buffer = src.buffer();
		int position = buffer.position();
		long n = Native.send(this.fd, src.address() + position, buffer.remaining());
		if (n >= 0) {
			buffer.position(position + (int) n);
			return (int) n;
		}
		if (n == -Errors.EAGAIN) {
			return 0;
		}
		throw Errors.newIOException("send", (int) -n);
	}

	// Information

	@Override
	public InetSocketAddress localAddress() {
		InetSocketAddress local = this.localAddress;
		if (local == null) {
			local = onSocket(() -> new LinuxSocket(this.fd).localAddress());
			if (local == null) {
				return listener().localAddress();
			}
			this.localAddress = local;
		}
		return local;
	}

	@Override
	public Optional<TcpInfo> tcpInfo() {
		return Optional.ofNullable(onSocket(() -> new LinuxSocket(this.fd).tcpInfo()));
	}

	@Override
	public SocketOptionsView socketOptions() {
		SocketOptionsView options = onSocket(() -> new LinuxSocket(this.fd).options());
		return (options != null) ? options : SocketOptionsView.UNREADABLE;
	}

}
