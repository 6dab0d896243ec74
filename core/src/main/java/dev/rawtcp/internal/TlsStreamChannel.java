package dev.rawtcp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ClosedByServerException;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TlsHandshakeFailure;

/**
 * TLS between the socket and a thread-per-connection handler: a {@link StreamChannel} that
 * reads and writes plaintext over the connection's own channel, on the handler thread, which
 * alone uses the engine. The handshake runs in {@link #open()}, before the handler is called;
 * when the handler returns a close_notify goes out before the FIN. Its buffers come from the
 * group's pool and are held only while they hold something (ciphertext of a record cut by a
 * read, plaintext not handed over yet) or a write is under way, as the stream's own are: an
 * idle connection parked in a read holds none. Internal.
 */
final class TlsStreamChannel extends ForwardingStreamChannel {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final AbstractConnection connection;

	private final TlsHandshake handshake;

	private final TlsHandshake.Send<IOException> sendHandshake = () -> wrapAndSend(EMPTY);

	private @Nullable SSLEngine engine;

	/** Ciphertext read and not unwrapped yet, write mode; held while it holds some, or a read is under way. */
	private @Nullable StreamBuffer in;

	/** Plaintext unwrapped and not handed over yet (the reader's buffer had no room for a record), read mode. */
	private @Nullable StreamBuffer plain;

	private boolean inboundDone;

	TlsStreamChannel(StreamChannel raw, AbstractConnection connection, ServerTls tls) {
		super(raw);
		this.connection = connection;
		this.handshake = new TlsHandshake(connection, tls);
	}

	/** Arm the handshake time-out; on the loop, at the accept. */
	void start() {
		this.handshake.start();
	}

	// Handshake

