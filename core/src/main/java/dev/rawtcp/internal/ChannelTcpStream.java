package dev.rawtcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.ClosedByServerException;
import dev.rawtcp.Connection;
import dev.rawtcp.TcpStream;

/**
 * The {@link TcpStream} of both transports, built on a {@link StreamChannel}: buffered
 * streams whose reads and writes park instead of blocking in the kernel. The buffers are
 * lent by the group's {@link BufferPool}: the input holds one only while it has unread bytes
 * or is reading, and gives it back before it parks for more; the output takes one at the
 * first write after a flush and gives it back once a flush has sent everything. An idle
 * connection (its handler parked in {@code read} with everything flushed) holds no buffer.
 * The buffers are only touched on the handler's thread: a {@link #close()} from another
 * thread closes the connection without flushing. Internal.
 */
public final class ChannelTcpStream implements TcpStream {

	private final StreamChannel channel;

	private final In input = new In();

	private final Out output = new Out();

	private volatile long readTimeoutNanos;

	private volatile boolean closed;

	/** The thread running the handler: the only one that touches the buffers. */
	private volatile @Nullable Thread owner;

	/**
	 * Wrap a channel.
	 * @param channel the transport's channel
	 */
	public ChannelTcpStream(StreamChannel channel) {
		this.channel = Objects.requireNonNull(channel, "'channel' must not be null");
	}

	@Override
	public Connection connection() {
		return this.channel.connection();
	}

	/**
	 * The connection whose input this is, for the framed readers' frame deadline.
	 * @param input an input stream
	 * @return the connection if {@code input} is a {@link #input()}, else {@code null}
	 */
	public static @Nullable Connection connectionOf(InputStream input) {
		return (input instanceof In in) ? in.connection() : null;
	}

	@Override
	public InputStream input() {
		return this.input;
	}

	@Override
	public OutputStream output() {
		return this.output;
	}

