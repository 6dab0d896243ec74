package dev.rawtcp.codec;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.TcpHandler;

/**
 * A {@link TcpHandler} that decodes each connection's bytes into frames for a
 * {@link FrameHandler}.
 * <p>
 * Each connection gets its own decoder (kept in a connection attribute, created on the first
 * data). A {@link CodecException} (frame too long, malformed) propagates out of
 * {@link #onData}, so the transport logs one line, counts a frame error and closes the
 * connection with reason {@link CloseReason#ERROR}. When the peer shuts down its output, an
 * unterminated last line is delivered, and a partial length-field frame is such an error.
 * Frames after the one whose handler closed the connection are dropped. With the listener's
 * {@code frame-timeout} set, a frame not complete that long after its first byte closes the
 * connection with reason {@link CloseReason#FRAME_TIMEOUT}; its partial frame is dropped.
 *
 * <pre>{@code
 * LineEncoder lines = new LineEncoder();
 * group.bind(config, new FramedHandler(() -> new LineDecoder(64 * 1024),
 *         (connection, frame) -> lines.write(connection, frame)));
 * }</pre>
 * <p>
 * For text lines, {@link #lines(int, LineHandler)} hands each line to a {@link LineHandler}
 * as a {@code String}. A {@code FramedHandler} is a {@code TcpHandler}, so a bean of either
 * type serves a listener in event-loop mode.
 */
public final class FramedHandler implements TcpHandler {

	private static final String DECODER_ATTRIBUTE = FramedHandler.class.getName() + ".decoder";

	private final Supplier<? extends FrameDecoder> decoders;

	private final FrameHandler handler;

	private final @Nullable LineHandler lines;

	/**
	 * Create a handler. The supplier is called once here, so that a bad decoder setting (a
	 * maximum of 0) fails now rather than at the first connection.
	 * @param decoders creates one decoder per connection, e.g. {@code () -> new LineDecoder(65536)}
	 * @param handler receives the frames
	 */
	public FramedHandler(Supplier<? extends FrameDecoder> decoders, FrameHandler handler) {
		this.decoders = checked(decoders);
		this.handler = Objects.requireNonNull(handler, "'handler' must not be null");
		this.lines = null;
	}

	private FramedHandler(Supplier<? extends LineDecoder> decoders, LineHandler lines) {
		this.decoders = checked(decoders);
		this.lines = Objects.requireNonNull(lines, "'handler' must not be null");
		this.handler = new LineCallbacks(lines);
	}

	/**
	 * A handler of UTF-8 lines ending with {@code \n} or {@code \r\n}.
	 * @param maxLineLength the maximum line length in bytes, without the delimiter; a longer
	 * line closes the connection
	 * @param handler receives the lines as text
	 * @return the handler
	 */
	public static FramedHandler lines(int maxLineLength, LineHandler handler) {
		return lines(maxLineLength, StandardCharsets.UTF_8, handler);
	}

	/**
	 * A handler of lines in a charset, ending with {@code \n} or {@code \r\n}.
	 * @param maxLineLength the maximum line length in bytes, without the delimiter; a longer
	 * line closes the connection
	 * @param charset the charset of the lines
	 * @param handler receives the lines as text
	 * @return the handler
	 */
	public static FramedHandler lines(int maxLineLength, Charset charset, LineHandler handler) {
		if (maxLineLength < 1) {
			throw new IllegalArgumentException("'maxLineLength' must be positive, was " + maxLineLength);
		}
		Objects.requireNonNull(charset, "'charset' must not be null");
		byte[] newline = { '\n' };
		return lines(() -> new LineDecoder(maxLineLength, newline, true, charset), handler);
	}

	/**
	 * A handler of lines as each connection's decoder splits them (delimiter, maximum) and
	 * in its {@link LineDecoder#charset() charset}. The supplier is called once here, as by
	 * the constructor.
	 * @param decoders creates one decoder per connection
	 * @param handler receives the lines as text
	 * @return the handler
	 */
	public static FramedHandler lines(Supplier<? extends LineDecoder> decoders, LineHandler handler) {
		return new FramedHandler(decoders, handler);
	}

