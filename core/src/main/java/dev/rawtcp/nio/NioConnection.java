package dev.rawtcp.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.internal.AbstractConnection;
import dev.rawtcp.internal.BufferPool;
import dev.rawtcp.internal.LevelTriggeredReadiness;
import dev.rawtcp.internal.ReadinessPoller;
import dev.rawtcp.internal.StreamBuffer;

/**
 * An accepted {@link SocketChannel}. In event-loop mode its loop does every read and
 * write (reads bounded per wakeup). In thread-per-connection mode the handler's thread
 * reads and writes the non-blocking channel itself; when the channel would block it asks
 * the loop to watch for readiness and parks until the loop reports it, as a goroutine
 * does in Go's netpoller. The selector is level triggered, so interest in readiness is
 * only registered while a handler thread waits for it. On JDK 24+ the handler waits
 * through the loop's {@link NioStreamPoller} instead, through a second key in the poller's
 * selector; the loop's key then only carries what the loop itself does.
 */
final class NioConnection extends AbstractConnection {

	private final NioEventLoop loop;

	private final SocketChannel channel;

	private final InetSocketAddress localAddress;

	private @Nullable SelectionKey key;

	/** How the handler thread waits (thread-per-connection mode), else {@code null}. */
	private final @Nullable LevelTriggeredReadiness readiness;

	/** The registration with the loop's stream poller (thread-per-connection mode on virtual threads), else {@code null}. */
	private @Nullable PollerKey pollerKey;

	NioConnection(NioEventLoop loop, NioListener listener, SocketChannel channel, @Nullable TcpHandler handler)
			throws IOException {
		this(loop, listener, channel, handler, (handler == null) ? new LevelTriggeredReadiness() : null);
	}

	private NioConnection(NioEventLoop loop, NioListener listener, SocketChannel channel, @Nullable TcpHandler handler,
			@Nullable LevelTriggeredReadiness readiness) throws IOException {
		super(loop, listener, (InetSocketAddress) channel.getRemoteAddress(), handler, loop.readBuffer, readiness);
		this.readiness = readiness;
		this.loop = loop;
		this.channel = channel;
		this.localAddress = (InetSocketAddress) channel.getLocalAddress();
	}

	// Readiness, on the loop

	void ready(int readyOps) {
		ready((readyOps & SelectionKey.OP_READ) != 0, (readyOps & SelectionKey.OP_WRITE) != 0, false);
	}

	// Readiness, on the stream poller

	void pollerReady(int readyOps) {
		this.readiness.pollerReported((readyOps & SelectionKey.OP_READ) != 0, (readyOps & SelectionKey.OP_WRITE) != 0,
				false);
	}

	void pollerGone() {
		this.readiness.pollerFailed();
	}

	// Transport primitives

	@Override
	protected void registerSocket(int ops) throws IOException {
		this.key = this.channel.register(this.loop.selector, selectionOps(ops), this);
		NioStreamPoller streams = this.streamMode ? this.loop.poller() : null;
		if (streams != null) {
			// the handler waits through the poller; the loop's key stays for what the loop does
			PollerKey registration = new PollerKey(streams, streams.register(this.channel, this));
			this.pollerKey = registration;
			this.readiness.usePoller(registration);
			// only now: a report must find the key
			registration.key.interestOps(SelectionKey.OP_READ);
			this.loop.pollerKeysChanged();
		}
	}

	@Override
	protected void setInterest(int ops) {
		SelectionKey k = this.key;
		if (k != null && k.isValid()) {
			k.interestOps(selectionOps(ops));
		}
	}

	private static int selectionOps(int ops) {
		return (((ops & READ) != 0) ? SelectionKey.OP_READ : 0) | (((ops & WRITE) != 0) ? SelectionKey.OP_WRITE : 0);
	}

	@Override
	protected int readOnce() throws IOException {
		ByteBuffer buffer = this.loop.readBuffer;
		buffer.clear();
		int n = this.channel.read(buffer);
		buffer.flip();
		return n;
	}

	/** Direct buffers are written as they are, heap ones staged through the loop's direct buffer. */
	@Override
	protected void sendAvailable(ByteBuffer src) throws IOException {
		while (src.hasRemaining()) {
			int attempted;
			int n;
			if (src.isDirect()) {
				attempted = src.remaining();
				n = this.channel.write(src);
			}
			else {
				ByteBuffer staging = this.loop.writeBuffer;
				int position = src.position();
				attempted = Math.min(src.remaining(), staging.capacity());
				staging.clear();
				staging.put(0, src, position, attempted);
				staging.limit(attempted);
				n = this.channel.write(staging);
				src.position(position + n);
			}
			if (n < attempted) {
				return;
			}
		}
	}

	@Override
	protected void shutdownOutput() throws IOException {
		this.channel.shutdownOutput();
	}

	@Override
	protected void shutdownBoth() {
		try {
			this.channel.shutdownInput();
			this.channel.shutdownOutput();
		}
		catch (IOException | RuntimeException ex) {
			// already reset or closed: the handler thread sees that too
		}
	}

	@Override
	protected void setLingerZero() {
		try {
			this.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
		}
		catch (IOException | RuntimeException ex) {
			// already closed or reset: closing is all that is left
		}
	}

	@Override
	protected void deregister() {
		SelectionKey k = this.key;
		if (k != null) {
			k.cancel();
		}
		PollerKey p = this.pollerKey;
		if (p != null) {
			p.key.cancel();
			// the socket is closed once both selectors deregistered their keys
			this.loop.pollerKeysChanged();
		}
	}

	@Override
	protected void closeSocket() {
		try {
			// a registered channel's socket is closed when the selector next deregisters its key
			this.channel.close();
		}
		catch (IOException ex) {
			// nothing left to do with it
		}
	}

	@Override
	protected boolean isReset(IOException ex) {
		return NioSockets.isReset(ex);
	}

	// StreamChannel primitives, on the handler thread

	@Override
	protected BufferPool streamBuffers() {
		return ((NioListener) listener()).streamBuffers();
	}

	@Override
	protected int streamRead(StreamBuffer dst) throws IOException {
		return this.channel.read(dst.buffer());
	}

	@Override
	protected int streamWrite(StreamBuffer src) throws IOException {
		return this.channel.write(src.buffer());
	}

	// Information

	@Override
	public InetSocketAddress localAddress() {
		return this.localAddress;
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

	/** A thread-per-connection socket's key with the loop's stream poller. */
	private static final class PollerKey implements ReadinessPoller {

		private final NioStreamPoller poller;

		private final SelectionKey key;

		PollerKey(NioStreamPoller poller, SelectionKey key) {
			this.poller = poller;
			this.key = key;
		}

		@Override
		public boolean works() {
			return !this.poller.dead();
		}

		@Override
		public void arm(int ops) {
			try {
				this.key.interestOpsOr(selectionOps(ops));
			}
			catch (CancelledKeyException ex) {
				// closed: the loop wakes the handler
				return;
			}
			this.poller.kick();
		}

		@Override
		public void disarm(int ops) {
			try {
				this.key.interestOpsAnd(~selectionOps(ops));
			}
			catch (CancelledKeyException ex) {
				// closed: the loop wakes the handler
			}
		}

	}

}