	@Override
	public void setReadTimeout(Duration timeout) {
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("'timeout' must not be negative");
		}
		this.readTimeoutNanos = timeout.toNanos();
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (Thread.currentThread() == this.owner) {
			try {
				this.output.flushBuffer();
			}
			catch (IOException ex) {
				// the connection is gone; closing below is all that is left to do
			}
			releaseBuffers();
		}
		this.channel.connection().close();
	}

	/**
	 * Run the handler on the current thread; then flush and close, or count the failure.
	 * Either way the buffers go back to the pool.
	 * @param handler the user's handler
	 */
	public void run(dev.rawtcp.TcpStreamHandler handler) {
		this.owner = Thread.currentThread();
		try {
			this.channel.open();
			handler.handle(this);
			finish();
		}
		catch (Throwable ex) {
			if (ClosedByServerException.isCause(ex)) {
				// the server ended the stream (a stop, a time-out): the handler finished, as at end of stream
				finish();
				return;
			}
			this.closed = true;
			releaseBuffers();
			this.channel.handlerFailed(ex);
		}
	}

	private void finish() {
		try {
			this.output.flushBuffer();
		}
		catch (IOException ex) {
			// peer went away after the handler finished: nothing more to send
		}
		this.closed = true;
		releaseBuffers();
		this.channel.handlerFinished();
	}

	private void releaseBuffers() {
		this.input.release();
		this.output.release();
	}

	private final class In extends InputStream {

		/** Lent while it holds unread bytes or a read is under way; position..limit is unread. */
		private @Nullable StreamBuffer buffer;

		private boolean eof;

		Connection connection() {
			return ChannelTcpStream.this.channel.connection();
		}

		/** Make bytes available; false at end of stream. */
		private boolean fill() throws IOException {
			StreamBuffer held = this.buffer;
			if (held != null) {
				// a buffer is only held while it has unread bytes
				return true;
			}
			if (this.eof || ChannelTcpStream.this.closed) {
				return false;
			}
			StreamChannel channel = ChannelTcpStream.this.channel;
			long timeout = ChannelTcpStream.this.readTimeoutNanos;
			long deadline = (timeout > 0) ? System.nanoTime() + timeout : 0;
			for (;;) {
				held = channel.takeBuffer();
				this.buffer = held;
				ByteBuffer buf = held.buffer();
				buf.clear();
				int n;
				try {
					n = channel.read(held);
				}
				catch (Throwable ex) {
					release();
					throw ex;
				}
				buf.flip();
				if (n > 0) {
					return true;
				}
				// nothing buffered: give the buffer back before parking (or at end of stream)
				release();
				if (n < 0) {
					this.eof = true;
					return false;
				}
				if (!channel.awaitReadable(deadline)) {
					throw new SocketTimeoutException("Read timed out after " + Duration.ofNanos(timeout));
				}
			}
		}

		void release() {
			StreamBuffer held = this.buffer;
			if (held != null) {
				this.buffer = null;
				ChannelTcpStream.this.channel.giveBuffer(held);
			}
		}

		/** Give the buffer back once its last byte was read: a handler busy elsewhere holds none. */
		private void consumed(ByteBuffer buf) {
			if (!buf.hasRemaining()) {
				release();
			}
		}

		@Override
		public int read() throws IOException {
			if (!fill()) {
				return -1;
			}
			ByteBuffer buf = this.buffer.buffer();
			int b = buf.get() & 0xFF;
			consumed(buf);
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			Objects.checkFromIndexSize(off, len, b.length);
			if (len == 0) {
				return 0;
			}
			if (!fill()) {
				return -1;
			}
			ByteBuffer buf = this.buffer.buffer();
			int n = Math.min(len, buf.remaining());
			buf.get(b, off, n);
			consumed(buf);
			return n;
		}

		@Override
		public int available() {
			StreamBuffer held = this.buffer;
			return (held != null) ? held.buffer().remaining() : 0;
		}

		@Override
		public void close() {
			ChannelTcpStream.this.close();
		}

	}

	private final class Out extends OutputStream {

		/** Lent from the first write after a flush until a flush sent everything; 0..position is unsent. */
		private @Nullable StreamBuffer buffer;

		private ByteBuffer buffer() throws IOException {
			StreamBuffer held = this.buffer;
			if (held == null) {
				if (ChannelTcpStream.this.closed) {
					throw new SocketException("Stream closed");
				}
				held = ChannelTcpStream.this.channel.takeBuffer();
				held.buffer().clear();
				this.buffer = held;
			}
			return held.buffer();
		}

		@Override
		public void write(int b) throws IOException {
			ByteBuffer buf = buffer();
			if (!buf.hasRemaining()) {
				send();
			}
			buf.put((byte) b);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			Objects.checkFromIndexSize(off, len, b.length);
			while (len > 0) {
				ByteBuffer buf = buffer();
				if (!buf.hasRemaining()) {
					send();
				}
				int n = Math.min(len, buf.remaining());
				buf.put(b, off, n);
				off += n;
				len -= n;
			}
		}

		@Override
		public void flush() throws IOException {
			flushBuffer();
		}

		/** Send everything buffered, then give the buffer back. */
		void flushBuffer() throws IOException {
			if (this.buffer == null) {
				return;
			}
			send();
			release();
		}

		/**
		 * Send everything buffered, parking while the socket is full; keep the buffer. On a
		 * failure what was not sent stays buffered, in order.
		 */
		private void send() throws IOException {
			StreamBuffer held = this.buffer;
			ByteBuffer buf = held.buffer();
			buf.flip();
			try {
				while (buf.hasRemaining()) {
					if (ChannelTcpStream.this.channel.write(held) == 0) {
						ChannelTcpStream.this.channel.awaitWritable();
					}
				}
			}
			finally {
				buf.compact();
			}
		}

		void release() {
			StreamBuffer held = this.buffer;
			if (held != null) {
				this.buffer = null;
				ChannelTcpStream.this.channel.giveBuffer(held);
			}
		}

		@Override
		public void close() {
			ChannelTcpStream.this.close();
		}

	}

}
