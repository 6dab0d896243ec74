package dev.rawtcp.proxy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A decoded PROXY protocol header: what a load balancer says about the connection it relays.
 * <p>
 * The {@link #source()} and {@link #destination()} are present only for a {@link Command#PROXY
 * PROXY} header over TCP or UDP on IPv4 or IPv6; they are absent for {@link Command#LOCAL LOCAL}
 * (the balancer's own connection, such as a health check), for version 1 {@code UNKNOWN}, and
 * for the {@link Family#UNSPEC UNSPEC} and {@link Family#UNIX UNIX} families. When they are
 * absent the connection's own endpoints apply ({@link #sourceOr(InetSocketAddress)}).
 * <p>
 * Version 2 TLVs are kept in order in {@link #tlvs()}, without {@code NOOP} padding; the
 * typed accessors read the first TLV of their type. Immutable.
 *
 * @param version the protocol version, 1 or 2
 * @param command {@code PROXY} for a relayed connection, {@code LOCAL} for the balancer's own
 * @param family the address family the header announces
 * @param source the original client's address, or {@code null}
 * @param destination the address the client connected to, or {@code null}
 * @param tlvs the version 2 TLVs, empty for version 1
 */
public record ProxyHeader(int version, Command command, Family family, @Nullable InetSocketAddress source,
		@Nullable InetSocketAddress destination, List<Tlv> tlvs) {

	/** {@code PP2_TYPE_ALPN}: the application protocol, as negotiated by TLS ALPN. */
	public static final int TYPE_ALPN = 0x01;

	/** {@code PP2_TYPE_AUTHORITY}: the host name the client asked for (TLS SNI). */
	public static final int TYPE_AUTHORITY = 0x02;

	/** {@code PP2_TYPE_CRC32C}: a checksum of the whole header, verified by the decoder. */
	public static final int TYPE_CRC32C = 0x03;

	/** {@code PP2_TYPE_NOOP}: padding, dropped by the decoder. */
	public static final int TYPE_NOOP = 0x04;

	/** {@code PP2_TYPE_UNIQUE_ID}: an opaque connection id of up to 128 bytes. */
	public static final int TYPE_UNIQUE_ID = 0x05;

	/** {@code PP2_TYPE_SSL}: what the balancer knows of the client's TLS session. */
	public static final int TYPE_SSL = 0x20;

	/** {@code PP2_TYPE_NETNS}: the name of the network namespace the connection came from. */
	public static final int TYPE_NETNS = 0x30;

	/** {@code PP2_TYPE_AWS}: Amazon's TLV, whose first byte is a subtype. */
	public static final int TYPE_AWS = 0xEA;

	/** {@code PP2_SUBTYPE_AWS_VPCE_ID}: the AWS subtype holding the VPC endpoint id. */
	public static final int SUBTYPE_AWS_VPCE_ID = 0x01;

	/**
	 * Validate and copy.
	 * @param version the protocol version, 1 or 2
	 * @param command the command
	 * @param family the address family
	 * @param source the client's address, or {@code null}
	 * @param destination the address the client connected to, or {@code null}
	 * @param tlvs the TLVs
	 * @throws IllegalArgumentException if the parts do not fit together
	 */
	public ProxyHeader {
		if (version != 1 && version != 2) {
			throw new IllegalArgumentException("'version' must be 1 or 2, was " + version);
		}
		if ((source == null) != (destination == null)) {
			throw new IllegalArgumentException("'source' and 'destination' must be both present or both absent");
		}
		if (source != null && (command == Command.LOCAL || (family != Family.INET && family != Family.INET6))) {
			throw new IllegalArgumentException("A " + command + " header of family " + family + " has no addresses");
		}
		tlvs = List.copyOf(tlvs);
		if (version == 1 && !tlvs.isEmpty()) {
			throw new IllegalArgumentException("A version 1 header has no TLVs");
		}
		for (Tlv tlv : tlvs) {
			if (tlv.type() == TYPE_SSL && Ssl.parse(tlv.buffer()) == null) {
				throw new IllegalArgumentException("Malformed SSL TLV");
			}
		}
	}

	/**
	 * A version 2 {@code LOCAL} header: the balancer's own connection.
	 * @return the header
	 */
	public static ProxyHeader local() {
		return new ProxyHeader(2, Command.LOCAL, Family.UNSPEC, null, null, List.of());
	}

	/**
	 * Whether the header carries the client's addresses.
	 * @return {@code true} if {@link #source()} and {@link #destination()} are present
	 */
	public boolean hasAddresses() {
		return this.source != null;
	}

	/**
	 * The client's address, or the given one (the connection's peer) when the header has none.
	 * @param peer the connection's own remote address
	 * @return the address to present as the connection's remote address
	 */
	public InetSocketAddress sourceOr(InetSocketAddress peer) {
		return (this.source != null) ? this.source : peer;
	}

	/**
	 * The first TLV of a type.
	 * @param type the type, 0 to 255
	 * @return the TLV, or {@code null}
	 */
	public @Nullable Tlv tlv(int type) {
		for (Tlv tlv : this.tlvs) {
			if (tlv.type() == type) {
				return tlv;
			}
		}
		return null;
	}

	/**
	 * The application protocol ({@code PP2_TYPE_ALPN}), such as {@code h2}; bytes map to
	 * characters one to one (ISO-8859-1).
	 * @return the protocol, or {@code null}
	 */
	public @Nullable String alpn() {
		return string(TYPE_ALPN, StandardCharsets.ISO_8859_1);
	}

	/**
	 * The host name the client asked for ({@code PP2_TYPE_AUTHORITY}, UTF-8), usually the TLS
	 * server name.
	 * @return the authority, or {@code null}
	 */
	public @Nullable String authority() {
		return string(TYPE_AUTHORITY, StandardCharsets.UTF_8);
	}

	/**
	 * The balancer's id of the connection ({@code PP2_TYPE_UNIQUE_ID}), opaque bytes.
	 * @return a copy of the id, or {@code null}
	 */
	public byte @Nullable [] uniqueId() {
		Tlv tlv = tlv(TYPE_UNIQUE_ID);
		return (tlv != null) ? tlv.value() : null;
	}

	/**
	 * What the balancer knows of the client's TLS session ({@code PP2_TYPE_SSL}).
	 * @return the SSL information, or {@code null}
	 */
	public @Nullable Ssl ssl() {
		Tlv tlv = tlv(TYPE_SSL);
		return (tlv != null) ? Ssl.parse(tlv.buffer()) : null;
	}

	/**
	 * The network namespace the connection came from ({@code PP2_TYPE_NETNS}, US-ASCII).
	 * @return the namespace name, or {@code null}
	 */
	public @Nullable String netns() {
		return string(TYPE_NETNS, StandardCharsets.US_ASCII);
	}

	/**
	 * The AWS VPC endpoint id ({@code PP2_TYPE_AWS} with subtype
	 * {@code PP2_SUBTYPE_AWS_VPCE_ID}), sent by an AWS Network Load Balancer for connections
	 * that come through AWS PrivateLink.
	 * @return the id, such as {@code vpce-08d2bf15fac5001c9}, or {@code null}
	 */
	public @Nullable String awsVpcEndpointId() {
		for (Tlv tlv : this.tlvs) {
			if (tlv.type() == TYPE_AWS && tlv.length() > 0 && tlv.byteAt(0) == SUBTYPE_AWS_VPCE_ID) {
				ByteBuffer value = tlv.buffer();
				return StandardCharsets.US_ASCII.decode(value.position(1)).toString();
			}
		}
		return null;
	}

	private @Nullable String string(int type, Charset charset) {
		Tlv tlv = tlv(type);
		return (tlv != null) ? charset.decode(tlv.buffer()).toString() : null;
	}

	/** What the balancer says the connection is. */
	public enum Command {

		/** The balancer's own connection (a health check): use the connection's endpoints. */
		LOCAL,

		/** A connection relayed for a client: the header carries the client's endpoints. */
		PROXY

	}

	/** The address family of the relayed connection. */
	public enum Family {

		/** Unknown or unspecified (version 1 {@code UNKNOWN}): no addresses. */
		UNSPEC,

		/** IPv4 (version 1 {@code TCP4}). */
		INET,

		/** IPv6 (version 1 {@code TCP6}). */
		INET6,

		/** A UNIX socket: its paths are not exposed. */
		UNIX

	}

	/**
	 * A version 2 type-length-value entry: a type from 0 to 255 and up to 65,535 value bytes.
	 * Immutable; equal when type and value are.
	 */
	public static final class Tlv {

		private final int type;

		private final byte[] value;

		/**
		 * A TLV.
		 * @param type the type, 0 to 255
		 * @param value the value, copied
		 */
		public Tlv(int type, byte[] value) {
			this(type, value, 0, value.length);
		}

		Tlv(int type, byte[] bytes, int from, int length) {
			if (type < 0 || type > 255) {
				throw new IllegalArgumentException("'type' must be between 0 and 255, was " + type);
			}
			if (length > 65535) {
				throw new IllegalArgumentException("A TLV value holds at most 65535 bytes, was " + length);
			}
			this.type = type;
			this.value = Arrays.copyOfRange(bytes, from, from + length);
		}

		/**
		 * The type.
		 * @return 0 to 255
		 */
		public int type() {
			return this.type;
		}

		/**
		 * The value.
		 * @return a copy of the value bytes
		 */
		public byte[] value() {
			return this.value.clone();
		}

		/**
		 * The value without a copy.
		 * @return a read-only buffer over the value bytes
		 */
		public ByteBuffer buffer() {
			return ByteBuffer.wrap(this.value).asReadOnlyBuffer();
		}

		/**
		 * The value's length.
		 * @return 0 to 65,535
		 */
		public int length() {
			return this.value.length;
		}

		int byteAt(int index) {
			return this.value[index] & 0xFF;
		}

		@Override
		public boolean equals(@Nullable Object obj) {
			return obj instanceof Tlv other && this.type == other.type && Arrays.equals(this.value, other.value);
		}

		@Override
		public int hashCode() {
			return 31 * this.type + Arrays.hashCode(this.value);
		}

		@Override
		public String toString() {
			return "Tlv[type=0x" + HexFormat.of().toHexDigits((byte) this.type) + ", value="
					+ HexFormat.of().formatHex(this.value) + "]";
		}

	}

	/**
	 * The {@code PP2_TYPE_SSL} TLV: the client's TLS session as the balancer saw it.
	 *
	 * @param client the {@code client} bit field ({@link #CLIENT_SSL}, {@link #CLIENT_CERT_CONN},
	 * {@link #CLIENT_CERT_SESS})
	 * @param verify the {@code verify} field: 0 if the client presented a certificate and it
	 * was verified
	 * @param subTlvs the nested TLVs, in order
	 */
	public record Ssl(int client, long verify, List<Tlv> subTlvs) {

		/** {@code PP2_CLIENT_SSL}: the client connected over TLS. */
		public static final int CLIENT_SSL = 0x01;

		/** {@code PP2_CLIENT_CERT_CONN}: the client presented a certificate on this connection. */
		public static final int CLIENT_CERT_CONN = 0x02;

		/** {@code PP2_CLIENT_CERT_SESS}: the client presented a certificate in this TLS session. */
		public static final int CLIENT_CERT_SESS = 0x04;

		/** {@code PP2_SUBTYPE_SSL_VERSION}: the TLS version, such as {@code TLSv1.3}. */
		public static final int SUBTYPE_VERSION = 0x21;

		/** {@code PP2_SUBTYPE_SSL_CN}: the client certificate's common name. */
		public static final int SUBTYPE_CN = 0x22;

		/** {@code PP2_SUBTYPE_SSL_CIPHER}: the cipher name. */
		public static final int SUBTYPE_CIPHER = 0x23;

		/** {@code PP2_SUBTYPE_SSL_SIG_ALG}: the algorithm that signed the server's certificate. */
		public static final int SUBTYPE_SIG_ALG = 0x24;

		/** {@code PP2_SUBTYPE_SSL_KEY_ALG}: the algorithm of the server certificate's key. */
		public static final int SUBTYPE_KEY_ALG = 0x25;

		/**
		 * Validate and copy.
		 * @param client the bit field, 0 to 255
		 * @param verify the verify field, an unsigned 32-bit number
		 * @param subTlvs the nested TLVs
		 */
		public Ssl {
			if (client < 0 || client > 255) {
				throw new IllegalArgumentException("'client' must be between 0 and 255, was " + client);
			}
			if (verify < 0 || verify > 0xFFFFFFFFL) {
				throw new IllegalArgumentException("'verify' must be an unsigned 32-bit number, was " + verify);
			}
			subTlvs = List.copyOf(subTlvs);
		}

		/**
		 * Whether the client connected over TLS ({@code PP2_CLIENT_SSL}).
		 * @return the bit
		 */
		public boolean isTls() {
			return (this.client & CLIENT_SSL) != 0;
		}

		/**
		 * Whether the client presented a certificate on this connection
		 * ({@code PP2_CLIENT_CERT_CONN}).
		 * @return the bit
		 */
		public boolean hasCertificateOnConnection() {
			return (this.client & CLIENT_CERT_CONN) != 0;
		}

		/**
		 * Whether the client presented a certificate in this TLS session
		 * ({@code PP2_CLIENT_CERT_SESS}).
		 * @return the bit
		 */
		public boolean hasCertificateInSession() {
			return (this.client & CLIENT_CERT_SESS) != 0;
		}

		/**
		 * Whether the client presented a certificate and the balancer verified it
		 * ({@code verify} is 0 and a certificate bit is set).
		 * @return whether the client certificate is verified
		 */
		public boolean isCertificateVerified() {
			return this.verify == 0 && (hasCertificateOnConnection() || hasCertificateInSession());
		}

		/**
		 * The TLS version ({@code PP2_SUBTYPE_SSL_VERSION}, US-ASCII).
		 * @return the version, such as {@code TLSv1.3}, or {@code null}
		 */
		public @Nullable String version() {
			return string(SUBTYPE_VERSION, StandardCharsets.US_ASCII);
		}

		/**
		 * The client certificate's common name ({@code PP2_SUBTYPE_SSL_CN}, UTF-8).
		 * @return the common name, or {@code null}
		 */
		public @Nullable String commonName() {
			return string(SUBTYPE_CN, StandardCharsets.UTF_8);
		}

		/**
		 * The cipher ({@code PP2_SUBTYPE_SSL_CIPHER}, US-ASCII).
		 * @return the cipher name, such as {@code TLS_AES_256_GCM_SHA384}, or {@code null}
		 */
		public @Nullable String cipher() {
			return string(SUBTYPE_CIPHER, StandardCharsets.US_ASCII);
		}

		/**
		 * The algorithm that signed the balancer's certificate ({@code PP2_SUBTYPE_SSL_SIG_ALG}).
		 * @return the algorithm, such as {@code SHA256}, or {@code null}
		 */
		public @Nullable String signatureAlgorithm() {
			return string(SUBTYPE_SIG_ALG, StandardCharsets.US_ASCII);
		}

		/**
		 * The algorithm of the balancer certificate's key ({@code PP2_SUBTYPE_SSL_KEY_ALG}).
		 * @return the algorithm, such as {@code RSA2048}, or {@code null}
		 */
		public @Nullable String keyAlgorithm() {
			return string(SUBTYPE_KEY_ALG, StandardCharsets.US_ASCII);
		}

		private @Nullable String string(int type, Charset charset) {
			for (Tlv tlv : this.subTlvs) {
				if (tlv.type() == type) {
					return charset.decode(tlv.buffer()).toString();
				}
			}
			return null;
		}

		/**
		 * Parse an SSL TLV's value: the client byte, the 4-byte verify field, then nested TLVs
		 * that fill the rest exactly.
		 * @param value the value, from position to limit
		 * @return the SSL information, or {@code null} if the value is malformed
		 */
		static @Nullable Ssl parse(ByteBuffer value) {
			int from = value.position();
			int end = value.limit();
			if (end - from < 5) {
				return null;
			}
			int client = value.get(from) & 0xFF;
			long verify = value.getInt(from + 1) & 0xFFFFFFFFL;
			byte[] bytes = new byte[end - from];
			value.get(from, bytes);
			List<Tlv> subTlvs = new ArrayList<>();
			if (!Tlvs.parse(bytes, 5, bytes.length, false, subTlvs)) {
				return null;
			}
			return new Ssl(client, verify, subTlvs);
		}

	}

}
