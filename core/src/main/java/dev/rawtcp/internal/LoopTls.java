package dev.rawtcp.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TlsHandshakeFailure;

/**
 * TLS between the socket and an event-loop handler, on the loop thread: what the socket gives
 * is unwrapped into the loop's plaintext buffer and handed to the handler several records at a
 * time; what the handler writes is wrapped into the loop's ciphertext buffer and goes through
 * the connection's ordinary write path (socket, or write queue), so water marks and limits count
 * the bytes that really leave. The handler's {@code onOpen} runs once the handshake finished,
 * so no plaintext is ever read or written before. Ciphertext is unwrapped from a heap buffer
 * lent by the loop, where a record cut by a read waits until it is complete. Internal.
 */
final class LoopTls {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private static final ThreadLocal<Buffers> LOOP_BUFFERS = ThreadLocal.withInitial(Buffers::new);

	private final LoopSide side;

	private final LoopHandler handler;

	private final AbstractConnection connection;

	private final TlsHandshake handshake;

	private final TlsHandshake.Send<SSLException> sendHandshake = () -> wrapOut(EMPTY);

	/** The loop's buffers, looked up once (the connection stays on its loop). */
	private @Nullable Buffers buffers;

	private @Nullable SSLEngine engine;

	/** Ciphertext read and not unwrapped yet (a partial record, or what waits while reads are paused); write mode. */
	private @Nullable ByteBuffer pendingIn;

	/** Plaintext written before the handshake finished. */
	private @Nullable ArrayDeque<ByteBuffer> pendingOut;

	private long pendingOutBytes;

	private boolean established;

	/** The peer's close_notify arrived, or the handshake failed: nothing more is unwrapped. */
	private boolean inboundDone;

	LoopTls(LoopSide side, LoopHandler handler, AbstractConnection connection, ServerTls tls) {
		this.side = side;
		this.handler = handler;
		this.connection = connection;
		this.handshake = new TlsHandshake(connection, tls);
	}

	/** The connection is registered: start the clock. */
	void start() {
		this.handshake.start();
	}

	/** @return the buffers of the loop this runs on (loop thread only) */
	private Buffers buffers() {
		Buffers b = this.buffers;
		if (b == null) {
			b = LOOP_BUFFERS.get();
			this.buffers = b;
		}
		return b;
	}

	// Inbound

	/**
	 * Ciphertext arrived. It is copied, a buffer at a time, into a heap buffer lent by the loop
	 * and unwrapped from there: the JDK's ciphers allocate temporary arrays for every record
	 * they read from a direct buffer (as the socket's read buffer is), not from a heap one.
	 * @param raw the bytes read, position to limit; consumed or kept
	 */
	void received(ByteBuffer raw) {
		if (this.inboundDone) {
			return;
		}
		ByteBuffer held = this.pendingIn;
		if (held == null) {
			held = buffers().takePending();
			this.pendingIn = held;
		}
		while (raw.hasRemaining() && !this.inboundDone) {
			if (!held.hasRemaining()) {
				// a paused connection keeps what it read: never more than one read buffer and a record
				held = grow(held, raw.remaining());
			}
			int n = Math.min(held.remaining(), raw.remaining());
			held.put(held.position(), raw, raw.position(), n);
			held.position(held.position() + n);
			raw.position(raw.position() + n);
			held.flip();
			process(held);
			if (this.pendingIn != held) {
				// the handler closed the connection meanwhile: the buffer went back to the loop
				return;
			}
			held.compact();
			if (!this.connection.isOpen()) {
				// closing: what the peer still sends is dropped
				raw.position(raw.limit());
				break;
			}
			if (!canRead() && raw.hasRemaining()) {
				held = grow(held, raw.remaining());
			}
		}
		releaseIfEmpty();
	}

	/** @return whether ciphertext waits that was not unwrapped because reads were paused */
	boolean hasBuffered() {
		ByteBuffer held = this.pendingIn;
		return held != null && held.position() > 0 && this.established && !this.inboundDone;
	}

