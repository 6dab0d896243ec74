package dev.rawtcp.internal;

import java.io.IOException;

import dev.rawtcp.Connection;

/**
 * A {@link StreamChannel} in front of another, forwarding everything it does not change: the
 * base of the layers between a handler thread and its socket (PROXY header, TLS). Internal.
 */
abstract class ForwardingStreamChannel implements StreamChannel {

	/** The channel below this one. */
	protected final StreamChannel raw;

	ForwardingStreamChannel(StreamChannel raw) {
		this.raw = raw;
	}

	@Override
	public void open() throws IOException {
		this.raw.open();
	}

	@Override
	public Connection connection() {
		return this.raw.connection();
	}

	@Override
	public StreamBuffer takeBuffer() {
		return this.raw.takeBuffer();
	}

	@Override
	public void giveBuffer(StreamBuffer buffer) {
		this.raw.giveBuffer(buffer);
	}

	@Override
	public int read(StreamBuffer dst) throws IOException {
		return this.raw.read(dst);
	}

	@Override
	public int write(StreamBuffer src) throws IOException {
		return this.raw.write(src);
	}

	@Override
	public boolean awaitReadable(long deadlineNanos) throws IOException {
		return this.raw.awaitReadable(deadlineNanos);
	}

	@Override
	public void awaitWritable() throws IOException {
		this.raw.awaitWritable();
	}

	@Override
	public void handlerFinished() {
		this.raw.handlerFinished();
	}

	@Override
	public void handlerFailed(Throwable error) {
		this.raw.handlerFailed(error);
	}

}
