package dev.rawtcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

import dev.rawtcp.Connection;
import dev.rawtcp.TcpStream;

/**
 * The {@link TcpStream} of both transports, built on a {@link StreamChannel}: buffered
 * streams whose reads and writes park instead of blocking in the kernel. Internal.
 */
public final class ChannelTcpStream implements TcpStream {

	/** Size of the read and the write buffer of each stream. */
	public static final int BUFFER_SIZE = 8192;

	private final StreamChannel channel;

	private final In input = new In();

	private final Out output = new Out();

	private volatile long readTimeoutNanos;

	private volatile boolean closed;

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
		try {
			this.output.flushBuffer();
		}
		catch (IOException ex) {
			// the connection is gone; closing below is all that is left to do
		}
		this.channel.connection().close();
	}

	/**
	 * Run the handler on the current thread; then flush and close, or count the failure.
	 * @param handler the user's handler
	 */
	public void run(dev.rawtcp.TcpStreamHandler handler) {
		try {
			handler.handle(this);
			try {
				this.output.flushBuffer();
			}
			catch (IOException ex) {
				// peer went away after the handler finished: nothing more to send
			}
			this.closed = true;
			this.channel.handlerFinished();
		}
		catch (Throwable ex) {
			this.closed = true;
			this.channel.handlerFailed(ex);
		}
	}

	private final class In extends InputStream {

		private ByteBuffer buffer;

		private boolean eof;

		private ByteBuffer buffer() {
			if (this.buffer == null) {
				this.buffer = ChannelTcpStream.this.channel.allocateBuffer(BUFFER_SIZE);
				this.buffer.flip();
			}
			return this.buffer;
		}

		/** Make bytes available; false at end of stream. */
		private boolean fill() throws IOException {
			ByteBuffer buf = buffer();
			if (buf.hasRemaining()) {
				return true;
			}
			if (this.eof) {
				return false;
			}
			long timeout = ChannelTcpStream.this.readTimeoutNanos;
			long deadline = (timeout > 0) ? System.nanoTime() + timeout : 0;
			for (;;) {
				buf.clear();
				int n = ChannelTcpStream.this.channel.read(buf);
				buf.flip();
				if (n > 0) {
					return true;
				}
				if (n < 0) {
					this.eof = true;
					return false;
				}
				if (!ChannelTcpStream.this.channel.awaitReadable(deadline)) {
					throw new SocketTimeoutException("Read timed out after " + Duration.ofNanos(timeout));
				}
			}
		}

		@Override
		public int read() throws IOException {
			return fill() ? (buffer().get() & 0xFF) : -1;
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
			ByteBuffer buf = buffer();
			int n = Math.min(len, buf.remaining());
			buf.get(b, off, n);
			return n;
		}

		@Override
		public int available() {
			return (this.buffer != null) ? this.buffer.remaining() : 0;
		}

		@Override
		public void close() {
			ChannelTcpStream.this.close();
		}

	}

	private final class Out extends OutputStream {

		private ByteBuffer buffer;

		private ByteBuffer buffer() {
			if (this.buffer == null) {
				this.buffer = ChannelTcpStream.this.channel.allocateBuffer(BUFFER_SIZE);
			}
			return this.buffer;
		}

		@Override
		public void write(int b) throws IOException {
			ByteBuffer buf = buffer();
			if (!buf.hasRemaining()) {
				flushBuffer();
			}
			buf.put((byte) b);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			Objects.checkFromIndexSize(off, len, b.length);
			while (len > 0) {
				ByteBuffer buf = buffer();
				if (!buf.hasRemaining()) {
					flushBuffer();
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

		void flushBuffer() throws IOException {
			if (this.buffer == null || this.buffer.position() == 0) {
				return;
			}
			ByteBuffer buf = this.buffer;
			buf.flip();
			try {
				while (buf.hasRemaining()) {
					if (ChannelTcpStream.this.channel.write(buf) == 0) {
						ChannelTcpStream.this.channel.awaitWritable();
					}
				}
			}
			finally {
				buf.clear();
			}
		}

		@Override
		public void close() {
			ChannelTcpStream.this.close();
		}

	}

}