	/** Reads resumed: unwrap what waited. Loop thread. */
	void resumeBuffered() {
		ByteBuffer held = this.pendingIn;
		if (held == null || !canRead()) {
			return;
		}
		held.flip();
		process(held);
		if (this.pendingIn == held) {
			held.compact();
			releaseIfEmpty();
		}
	}

	private ByteBuffer grow(ByteBuffer held, int more) {
		ByteBuffer bigger = ByteBuffer.allocate(held.position() + more + Buffers.PENDING_SIZE);
		held.flip();
		bigger.put(held);
		buffers().givePending(held);
		this.pendingIn = bigger;
		return bigger;
	}

	private void releaseIfEmpty() {
		ByteBuffer held = this.pendingIn;
		if (held != null && held.position() == 0) {
			this.pendingIn = null;
			buffers().givePending(held);
		}
	}

	private boolean canRead() {
		return !this.inboundDone && this.connection.isOpen() && !this.side.readsPaused();
	}

	private void process(ByteBuffer src) {
		try {
			if (!this.established && !handshake(src)) {
				return;
			}
			unwrapAndDeliver(src);
		}
		catch (SSLException ex) {
			fail(ex);
		}
	}

	/** @return whether the handshake finished (the rest of {@code src} is application data) */
	private boolean handshake(ByteBuffer src) throws SSLException {
		SSLEngine e = this.engine;
		if (e == null) {
			ClientHello hello = ClientHello.peek(src);
			if (hello == ClientHello.INCOMPLETE) {
				return false;
			}
			if (hello == ClientHello.NOT_TLS) {
				failAndClose(TlsHandshakeFailure.PROTOCOL, "the first bytes are not a TLS handshake record");
				return false;
			}
			e = this.handshake.newEngine(hello);
			this.engine = e;
		}
		ByteBuffer plain = buffers().plain;
		while (!this.handshake.ended()) {
			HandshakeStatus status = e.getHandshakeStatus();
			switch (status) {
				case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
					plain.clear();
					SSLEngineResult result = e.unwrap(src, plain);
					if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
						return false;
					}
					if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
						failAndClose(TlsHandshakeFailure.CLOSED, "the peer closed TLS during the handshake");
						return false;
					}
				}
				case NEED_WRAP -> {
					wrapOut(EMPTY);
					if (!this.connection.isOpen()) {
						return false;
					}
				}
				case NEED_TASK -> TlsHandshake.runTasks(e);
				case FINISHED, NOT_HANDSHAKING -> {
					return finished(e);
				}
			}
		}
		return false;
	}

	private boolean finished(SSLEngine e) {
		if (!this.handshake.succeeded(e)) {
			return false;
		}
		this.established = true;
		ArrayDeque<ByteBuffer> waiting = this.pendingOut;
		this.pendingOut = null;
		this.pendingOutBytes = 0;
		if (waiting != null) {
			// written from other threads before the handshake finished
			for (ByteBuffer data : waiting) {
				write(data);
			}
		}
		this.handler.opened();
		return this.connection.isOpen();
	}

	private void unwrapAndDeliver(ByteBuffer src) throws SSLException {
		SSLEngine e = this.engine;
		ByteBuffer plain = buffers().plain;
		int room = e.getSession().getApplicationBufferSize();
		while (src.hasRemaining() && canRead()) {
			plain.clear();
			boolean underflow = false;
			while (plain.remaining() >= room && src.hasRemaining()) {
				SSLEngineResult result = e.unwrap(src, plain);
				if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
					underflow = true;
					break;
				}
				if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
					this.inboundDone = true;
					break;
				}
				if (!this.handshake.answer(e, result.getHandshakeStatus(), this.sendHandshake)) {
					// a renegotiation: refused
					this.inboundDone = true;
					this.connection.forceClose(CloseReason.ERROR);
					return;
				}
				if (!this.connection.isOpen()) {
					return;
				}
			}
			plain.flip();
			if (plain.hasRemaining() && !this.handler.deliver(plain)) {
				return;
			}
			if (this.inboundDone) {
				// the peer's close_notify: its end of stream
				this.handler.peerEnded();
				return;
			}
			if (underflow) {
				return;
			}
		}
	}

	// Outbound

	/**
	 * The handler writes: wrapped and sent, or kept until the handshake finished.
	 * @param plain the bytes; consumed
	 */
	void write(ByteBuffer plain) {
		if (this.established) {
			try {
				wrapOut(plain);
			}
			catch (SSLException ex) {
				plain.position(plain.limit());
				fail(ex);
			}
			return;
		}
		long limit = this.connection.listener().config.writeBufferLimit();
		if (this.pendingOutBytes + plain.remaining() > limit) {
			this.connection.listener().log().writeLimitExceeded(this.connection.remoteAddress(),
					this.pendingOutBytes + plain.remaining(), limit);
			plain.position(plain.limit());
			this.connection.abortNow(CloseReason.ERROR);
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(plain.remaining());
		copy.put(plain).flip();
		if (this.pendingOut == null) {
			this.pendingOut = new ArrayDeque<>();
		}
		this.pendingOut.add(copy);
		this.pendingOutBytes += copy.remaining();
	}

	/** Wrap {@code src} (or a handshake message, when empty) into records and send them. */
	private void wrapOut(ByteBuffer src) throws SSLException {
		ByteBuffer out = buffers().cipher;
		boolean progress;
		do {
			out.clear();
			progress = TlsHandshake.wrapRecords(this.engine, src, out);
			out.flip();
			this.side.writeRaw(out);
		}
		while (progress && src.hasRemaining() && this.connection.isOpen());
	}

	/** A graceful close: a close_notify goes out before the FIN. */
	void closing() {
		SSLEngine e = this.engine;
		if (e == null || !this.established || e.isOutboundDone()) {
			return;
		}
		e.closeOutbound();
		try {
			wrapOut(EMPTY);
		}
		catch (SSLException ex) {
			// nothing more to say to this peer
		}
	}

	/** The connection closed: give the loop its buffer back, count a handshake cut short. */
	void closed(CloseReason reason) {
		ByteBuffer held = this.pendingIn;
		this.pendingIn = null;
		if (held != null) {
			buffers().givePending(held);
		}
		this.pendingOut = null;
		if (!this.established) {
			this.handshake.failed(TlsHandshakeFailure.CLOSED,
					"the connection closed during the handshake (" + reason.tagValue() + ")");
		}
	}

	/** The peer's end of stream came without a close_notify. */
	void inputEnded() {
		if (!this.established) {
			this.handshake.failed(TlsHandshakeFailure.CLOSED, "the peer closed the connection during the handshake");
		}
	}

	// Failures

	private void fail(SSLException ex) {
		this.inboundDone = true;
		if (!this.handshake.failed(ex) && this.established) {
			this.connection.listener().log().ioError(this.connection.remoteAddress(), "TLS: " + ex.getMessage());
		}
		sendAlertAndClose();
	}

	private void failAndClose(TlsHandshakeFailure reason, String detail) {
		this.inboundDone = true;
		this.handshake.failed(reason, detail);
		sendAlertAndClose();
	}

	private void sendAlertAndClose() {
		SSLEngine e = this.engine;
		if (e != null && !e.isOutboundDone()) {
			e.closeOutbound();
			try {
				wrapOut(EMPTY);
			}
			catch (SSLException ignored) {
				// the alert could not be made: close without it
			}
		}
		this.connection.startClose(CloseReason.ERROR);
	}

	/** The loop's buffers: shared by its connections, since the loop serves one at a time. */
	static final class Buffers {

		static final int PENDING_SIZE = 32 * 1024;

		private static final int POOLED = 256;

		final ByteBuffer plain = ByteBuffer.allocate(64 * 1024);

		final ByteBuffer cipher = ByteBuffer.allocate(64 * 1024);

		private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

		ByteBuffer takePending() {
			ByteBuffer b = this.pending.pollFirst();
			return (b != null) ? b : ByteBuffer.allocate(PENDING_SIZE);
		}

		void givePending(ByteBuffer b) {
			if (b.capacity() == PENDING_SIZE && this.pending.size() < POOLED) {
				b.clear();
				this.pending.addFirst(b);
			}
		}

	}

}
