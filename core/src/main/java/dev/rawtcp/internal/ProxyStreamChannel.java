package dev.rawtcp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;


/**
 * The PROXY protocol header of a thread-per-connection handler's connection: {@link #open()}
 * reads it on the handler thread before anything else (before the TLS handshake, which runs
 * over this channel), and the bytes that followed it are read first. Internal.
 */
final class ProxyStreamChannel extends ForwardingStreamChannel {

	private final ProxyPreamble preamble;

	/** Bytes read with the header that belong to what follows it; read mode. */
	private @Nullable ByteBuffer after;

	ProxyStreamChannel(StreamChannel raw, ProxyPreamble preamble) {
		super(raw);
		this.preamble = preamble;
	}

	@Override
	public void open() throws IOException {
		StreamBuffer buffer = this.raw.takeBuffer();
		try {
			ByteBuffer b = buffer.buffer();
			while (true) {
				// read what is there: the decoder takes the header, the rest is kept for the next layer
				b.clear();
				int n = this.raw.read(buffer);
				ByteBuffer first;
				if (n < 0) {
					first = this.preamble.ended();
				}
				else if (n == 0) {
					if (this.preamble.refused()) {
						throw new ProxyHeaderException("PROXY header refused");
					}
					// no deadline here: the loop refuses the connection at proxy-protocol.header-timeout, which wakes us
					this.raw.awaitReadable(0);
					continue;
				}
				else {
					b.flip();
					first = this.preamble.received(b);
				}
				if (this.preamble.refused() || (first == null && n < 0)) {
					throw new ProxyHeaderException("PROXY header refused");
				}
				if (first != null) {
					ByteBuffer rest = ByteBuffer.allocate(first.remaining() + ((n > 0) ? b.remaining() : 0));
					rest.put(first);
					if (n > 0) {
						rest.put(b);
					}
					this.after = rest.flip();
					break;
				}
			}
		}
		finally {
			this.raw.giveBuffer(buffer);
		}
		this.raw.open();
	}

	@Override
	public int read(StreamBuffer dst) throws IOException {
		ByteBuffer waiting = this.after;
		if (waiting != null) {
			int n = Math.min(waiting.remaining(), dst.buffer().remaining());
			dst.buffer().put(waiting.slice(waiting.position(), n));
			waiting.position(waiting.position() + n);
			if (!waiting.hasRemaining()) {
				this.after = null;
			}
			if (n > 0) {
				return n;
			}
		}
		return this.raw.read(dst);
	}

	@Override
	public boolean awaitReadable(long deadlineNanos) throws IOException {
		return this.after != null || this.raw.awaitReadable(deadlineNanos);
	}

	@Override
	public void handlerFailed(Throwable error) {
		if (error instanceof ProxyHeaderException || error.getCause() instanceof ProxyHeaderException
				|| (this.preamble.refused() && error instanceof IOException)) {
			// counted as a header error, not as a handler error: the handler never ran
			this.raw.handlerFinished();
		}
		else {
			this.raw.handlerFailed(error);
		}
	}

	/** The connection's PROXY header was refused (counted and logged already). */
	static final class ProxyHeaderException extends EOFException {

		private static final long serialVersionUID = 1L;

		ProxyHeaderException(String message) {
			super(message);
		}

	}

}
