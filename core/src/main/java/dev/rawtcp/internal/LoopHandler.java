package dev.rawtcp.internal;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.proxy.ProxyProtocolPolicy;

/**
 * An event-loop handler as its connection's loop calls it, with what lies between: bytes read
 * go to the PROXY header until it is behind, then through TLS, then to the handler. The
 * handler gets {@code onOpen} once (after the header and the handshake, so it never sees a
 * connection that is not established), data, the peer's end of stream, writability, and
 * {@code onClose} only after an {@code onOpen}. A throw closes the connection and is counted.
 * Loop thread. Internal.
 */
final class LoopHandler {

	private final AbstractConnection connection;

	private final LoopSide side;

	private final TcpHandler handler;

	/** The PROXY header to read first, else {@code null}. */
	private final @Nullable ProxyPreamble proxy;

	/** TLS between the socket and the handler, else {@code null}. */
	private final @Nullable LoopTls tls;

	/** {@code onOpen} ran. */
	private boolean open;

	LoopHandler(AbstractConnection connection, LoopSide side, TcpHandler handler) {
		this.connection = connection;
		this.side = side;
		this.handler = handler;
		ListenerConfig config = connection.listener().config;
		ServerTls serverTls = config.tls();
		this.tls = (serverTls != null) ? new LoopTls(side, this, connection, serverTls) : null;
		ProxyProtocolPolicy policy = config.proxyProtocol();
		this.proxy = (policy != null) ? new ProxyPreamble(connection, policy, config.proxyMaxHeaderSize()) : null;
	}

	/** @return the connection's TLS, or {@code null} */
	@Nullable LoopTls tls() {
		return this.tls;
	}

	/** The connection is registered: the PROXY header comes first, then TLS, then {@code onOpen}. */
	void start() {
		if (this.proxy != null) {
			this.proxy.start();
		}
		else {
			afterPreamble();
		}
	}

	private void afterPreamble() {
		if (this.tls != null) {
			this.tls.start();
		}
		else {
			opened();
		}
	}

	/**
	 * Bytes were read.
	 * @param in the bytes, valid during the call
	 * @return whether reading may go on
	 */
	boolean received(ByteBuffer in) {
		AbstractConnection c = this.connection;
		if (this.proxy != null && !this.proxy.passed()) {
			ByteBuffer first = this.proxy.received(in);
			if (first == null) {
				return c.isOpen() && !this.proxy.refused();
			}
			passed(first);
		}
		if (!in.hasRemaining() || !c.isOpen()) {
			return c.isOpen();
		}
		return next(in);
	}

	/** The socket's end of stream. */
	void ended() {
		if (this.proxy != null && !this.proxy.passed()) {
			ByteBuffer first = this.proxy.ended();
			if (first == null) {
				return;
			}
			passed(first);
		}
		if (this.tls != null) {
			this.tls.inputEnded();
		}
		peerEnded();
	}

	/** The PROXY header is behind: start the next layer, and hand it what came first after the header. */
	private void passed(ByteBuffer first) {
		afterPreamble();
		if (first.hasRemaining() && this.connection.isOpen()) {
			next(first);
		}
	}

	private boolean next(ByteBuffer in) {
		if (this.tls != null) {
			this.tls.received(in);
			return true;
		}
		return deliver(in);
	}

	/** Call {@code onOpen}. */
	void opened() {
		this.open = true;
		try {
			this.handler.onOpen(this.connection);
		}
		catch (Throwable ex) {
			this.connection.handlerFailedInLoop(ex);
		}
	}

	/**
	 * Hand over bytes read (plaintext).
	 * @param data the bytes, valid during the call
	 * @return whether reading may go on
	 */
	boolean deliver(ByteBuffer data) {
		AbstractConnection c = this.connection;
		try {
			this.handler.onData(c, data);
		}
		catch (Throwable ex) {
			c.handlerFailedInLoop(ex);
			return false;
		}
		return c.isOpen() && !this.side.readsPaused();
	}

	/** The peer's end of stream (its FIN, or over TLS its close_notify). */
	void peerEnded() {
		AbstractConnection c = this.connection;
		if (c.isInputClosed()) {
			return;
		}
		c.inputClosed();
		this.side.updateInterest();
		if (!this.open) {
			// the handshake never finished: nobody to tell
			c.startClose(CloseReason.ERROR);
			return;
		}
		try {
			this.handler.onInputClosed(c);
		}
		catch (Throwable ex) {
			c.handlerFailedInLoop(ex);
		}
	}

	/**
	 * The write queue crossed a water mark.
	 * @param writable whether writing is advised again
	 * @return {@code false} if the handler threw
	 */
	boolean writabilityChanged(boolean writable) {
		if (!this.open) {
			return true;
		}
		try {
			this.handler.onWritabilityChanged(this.connection, writable);
			return true;
		}
		catch (Throwable ex) {
			this.connection.handlerFailedInLoop(ex);
			return false;
		}
	}

	/**
	 * The connection closed: {@code onClose}, if the handler heard of it.
	 * @param reason why
	 */
	void closed(CloseReason reason) {
		if (this.tls != null) {
			this.tls.closed(reason);
		}
		if (!this.open) {
			return;
		}
		try {
			this.handler.onClose(this.connection, reason);
		}
		catch (Throwable ex) {
			this.connection.listener().log().handlerFailed(this.connection.remoteAddress(), ex);
		}
	}

}
