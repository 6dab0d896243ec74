package dev.rawtcp.internal;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.proxy.ProxyHeaderDecoder;
import dev.rawtcp.proxy.ProxyHeaderError;
import dev.rawtcp.proxy.ProxyHeaderResult;
import dev.rawtcp.proxy.ProxyProtocolPolicy;

/**
 * A connection's PROXY protocol header, whichever side reads it: fed what arrives until the
 * listener's policy decides, then either the connection takes the client's address from the
 * header, or it is served as it is ({@code optional} without a header), or it is refused: counted
 * by reason, logged once, and closed, before its handler or its TLS handshake saw a byte. The
 * header must be complete within {@code proxy-protocol.header-timeout} of the accept. Internal.
 */
final class ProxyPreamble {

	private final AbstractConnection connection;

	private final ProxyProtocolPolicy policy;

	private final ProxyHeaderDecoder decoder;

	/** Set once decided: the header was used, or the connection is served without one. */
	private volatile boolean passed;

	private volatile boolean refused;

	ProxyPreamble(AbstractConnection connection, ProxyProtocolPolicy policy, int maxHeaderSize) {
		this.connection = connection;
		this.policy = policy;
		this.decoder = new ProxyHeaderDecoder(maxHeaderSize);
	}

	/**
	 * Arm the header time-out; refuse at once a source that may not send a required header. Loop thread.
	 */
	void start() {
		if (!this.policy.admits(this.connection.socketRemoteAddress().getAddress())) {
			refuse(ProxyHeaderError.UNTRUSTED, "a connection from " + this.connection.socketRemoteAddress()
					+ ", which is not a trusted source of PROXY headers");
			return;
		}
		long timeout = this.connection.listener().config.proxyHeaderTimeout().toNanos();
		this.connection.loop().schedule(timeout, () -> {
			// a connection closed meanwhile for another reason (a shutdown) is no header time-out
			if (!this.passed && !this.refused && this.connection.isOpen()) {
				refuse(ProxyHeaderError.TIMEOUT, "no complete PROXY header within "
						+ java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeout) + " ms (proxy-protocol.header-timeout)");
			}
		});
	}

	/** @return whether the header is behind (used, or none in {@code optional} mode) */
	boolean passed() {
		return this.passed;
	}

	/** @return whether the connection was refused */
	boolean refused() {
		return this.refused;
	}

	/**
	 * Bytes arrived.
	 * @param in the bytes; on return positioned after the header's bytes
	 * @return what the connection's next layer gets first, before the rest of {@code in}: bytes held
	 * while the decoder could not yet tell a header from data; {@code null} while undecided or refused
	 */
	@Nullable ByteBuffer received(ByteBuffer in) {
		return decided(this.decoder.decode(in));
	}

	/**
	 * The peer's end of stream came before the decision.
	 * @return as {@link #received(ByteBuffer)}
	 */
	@Nullable ByteBuffer ended() {
		return decided(this.decoder.endOfStream());
	}

	private @Nullable ByteBuffer decided(ProxyHeaderResult result) {
		if (this.refused) {
			return null;
		}
		ProxyProtocolPolicy.Decision decision = this.policy.decide(this.connection.socketRemoteAddress(), result);
		switch (decision.action()) {
			case READ_MORE -> {
				return null;
			}
			case USE_HEADER -> {
				this.connection.proxied(decision.header());
				this.passed = true;
				return ByteBuffer.allocate(0);
			}
			case SERVE_PLAIN -> {
				this.passed = true;
				return (result instanceof ProxyHeaderResult.NotProxy notProxy) ? notProxy.replay() : ByteBuffer.allocate(0);
			}
			case CLOSE -> {
				this.refused = true;
				this.connection.loop().execute(() -> this.connection.startClose(CloseReason.NORMAL));
				return null;
			}
			default -> {
				refuse(decision.reason(), decision.message());
				return null;
			}
		}
	}

	private void refuse(@Nullable ProxyHeaderError reason, String message) {
		this.refused = true;
		ProxyHeaderError why = (reason != null) ? reason : ProxyHeaderError.MALFORMED;
		this.connection.listener().log().proxyHeaderRefused(this.connection.socketRemoteAddress(), why, message);
		this.connection.loop().execute(() -> this.connection.forceClose(CloseReason.ERROR));
	}

}