	@Override
	public void open() throws IOException {
		// what lies under TLS first (a PROXY header)
		this.raw.open();
		StreamBuffer netIn = inBuffer();
		StreamBuffer p = plainBuffer();
		try {
			SSLEngine e = newEngine(netIn.buffer());
			this.engine = e;
			while (true) {
				HandshakeStatus status = e.getHandshakeStatus();
				switch (status) {
					case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
						SSLEngineResult result = unwrap(e, p.buffer().clear());
						p.buffer().limit(0);
						if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
							readMore();
						}
						else if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
							throw new EOFException("the peer closed TLS during the handshake");
						}
					}
					case NEED_WRAP -> wrapAndSend(EMPTY);
					case NEED_TASK -> TlsHandshake.runTasks(e);
					case FINISHED, NOT_HANDSHAKING -> {
						if (!this.handshake.succeeded(e)) {
							throw new SocketTimeoutException("TLS handshake timed out");
						}
						releaseIdle();
						return;
					}
				}
			}
		}
		catch (SSLException ex) {
			this.handshake.failed(ex);
			sendAlert();
			throw new TlsHandshakeException(ex);
		}
		catch (SocketTimeoutException ex) {
			this.handshake.failed(TlsHandshakeFailure.TIMEOUT, String.valueOf(ex.getMessage()));
			throw new TlsHandshakeException(ex);
		}
		catch (TlsHandshakeException ex) {
			throw ex;
		}
		catch (IOException ex) {
			this.handshake.failed(TlsHandshakeFailure.CLOSED, String.valueOf(ex.getMessage()));
			throw new TlsHandshakeException(ex);
		}
	}

	private SSLEngine newEngine(ByteBuffer netIn) throws IOException {
		while (true) {
			ClientHello hello = ClientHello.peek(netIn.duplicate().flip());
			if (hello == ClientHello.NOT_TLS) {
				this.handshake.failed(TlsHandshakeFailure.PROTOCOL, "the first bytes are not a TLS handshake record");
				throw new TlsHandshakeException(new SSLException("not a TLS handshake record"));
			}
			if (hello != ClientHello.INCOMPLETE) {
				return this.handshake.newEngine(hello);
			}
			readMore();
		}
	}

	/**
	 * Read more ciphertext during the handshake, parking as long as the socket has none, until
	 * the handshake's deadline.
	 */
	private void readMore() throws IOException {
		while (true) {
			int n = readSome();
			if (n > 0) {
				return;
			}
			if (n < 0) {
				throw new EOFException("end of stream inside a TLS record");
			}
			if (!this.raw.awaitReadable(this.handshake.deadlineNanos())) {
				throw new SocketTimeoutException("TLS handshake timed out");
			}
		}
	}

	private SSLEngineResult unwrap(SSLEngine e, ByteBuffer dst) throws SSLException {
		ByteBuffer src = this.in.buffer();
		src.flip();
		try {
			return e.unwrap(src, dst);
		}
		finally {
			src.compact();
		}
	}

	private void sendAlert() {
		SSLEngine e = this.engine;
		if (e == null) {
			return;
		}
		e.closeOutbound();
		try {
			wrapAndSend(EMPTY);
		}
		catch (IOException ignored) {
			// the peer is gone: nothing to tell it
		}
	}

	// Plaintext, on the handler thread

	@Override
	public int read(StreamBuffer dst) throws IOException {
		StreamBuffer held = this.plain;
		if (held != null && held.buffer().hasRemaining()) {
			int n = copy(held.buffer(), dst.buffer());
			releaseIdle();
			return n;
		}
		if (this.inboundDone) {
			return -1;
		}
		SSLEngine e = this.engine;
		int room = e.getSession().getApplicationBufferSize();
		inBuffer();
		while (true) {
			boolean direct = dst.buffer().remaining() >= room;
			ByteBuffer waiting = direct ? null : plainBuffer().buffer();
			SSLEngineResult result = unwrap(e, direct ? dst.buffer() : waiting.clear());
			if (!direct) {
				waiting.flip();
			}
			switch (result.getStatus()) {
				case CLOSED -> {
					this.inboundDone = true;
					releaseIdle();
					return -1;
				}
				case BUFFER_UNDERFLOW -> {
					int n = readSome();
					if (n <= 0) {
						// nothing more now: give the buffers back before the caller parks
						releaseIdle();
						return n;
					}
				}
				default -> {
					if (!this.handshake.answer(e, result.getHandshakeStatus(), this.sendHandshake)) {
						this.inboundDone = true;
						throw new TlsHandshakeException(
								new SSLException("the peer asked to renegotiate, which is refused"));
					}
					if (result.bytesProduced() > 0) {
						int n = direct ? result.bytesProduced() : copy(waiting, dst.buffer());
						releaseIdle();
						return n;
					}
				}
			}
		}
	}

	private StreamBuffer inBuffer() {
		StreamBuffer held = this.in;
		if (held == null) {
			held = this.raw.takeBuffer();
			held.buffer().clear();
			this.in = held;
		}
		return held;
	}

	private StreamBuffer plainBuffer() {
		StreamBuffer held = this.plain;
		if (held == null) {
			held = this.raw.takeBuffer();
			held.buffer().clear().limit(0);
			this.plain = held;
		}
		return held;
	}

	/** Give back the buffers that hold nothing: no ciphertext waits, all plaintext was handed over. */
	private void releaseIdle() {
		StreamBuffer netIn = this.in;
		if (netIn != null && netIn.buffer().position() == 0) {
			this.in = null;
			this.raw.giveBuffer(netIn);
		}
		StreamBuffer p = this.plain;
		if (p != null && !p.buffer().hasRemaining()) {
			this.plain = null;
			this.raw.giveBuffer(p);
		}
	}

	/** @return bytes read, {@code 0} if none now, {@code -1} at the peer's end of stream (without close_notify) */
	private int readSome() throws IOException {
		StreamBuffer netIn = this.in;
		if (!netIn.buffer().hasRemaining()) {
			throw new SSLException("a TLS record larger than " + netIn.buffer().capacity() + " bytes");
		}
		int n = this.raw.read(netIn);
		if (n < 0) {
			this.inboundDone = true;
		}
		return n;
	}

	private static int copy(ByteBuffer from, ByteBuffer to) {
		int n = Math.min(from.remaining(), to.remaining());
		to.put(from.slice(from.position(), n));
		from.position(from.position() + n);
		return n;
	}

	@Override
	public int write(StreamBuffer src) throws IOException {
		int n = src.buffer().remaining();
		wrapAndSend(src.buffer());
		return n;
	}

	/** Wrap everything in {@code src} (or the handshake's next messages) and send it, parking while the socket is full. */
	private void wrapAndSend(ByteBuffer src) throws IOException {
		SSLEngine e = this.engine;
		StreamBuffer netOut = this.raw.takeBuffer();
		try {
			ByteBuffer o = netOut.buffer();
			boolean progress;
			do {
				o.clear();
				progress = TlsHandshake.wrapRecords(e, src, o);
				o.flip();
				while (o.hasRemaining()) {
					if (this.raw.write(netOut) == 0) {
						this.raw.awaitWritable();
					}
				}
			}
			while (progress && src.hasRemaining());
		}
		finally {
			this.raw.giveBuffer(netOut);
		}
	}

	@Override
	public boolean awaitReadable(long deadlineNanos) throws IOException {
		StreamBuffer held = this.plain;
		return (held != null && held.buffer().hasRemaining()) || this.raw.awaitReadable(deadlineNanos);
	}

	// The end

	@Override
	public void handlerFinished() {
		SSLEngine e = this.engine;
		if (e != null && this.handshake.ended() && !this.handshake.hasFailed() && !e.isOutboundDone()) {
			e.closeOutbound();
			try {
				wrapAndSend(EMPTY);
			}
			catch (IOException ex) {
				// the peer went away: the FIN follows anyway
			}
		}
		release();
		this.raw.handlerFinished();
	}

	@Override
	public void handlerFailed(Throwable error) {
		release();
		if (error instanceof TlsHandshakeException) {
			// counted as a failed handshake, not as a handler error; closed without a close_notify
			AbstractConnection c = this.connection;
			c.loop().execute(() -> c.startClose(CloseReason.ERROR));
			this.raw.handlerFinished();
		}
		else if (ClosedByServerException.isCause(error)) {
			this.raw.handlerFinished();
		}
		else {
			this.raw.handlerFailed(error);
		}
	}

	private void release() {
		for (StreamBuffer b : new StreamBuffer[] { this.in, this.plain }) {
			if (b != null) {
				this.raw.giveBuffer(b);
			}
		}
		this.in = null;
		this.plain = null;
	}

	/** The handshake failed (counted and logged already): the handler is not called. */
	static final class TlsHandshakeException extends IOException {

		private static final long serialVersionUID = 1L;

		TlsHandshakeException(Throwable cause) {
			super("TLS handshake failed: " + cause.getMessage(), cause);
		}

	}

}
