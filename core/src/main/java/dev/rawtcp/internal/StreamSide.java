package dev.rawtcp.internal;

import java.io.IOException;
import java.net.SocketException;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ClosedByServerException;
import dev.rawtcp.Connection;
import dev.rawtcp.FrameException;

/**
 * The thread-per-connection side of a connection, the handler thread's {@link StreamChannel}:
 * the thread reads and writes the non-blocking socket itself and waits through a
 * {@link StreamReadiness} strategy when it would block. The socket is closed only once the
 * handler returned ({@link #handlerDone()}), so a thread inside a syscall never sees its fd
 * recycled. Everything that closes runs on the loop, through the connection's core. Internal.
 */
final class StreamSide implements StreamChannel, StreamReadiness.Owner {

	private final AbstractConnection connection;

	private final StreamReadiness readiness;

	private volatile @Nullable Thread thread;

	/** The handler returned or threw. Loop thread. */
	private boolean done;

	/** The handler thread saw the peer's reset: what it throws next is the reset, not a handler bug. */
	private volatile boolean peerReset;

	StreamSide(AbstractConnection connection, StreamReadiness readiness) {
		this.connection = connection;
		this.readiness = readiness;
		readiness.bind(this);
	}

	/** Start the handler thread. Loop thread. */
	void start() {
		dev.rawtcp.ServerTls tls = this.connection.listener().config.tls();
		dev.rawtcp.proxy.ProxyProtocolPolicy policy = this.connection.listener().config.proxyProtocol();
		StreamChannel channel = this;
		if (policy != null) {
			// the PROXY header comes first, then TLS; a refused connection's thread ends at its first read
			ProxyPreamble preamble = new ProxyPreamble(this.connection, policy,
					this.connection.listener().config.proxyMaxHeaderSize());
			preamble.start();
			channel = new ProxyStreamChannel(channel, preamble);
		}
		if (tls != null) {
			TlsStreamChannel secured = new TlsStreamChannel(channel, this.connection, tls);
			secured.start();
			channel = secured;
		}
		Thread handler = this.connection.listener().newHandlerThread(new ChannelTcpStream(channel));
		this.readiness.handlerThread(handler);
		this.thread = handler;
		handler.start();
	}

	StreamReadiness readiness() {
		return this.readiness;
	}

	/** @return whether the caller is the handler thread */
	boolean onHandlerThread() {
		return Thread.currentThread() == this.thread;
	}

	/** @return whether the handler returned or threw (then nobody uses the socket any more). Loop thread. */
	boolean handlerDone() {
		return this.done;
	}

	// StreamReadiness.Owner

	@Override
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	@Override
	public boolean readsOpen() {
		return this.connection.isOpen() && !this.connection.draining();
	}

	@Override
	public boolean writesOpen() {
		return !this.connection.isClosed();
	}

	@Override
	public void askLoop() {
		this.connection.loopSide().updateInterestLater();
	}

	// StreamChannel, on the handler thread

	@Override
	public Connection connection() {
		return this.connection;
	}

	@Override
	public StreamBuffer takeBuffer() {
		return this.connection.streamBuffers().take();
	}

	@Override
	public void giveBuffer(StreamBuffer buffer) {
		this.connection.streamBuffers().give(buffer);
	}

	@Override
	public int read(StreamBuffer dst) throws IOException {
		AbstractConnection c = this.connection;
		if (c.draining() || !c.isOpen()) {
			if (c.isClosed() && c.reason() == CloseReason.RESET) {
				this.peerReset = true;
				throw new SocketException("Connection reset");
			}
			if (c.isInputClosed()) {
				// the peer's end of stream came first
				return -1;
			}
			// never -1 here: a reader would take an unfinished frame for the peer's last one
			throw new ClosedByServerException(c.draining() ? CloseReason.SHUTDOWN : c.reason());
		}
		int seq = this.readiness.readSequence();
		if (this.readiness.knownEmpty(seq)) {
			// park without the read that would only say it would block
			return 0;
		}
		int wanted = dst.buffer().remaining();
		int n;
		try {
			n = c.streamRead(dst);
		}
		catch (IOException ex) {
			throw failed(ex, "read");
		}
		this.readiness.afterRead(seq, n, wanted);
		if (n > 0) {
			c.received(n, System.nanoTime());
		}
		else if (n < 0) {
			c.inputClosed();
		}
		return n;
	}

	@Override
	public int write(StreamBuffer src) throws IOException {
		AbstractConnection c = this.connection;
		if (c.isClosed() || c.socketClosed()) {
			throw new SocketException("Connection closed");
		}
		int seq = this.readiness.writeSequence();
		int n;
		try {
			n = c.streamWrite(src);
		}
		catch (IOException ex) {
			throw failed(ex, "write");
		}
		this.readiness.afterWrite(seq, n);
		if (n > 0) {
			c.sent(n, System.nanoTime());
		}
		return n;
	}

	private IOException failed(IOException ex, String operation) {
		if (this.connection.isReset(ex)) {
			this.peerReset = true;
			this.connection.loop().execute(() -> this.connection.closeOnError(ex, operation));
		}
		return ex;
	}

	@Override
	public boolean awaitReadable(long deadlineNanos) throws IOException {
		return this.readiness.awaitReadable(deadlineNanos);
	}

	@Override
	public void awaitWritable() throws IOException {
		this.readiness.awaitWritable();
		if (this.connection.isClosed()) {
			throw new SocketException("Connection closed");
		}
	}

	@Override
	public void handlerFinished() {
		this.connection.loop().execute(() -> {
			this.done = true;
			this.connection.handlerReturned(false);
		});
	}

	@Override
	public void handlerFailed(Throwable error) {
		boolean closedUnderIt = !this.connection.isOpen() && error instanceof IOException
				&& !(error instanceof FrameException);
		if (!this.peerReset && !closedUnderIt) {
			// a peer reset is counted as reason=reset, and an I/O error on a connection the transport
			// already closed (idle timeout, end of grace) as that reason: neither is a handler error
			this.connection.listener().log().handlerFailed(this.connection.remoteAddress(), error);
		}
		this.connection.loop().execute(() -> {
			this.done = true;
			this.connection.handlerReturned(true);
		});
	}

}