	private static <D extends FrameDecoder> Supplier<D> checked(Supplier<D> decoders) {
		Objects.requireNonNull(decoders, "'decoders' must not be null");
		Objects.requireNonNull(decoders.get(), "'decoders' must not supply null");
		return decoders;
	}

	@Override
	public void onOpen(Connection connection) throws Exception {
		this.handler.onOpen(connection);
	}

	@Override
	public void onData(Connection connection, ByteBuffer data) throws Exception {
		Session session = connection.attribute(DECODER_ATTRIBUTE);
		if (session == null) {
			session = new Session(connection, this.decoders.get(), this.handler, this.lines);
			connection.attribute(DECODER_ATTRIBUTE, session);
		}
		session.decode(data);
	}

	@Override
	public void onInputClosed(Connection connection) throws Exception {
		Session session = connection.attribute(DECODER_ATTRIBUTE);
		if (session != null && !session.deadline.expired()) {
			// after a frame timeout the partial frame is dropped: it is neither a last line nor an error
			session.decoder.endOfInput(session);
		}
		this.handler.onInputClosed(connection);
	}

	@Override
	public void onWritabilityChanged(Connection connection, boolean writable) throws Exception {
		this.handler.onWritabilityChanged(connection, writable);
	}

	@Override
	public void onClose(Connection connection, CloseReason reason) {
		connection.attribute(DECODER_ATTRIBUTE, null);
		this.handler.onClose(connection, reason);
	}

	/**
	 * The text of a line frame, like {@code new String(bytes, charset)}; moves the frame's
	 * position to its limit.
	 */
	static String text(ByteBuffer frame, Charset charset) {
		int n = frame.remaining();
		String text;
		if (frame.hasArray()) {
			text = new String(frame.array(), frame.arrayOffset() + frame.position(), n, charset);
			frame.position(frame.limit());
		}
		else {
			byte[] bytes = new byte[n];
			frame.get(bytes);
			text = new String(bytes, charset);
		}
		return text;
	}

	/** A connection's decoder and the sink that hands its frames to the handler (no allocation per read). */
	private static final class Session implements FrameSink<Exception> {

		private final Connection connection;

		private final FrameDecoder decoder;

		private final FrameHandler handler;

		private final @Nullable LineHandler lines;

		private final @Nullable Charset charset;

		private final FrameDeadline deadline;

		/** Frames emitted by the current {@link #decode} call. */
		private boolean emitted;

		Session(Connection connection, FrameDecoder decoder, FrameHandler handler, @Nullable LineHandler lines) {
			this.connection = connection;
			this.decoder = Objects.requireNonNull(decoder, "'decoders' must not supply null");
			this.handler = handler;
			this.lines = lines;
			this.charset = (lines != null) ? ((LineDecoder) decoder).charset() : null;
			this.deadline = new FrameDeadline(connection);
		}

		void decode(ByteBuffer data) throws Exception {
			this.emitted = false;
			try {
				this.decoder.decode(data, this);
			}
			finally {
				this.deadline.decoded(this.decoder, this.emitted);
			}
		}

		@Override
		public void accept(ByteBuffer frame) throws Exception {
			this.emitted = true;
			if (this.connection.isOpen()) {
				if (this.lines != null && this.charset != null) {
					this.lines.onLine(this.connection, text(frame, this.charset));
				}
				else {
					this.handler.onFrame(this.connection, frame);
				}
			}
		}

	}

	/** The callbacks of a {@link LineHandler} other than its lines, which {@link Session} decodes itself. */
	private static final class LineCallbacks implements FrameHandler {

		private final LineHandler lines;

		LineCallbacks(LineHandler lines) {
			this.lines = lines;
		}

		@Override
		public void onOpen(Connection connection) throws Exception {
			this.lines.onOpen(connection);
		}

		@Override
		public void onFrame(Connection connection, ByteBuffer frame) {
			throw new IllegalStateException("Lines are handed to the LineHandler as text");
		}

		@Override
		public void onInputClosed(Connection connection) throws Exception {
			this.lines.onInputClosed(connection);
		}

		@Override
		public void onWritabilityChanged(Connection connection, boolean writable) throws Exception {
			this.lines.onWritabilityChanged(connection, writable);
		}

		@Override
		public void onClose(Connection connection, CloseReason reason) {
			this.lines.onClose(connection, reason);
		}

	}

}
