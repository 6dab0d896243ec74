package dev.rawtcp.internal;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A buffer lent to a thread-per-connection stream by a {@link BufferPool}, with the native
 * address of its first byte when it is direct (looked up once, when it was allocated, so
 * that no read or write looks it up again). Internal.
 */
public final class StreamBuffer {

	private final ByteBuffer buffer;

	private final long address;

	/**
	 * Wrap a buffer.
	 * @param buffer the buffer
	 * @param address the native address of its byte 0, {@code 0} if the transport does not use it
	 */
	public StreamBuffer(ByteBuffer buffer, long address) {
		this.buffer = Objects.requireNonNull(buffer, "'buffer' must not be null");
		this.address = address;
	}

	/** @return the buffer */
	public ByteBuffer buffer() {
		return this.buffer;
	}

	/** @return the native address of the buffer's byte 0, {@code 0} if unknown */
	public long address() {
		return this.address;
	}

}
