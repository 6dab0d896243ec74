package dev.rawtcp.internal;

import java.nio.ByteBuffer;

import dev.rawtcp.CloseReason;
import dev.rawtcp.TcpHandler;

/**
 * An event-loop handler as its connection's loop calls it: {@code onOpen} once (over TLS when
 * the handshake finished, so the handler never sees a connection that is not established),
 * data, the peer's end of stream, writability, and {@code onClose} only after an
 * {@code onOpen}. A throw closes the connection and is counted. Loop thread. Internal.
 */
final class LoopHandler {

	private final AbstractConnection connection;

	private final LoopSide side;

	private final TcpHandler handler;

	/** {@code onOpen} ran. */
	private boolean open;

	LoopHandler(AbstractConnection connection, LoopSide side, TcpHandler handler) {
		this.connection = connection;
		this.side = side;
		this.handler = handler;
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
