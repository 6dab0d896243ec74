package dev.rawtcp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.internal.ChannelTcpStream;

/**
 * Reads whole frames from a blocking {@link InputStream}, for thread-per-connection handlers.
 * <p>
 * Memory stays bounded whatever the peer sends: besides the decoder's partial frame (at most
 * its maximum frame length plus header or delimiter), the reader holds one read of
 * {@value #READ_SIZE} bytes and the complete frames of that read not returned yet. An oversize
 * or malformed frame raises its {@link CodecException} once the frames before it have been
 * returned, and again on every later call. Not thread-safe.
 * <p>
 * On a connection's {@code TcpStream.input()}, the listener's {@code frame-timeout} applies:
 * a frame not complete that long after its first byte closes the connection, and the reader
 * throws {@link FrameTimeoutException} instead of returning the partial frame.
 *
 * <pre>{@code
 * FrameReader frames = new FrameReader(stream.input(), new LengthFieldDecoder(4, 1 << 20));
 * for (byte[] frame; (frame = frames.readFrame()) != null;) {
 *     ...
 * }
 * }</pre>
 */
public final class FrameReader {

	/** Bytes asked of the stream per read. */
	public static final int READ_SIZE = 8192;

	private final InputStream input;

	private final FrameDecoder decoder;

	private final byte[] readBuffer = new byte[READ_SIZE];

	private final ByteBuffer chunk = ByteBuffer.wrap(this.readBuffer);

	private final ArrayDeque<byte[]> frames = new ArrayDeque<>();

	private final FrameSink<RuntimeException> sink = this::add;

	private final FrameDeadline deadline;

	private @Nullable CodecException failure;

	private boolean endOfStream;

	/**
	 * Create a reader.
	 * @param input the stream, e.g. {@code TcpStream.input()}
	 * @param decoder a new decoder, used by this reader only
	 */
	public FrameReader(InputStream input, FrameDecoder decoder) {
		this.input = Objects.requireNonNull(input, "'input' must not be null");
		this.decoder = Objects.requireNonNull(decoder, "'decoder' must not be null");
		this.deadline = new FrameDeadline(ChannelTcpStream.connectionOf(input));
	}

	/**
	 * Read the next frame, blocking until it is complete.
	 * @return the frame, or {@code null} at the end of the stream
	 * @throws FrameTooLongException if the next frame exceeds the maximum frame length (known
	 * before the rest of it is read)
	 * @throws CodecException if the next frame is malformed
	 * @throws FrameTimeoutException if the connection was closed because the frame was not
	 * complete within the listener's frame timeout
	 * @throws IOException if the stream fails (a read timeout leaves the reader usable)
	 */
	public byte @Nullable [] readFrame() throws IOException {
		while (this.frames.isEmpty()) {
			if (this.failure != null) {
				throw this.failure;
			}
			if (this.endOfStream) {
				return null;
			}
			int n;
			try {
				n = this.input.read(this.readBuffer);
			}
			catch (IOException ex) {
				this.deadline.checkNotExpired();
				throw ex;
			}
			try {
				if (n < 0) {
					// the transport's close at the deadline ends the input too: not the peer's end
					this.deadline.checkNotExpired();
					this.endOfStream = true;
					this.decoder.endOfInput(this.sink);
				}
				else {
					int before = this.frames.size();
					this.chunk.clear().limit(n);
					try {
						this.decoder.decode(this.chunk, this.sink);
					}
					finally {
						this.deadline.decoded(this.decoder, this.frames.size() != before);
					}
				}
			}
			catch (CodecException ex) {
				this.failure = ex;
			}
		}
		return this.frames.poll();
	}

	/**
	 * The decoder.
	 * @return the decoder
	 */
	public FrameDecoder decoder() {
		return this.decoder;
	}

	private void add(ByteBuffer frame) {
		byte[] bytes = new byte[frame.remaining()];
		frame.get(bytes);
		this.frames.add(bytes);
	}

}
