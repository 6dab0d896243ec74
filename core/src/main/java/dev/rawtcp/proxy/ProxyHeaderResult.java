package dev.rawtcp.proxy;

import java.nio.ByteBuffer;

/**
 * What {@link ProxyHeaderDecoder} made of the bytes so far: {@link NeedMore}, {@link Done},
 * {@link NotProxy} or {@link Failed}. Branch on {@link #status()}, or with {@code instanceof}.
 */
public sealed interface ProxyHeaderResult
		permits ProxyHeaderResult.NeedMore, ProxyHeaderResult.Done, ProxyHeaderResult.NotProxy,
		ProxyHeaderResult.Failed {

	/**
	 * Which kind of result this is.
	 * @return the status
	 */
	Status status();

	/** The kinds of result. */
	enum Status {

		/** The header is not complete yet: read more and feed it. */
		NEED_MORE,

		/** A whole, valid header was read; what follows it is application data. */
		DONE,

		/** The connection does not start with a PROXY signature. */
		NOT_PROXY,

		/** The header is invalid: close the connection. */
		FAILED

	}

	/**
	 * Every byte fed so far belongs to a header (or may, while only part of a signature has
	 * arrived) and was consumed: read more. Carries nothing, so it is a single instance.
	 */
	final class NeedMore implements ProxyHeaderResult {

		static final NeedMore INSTANCE = new NeedMore();

		private NeedMore() {
		}

		@Override
		public Status status() {
			return Status.NEED_MORE;
		}

		@Override
		public String toString() {
			return "NeedMore";
		}

	}

	/**
	 * A whole header was read. The buffer last fed has its position just after the header:
	 * its remaining bytes are the first application data, for the handler.
	 *
	 * @param header the header
	 * @param consumed the header bytes taken from the buffer last fed
	 * @param headerLength the header's whole length over every buffer fed
	 */
	record Done(ProxyHeader header, int consumed, int headerLength) implements ProxyHeaderResult {

		@Override
		public Status status() {
			return Status.DONE;
		}

	}

	/**
	 * The first bytes are not a PROXY signature (or the peer closed before sending any): the
	 * connection is plain. The buffer last fed is as it was before the call. Bytes consumed by
	 * earlier calls, while they still looked like the start of a signature (at most 11), are
	 * in {@link #replay()}: they are application data that comes before the buffer's bytes.
	 *
	 * @param replay the bytes consumed by earlier calls, usually none
	 * @param endOfStream whether the result comes from {@link ProxyHeaderDecoder#endOfStream()}
	 */
	record NotProxy(ByteBuffer replay, boolean endOfStream) implements ProxyHeaderResult {

		/**
		 * Keep a read-only view.
		 * @param replay the bytes consumed by earlier calls
		 * @param endOfStream whether the peer closed the connection
		 */
		public NotProxy {
			replay = replay.asReadOnlyBuffer();
		}

		/**
		 * The bytes that earlier calls consumed, to hand to the handler first.
		 * @return a new read-only view of them, possibly empty
		 */
		@Override
		public ByteBuffer replay() {
			return this.replay.duplicate();
		}

		/**
		 * Whether the peer closed the connection without sending a single byte.
		 * @return {@code true} at end of stream with nothing received
		 */
		public boolean isEmptyConnection() {
			return this.endOfStream && !this.replay.hasRemaining();
		}

		@Override
		public Status status() {
			return Status.NOT_PROXY;
		}

	}

	/**
	 * The header is invalid: refuse the connection. Nothing of the buffer last fed is meant
	 * for the handler.
	 *
	 * @param reason why, also the meter tag
	 * @param message a description for the log, which never quotes the peer's bytes
	 */
	record Failed(ProxyHeaderError reason, String message) implements ProxyHeaderResult {

		@Override
		public Status status() {
			return Status.FAILED;
		}

	}

}
