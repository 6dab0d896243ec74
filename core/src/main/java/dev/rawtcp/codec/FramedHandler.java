package dev.rawtcp.codec;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;

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
 * Frames after the one whose handler closed the connection are dropped.
 *
 * <pre>{@code
 * LineEncoder lines = new LineEncoder();
 * group.bind(config, new FramedHandler(() -> new LineDecoder(64 * 1024),
 *         (connection, frame) -> lines.write(connection, frame)));
 * }</pre>
 */
public final class FramedHandler implements TcpHandler {

	private static final String DECODER_ATTRIBUTE = FramedHandler.class.getName() + ".decoder";

	private final Supplier<? extends FrameDecoder> decoders;

	private final FrameHandler handler;

	/**
	 * Create a handler.
	 * @param decoders creates one decoder per connection, e.g. {@code () -> new LineDecoder(65536)}
	 * @param handler receives the frames
	 */
	public FramedHandler(Supplier<? extends FrameDecoder> decoders, FrameHandler handler) {
		this.decoders = Objects.requireNonNull(decoders, "'decoders' must not be null");
		this.handler = Objects.requireNonNull(handler, "'handler' must not be null");
	}

	@Override
	public void onOpen(Connection connection) throws Exception {
		this.handler.onOpen(connection);
	}

	@Override
	public void onData(Connection connection, ByteBuffer data) throws Exception {
		Session session = connection.attribute(DECODER_ATTRIBUTE);
		if (session == null) {
			session = new Session(connection, this.decoders.get(), this.handler);
			connection.attribute(DECODER_ATTRIBUTE, session);
		}
		session.decoder.decode(data, session);
	}

	@Override
	public void onInputClosed(Connection connection) throws Exception {
		Session session = connection.attribute(DECODER_ATTRIBUTE);
		if (session != null) {
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

	/** A connection's decoder and the sink that hands its frames to the handler (no allocation per read). */
	private static final class Session implements FrameSink<Exception> {

		private final Connection connection;

		private final FrameDecoder decoder;

		private final FrameHandler handler;

		Session(Connection connection, FrameDecoder decoder, FrameHandler handler) {
			this.connection = connection;
			this.decoder = Objects.requireNonNull(decoder, "'decoders' must not supply null");
			this.handler = handler;
		}

		@Override
		public void accept(ByteBuffer frame) throws Exception {
			if (this.connection.isOpen()) {
				this.handler.onFrame(this.connection, frame);
			}
		}

	}

}
