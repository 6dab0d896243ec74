package dev.rawtcp.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.proxy.ProxyHeaderResult.Done;
import dev.rawtcp.proxy.ProxyHeaderResult.Failed;
import dev.rawtcp.proxy.ProxyHeaderResult.NotProxy;

/**
 * A listener's PROXY protocol rule: its mode and its trusted sources, turned into what to do
 * with a connection once its {@link ProxyHeaderDecoder} has spoken.
 * <p>
 * The rules: a header is used only when it comes from a trusted source (any source when the
 * list is empty); in {@link ProxyProtocolMode#REQUIRED required} mode a connection without a
 * header is refused, except one that closes before sending a byte (a balancer's TCP health
 * check), which is just closed; in {@link ProxyProtocolMode#OPTIONAL optional} mode it is
 * served as plain. An invalid header is always refused. Immutable.
 */
public final class ProxyProtocolPolicy {

	private final ProxyProtocolMode mode;

	private final TrustedSources trustedSources;

	/**
	 * A policy.
	 * @param mode the mode
	 * @param trustedSources the peers allowed to send a header
	 */
	public ProxyProtocolPolicy(ProxyProtocolMode mode, TrustedSources trustedSources) {
		this.mode = mode;
		this.trustedSources = trustedSources;
	}

	/**
	 * The mode.
	 * @return the mode
	 */
	public ProxyProtocolMode mode() {
		return this.mode;
	}

	/**
	 * The trusted sources.
	 * @return the trusted sources
	 */
	public TrustedSources trustedSources() {
		return this.trustedSources;
	}

	/**
	 * Whether connections must go through a decoder first.
	 * @return {@code false} when the mode is {@link ProxyProtocolMode#OFF}
	 */
	public boolean isEnabled() {
		return this.mode != ProxyProtocolMode.OFF;
	}

	/**
	 * Whether a new connection may go on to read a header. In required mode a peer outside the
	 * trusted sources can only be refused (as {@link ProxyHeaderError#UNTRUSTED}), so it is
	 * refused at once, without reading; in optional mode it may still connect without a header.
	 * @param peer the connection's remote address
	 * @return {@code false} if the connection is to be refused now
	 */
	public boolean admits(InetAddress peer) {
		return this.mode != ProxyProtocolMode.REQUIRED || this.trustedSources.contains(peer);
	}

	/**
	 * What to do after the decoder's result.
	 * @param peer the connection's remote address (the balancer's, when there is one)
	 * @param result the decoder's result
	 * @return the decision
	 * @throws IllegalStateException if the mode is {@link ProxyProtocolMode#OFF}
	 */
	public Decision decide(InetSocketAddress peer, ProxyHeaderResult result) {
		if (this.mode == ProxyProtocolMode.OFF) {
			throw new IllegalStateException("The PROXY protocol is off: there is no header to decide on");
		}
		if (result instanceof Done done) {
			InetAddress address = peer.getAddress();
			if (address == null || !this.trustedSources.contains(address)) {
				return Decision.refuse(ProxyHeaderError.UNTRUSTED,
						"A PROXY header from " + peer + ", which is not a trusted source");
			}
			return new Decision(Action.USE_HEADER, done.header(), null, "A PROXY header from " + peer);
		}
		if (result instanceof NotProxy notProxy) {
			if (this.mode == ProxyProtocolMode.OPTIONAL) {
				return new Decision(Action.SERVE_PLAIN, null, null, "A connection without a PROXY header");
			}
			if (notProxy.isEmptyConnection()) {
				return new Decision(Action.CLOSE, null, null, "The peer closed before sending a PROXY header");
			}
			return Decision.refuse(ProxyHeaderError.MISSING, "A connection without the required PROXY header");
		}
		if (result instanceof Failed failed) {
			return Decision.refuse(failed.reason(), failed.message());
		}
		return new Decision(Action.READ_MORE, null, null, "The PROXY header is not complete yet");
	}

	@Override
	public String toString() {
		return "ProxyProtocolPolicy[mode=" + this.mode + ", trustedSources=" + this.trustedSources + "]";
	}

	/** What the connection does next. */
	public enum Action {

		/** Read more bytes and feed them to the decoder. */
		READ_MORE,

		/** Serve the connection as the header says: see {@link Decision#remoteAddress}. */
		USE_HEADER,

		/** Serve the connection as it is, with its own endpoints and every byte received. */
		SERVE_PLAIN,

		/** Close the connection and count it under {@link Decision#reason()}. */
		REFUSE,

		/** Close the connection quietly: the peer left before sending anything. */
		CLOSE

	}

	/**
	 * A decision.
	 *
	 * @param action what to do
	 * @param header the header to use, with {@link Action#USE_HEADER}
	 * @param reason why, with {@link Action#REFUSE}
	 * @param message a description for the log
	 */
	public record Decision(Action action, @Nullable ProxyHeader header, @Nullable ProxyHeaderError reason,
			String message) {

		static Decision refuse(ProxyHeaderError reason, String message) {
			return new Decision(Action.REFUSE, null, reason, message);
		}

		/**
		 * The address to present as the connection's remote address: the client's from the
		 * header, or the peer's when there is no header or it carries no address (a
		 * {@code LOCAL} health check, {@code UNKNOWN}).
		 * @param peer the connection's own remote address
		 * @return the address
		 */
		public InetSocketAddress remoteAddress(InetSocketAddress peer) {
			return (this.header != null) ? this.header.sourceOr(peer) : peer;
		}

	}

}
