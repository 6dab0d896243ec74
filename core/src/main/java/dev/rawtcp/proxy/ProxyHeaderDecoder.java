package dev.rawtcp.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.proxy.ProxyHeader.Command;
import dev.rawtcp.proxy.ProxyHeader.Family;
import dev.rawtcp.proxy.ProxyHeader.Tlv;
import dev.rawtcp.proxy.ProxyHeaderResult.Done;
import dev.rawtcp.proxy.ProxyHeaderResult.Failed;
import dev.rawtcp.proxy.ProxyHeaderResult.NeedMore;
import dev.rawtcp.proxy.ProxyHeaderResult.NotProxy;

/**
 * An incremental PROXY protocol decoder for one connection: feed it the connection's first
 * bytes as they are read, in buffers of any size (one byte at a time works), until it returns
 * something other than {@link ProxyHeaderResult.Status#NEED_MORE NEED_MORE}. Both versions are
 * recognised from their signature, {@code "PROXY "} for version 1 and the 12-byte binary
 * signature for version 2.
 * <p>
 * The decoder consumes header bytes only: on {@link Done} the buffer's position is just after
 * the header and the rest is application data; on {@link NotProxy} the buffer is left as it
 * was, and is decided as soon as the bytes so far cannot start a signature (a plain client's
 * first byte usually settles it). It holds at most the header, in an array sized for it, and
 * allocates nothing per byte.
 * <p>
 * Limits: a version 1 line must end with CRLF within 107 bytes; a version 2 header (the
 * 16-byte fixed part and its announced length) must fit within the maximum header size, which
 * is checked as soon as the fixed part is in, before the rest is read. Not thread-safe. Once it
 * has returned a result other than {@code NEED_MORE} it is finished, and further calls throw.
 */
public final class ProxyHeaderDecoder {

	/** The default maximum size of a version 2 header: 4 KiB. */
	public static final int DEFAULT_MAX_HEADER_SIZE = 4096;

	/** The largest version 2 header there is: the fixed part and a 65,535-byte length. */
	public static final int MAX_HEADER_SIZE = 16 + 65535;

	/** The smallest allowed maximum: the fixed part and an IPv6 address block. */
	public static final int MIN_HEADER_SIZE = 16 + 36;

	/** The longest version 1 line, CRLF included. */
	static final int V1_MAX_LENGTH = 107;

	static final byte[] V1_SIGNATURE = { 'P', 'R', 'O', 'X', 'Y', ' ' };

	static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

	static final int V2_FIXED_LENGTH = 16;

	private static final byte[] EMPTY = new byte[0];

	private static final int INITIAL_CAPACITY = 128;

	private final int maxHeaderSize;

	private byte[] buffer = EMPTY;

	/** Bytes of the header held in {@link #buffer}. */
	private int count;

	private State state = State.DETECT;

	/** The signature being matched, once the first byte has chosen one. */
	private byte @Nullable [] signature;

	/** A version 2 header's whole length, once its fixed part is read. */
	private int headerLength;

	private @Nullable ProxyHeaderResult result;

	/**
	 * A decoder with the {@linkplain #DEFAULT_MAX_HEADER_SIZE default} maximum header size.
	 */
	public ProxyHeaderDecoder() {
		this(DEFAULT_MAX_HEADER_SIZE);
	}

	/**
	 * A decoder with a maximum version 2 header size.
	 * @param maxHeaderSize the largest version 2 header accepted, fixed part included, from
	 * {@value #MIN_HEADER_SIZE} to {@value #MAX_HEADER_SIZE} bytes
	 */
	public ProxyHeaderDecoder(int maxHeaderSize) {
		if (maxHeaderSize < MIN_HEADER_SIZE || maxHeaderSize > MAX_HEADER_SIZE) {
			throw new IllegalArgumentException("'maxHeaderSize' must be between " + MIN_HEADER_SIZE + " and "
					+ MAX_HEADER_SIZE + " bytes, was " + maxHeaderSize);
		}
		this.maxHeaderSize = maxHeaderSize;
	}

	/**
	 * The maximum version 2 header size.
	 * @return the size in bytes, fixed part included
	 */
	public int maxHeaderSize() {
		return this.maxHeaderSize;
	}

	/**
	 * Bytes held: the part of a header (or of a signature) received so far.
	 * @return the count, at most the maximum header size
	 */
	public int buffered() {
		return this.count;
	}

	/**
	 * Decode the bytes of a buffer, from its position to its limit.
	 * @param in the bytes read; on return its position is after the bytes consumed
	 * @return {@link NeedMore} (every byte consumed), {@link Done}, {@link NotProxy} or
	 * {@link Failed}
	 * @throws IllegalStateException if the decoder already returned a final result
	 */
	public ProxyHeaderResult decode(ByteBuffer in) {
		checkNotFinished();
		int start = in.position();
		int heldBefore = this.count;
		while (true) {
			switch (this.state) {
				case DETECT -> {
					if (!in.hasRemaining()) {
						return NeedMore.INSTANCE;
					}
					if (!detect(in.get())) {
						in.position(start);
						return finish(new NotProxy(ByteBuffer.wrap(this.buffer, 0, heldBefore).slice(), false));
					}
				}
				case V1_LINE -> {
					ProxyHeaderResult line = readLine(in);
					return (line != null) ? finishDone(line, in, start) : NeedMore.INSTANCE;
				}
				case V2_FIXED -> {
					if (!fill(in, V2_FIXED_LENGTH)) {
						return NeedMore.INSTANCE;
					}
					Failed failed = checkFixedPart();
					if (failed != null) {
						return finish(failed);
					}
					this.state = State.V2_BODY;
				}
				case V2_BODY -> {
					if (!fill(in, this.headerLength)) {
						return NeedMore.INSTANCE;
					}
					return finishDone(parseV2(), in, start);
				}
			}
		}
	}

	/**
	 * The peer closed its side: nothing more will come.
	 * @return {@link NotProxy} if no signature was complete (with the bytes held as
	 * {@link NotProxy#replay() replay}, none if the peer sent nothing), or {@link Failed} with
	 * {@link ProxyHeaderError#TRUNCATED} in the middle of a header
	 * @throws IllegalStateException if the decoder already returned a final result
	 */
	public ProxyHeaderResult endOfStream() {
		checkNotFinished();
		if (this.state == State.DETECT) {
			return finish(new NotProxy(ByteBuffer.wrap(this.buffer, 0, this.count).slice(), true));
		}
		return finish(new Failed(ProxyHeaderError.TRUNCATED, "The peer closed the connection after " + this.count
				+ " bytes of a version " + ((this.state == State.V1_LINE) ? 1 : 2) + " header"));
	}

	/** Match one more signature byte; {@code false} once no signature can match. */
	private boolean detect(byte b) {
		if (this.signature == null) {
			if (b == V1_SIGNATURE[0]) {
				this.signature = V1_SIGNATURE;
			}
			else if (b == V2_SIGNATURE[0]) {
				this.signature = V2_SIGNATURE;
			}
			else {
				return false;
			}
			this.buffer = new byte[INITIAL_CAPACITY];
		}
		else if (b != this.signature[this.count]) {
			return false;
		}
		this.buffer[this.count++] = b;
		if (this.count == this.signature.length) {
			this.state = (this.signature == V1_SIGNATURE) ? State.V1_LINE : State.V2_FIXED;
		}
		return true;
	}

	/**
	 * Copy line bytes up to LF, at most to the version 1 limit, refusing bytes a line cannot
	 * hold on the way.
	 * @return the final result, or {@code null} if the line goes on
	 */
	private @Nullable ProxyHeaderResult readLine(ByteBuffer in) {
		int end = Math.min(in.limit(), in.position() + (V1_MAX_LENGTH - this.count));
		for (int i = in.position(); i < end; i++) {
			byte b = in.get(i);
			if (b == '\n') {
				copy(in, i + 1 - in.position());
				return parseV1();
			}
			if ((b < 0x20 || b > 0x7E) && b != '\r') {
				copy(in, i + 1 - in.position());
				return malformed("A version 1 header holds a byte that is not printable US-ASCII");
			}
		}
		copy(in, end - in.position());
		if (this.count == V1_MAX_LENGTH) {
			return new Failed(ProxyHeaderError.TOO_LARGE,
					"A version 1 header has no CRLF within " + V1_MAX_LENGTH + " bytes");
		}
		return null;
	}

	/** Copy until {@code target} bytes are held; whether they are. */
	private boolean fill(ByteBuffer in, int target) {
		copy(in, Math.min(in.remaining(), target - this.count));
		return this.count == target;
	}

	private void copy(ByteBuffer in, int n) {
		in.get(this.buffer, this.count, n);
		this.count += n;
	}

	/** Check version, command, family and length once the fixed part is in. */
	private @Nullable Failed checkFixedPart() {
		int version = (this.buffer[12] & 0xF0) >> 4;
		if (version != 2) {
			return new Failed(ProxyHeaderError.UNSUPPORTED_VERSION,
					"A version 2 signature is followed by version " + version);
		}
		int command = this.buffer[12] & 0x0F;
		if (command > 1) {
			return new Failed(ProxyHeaderError.UNSUPPORTED_COMMAND, "Unknown version 2 command " + command);
		}
		int family = (this.buffer[13] & 0xF0) >> 4;
		int protocol = this.buffer[13] & 0x0F;
		// a LOCAL header's family is to be ignored, whatever it is
		if (command == 1 && (family > 3 || protocol > 2)) {
			return new Failed(ProxyHeaderError.UNSUPPORTED_FAMILY,
					"Unknown version 2 address family " + family + " or protocol " + protocol);
		}
		int length = ((this.buffer[14] & 0xFF) << 8) | (this.buffer[15] & 0xFF);
		this.headerLength = V2_FIXED_LENGTH + length;
		if (this.headerLength > this.maxHeaderSize) {
			return new Failed(ProxyHeaderError.TOO_LARGE, "A version 2 header of " + this.headerLength
					+ " bytes is above the limit of " + this.maxHeaderSize);
		}
		if (this.headerLength > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, this.headerLength);
		}
		return null;
	}

	private ProxyHeaderResult parseV1() {
		int end = this.count - 2;
		if (this.buffer[end] != '\r') {
			return malformed("A version 1 header must end with CRLF");
		}
		String line = new String(this.buffer, V1_SIGNATURE.length, end - V1_SIGNATURE.length,
				StandardCharsets.US_ASCII);
		if (line.equals("UNKNOWN") || line.startsWith("UNKNOWN ")) {
			// the rest of an UNKNOWN line is to be ignored
			return header(new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, List.of()));
		}
		int[] spaces = new int[4];
		int found = 0;
		for (int i = 0; i < line.length(); i++) {
			if (line.charAt(i) == ' ') {
				if (found == 4) {
					return malformed("A version 1 header has more than six fields");
				}
				spaces[found++] = i;
			}
		}
		if (found != 4) {
			return malformed("A version 1 header has fewer than six fields");
		}
		Family family;
		if (line.startsWith("TCP4 ") && spaces[0] == 4) {
			family = Family.INET;
		}
		else if (line.startsWith("TCP6 ") && spaces[0] == 4) {
			family = Family.INET6;
		}
		else {
			return malformed("A version 1 header's protocol must be TCP4, TCP6 or UNKNOWN");
		}
		byte[] source = address(family, line, spaces[0] + 1, spaces[1]);
		byte[] destination = address(family, line, spaces[1] + 1, spaces[2]);
		if (source == null || destination == null) {
			return malformed("A version 1 header has an address that is not a canonical "
					+ ((family == Family.INET) ? "IPv4" : "IPv6") + " literal");
		}
		int sourcePort = IpLiterals.decimal(line, spaces[2] + 1, spaces[3], 65535);
		int destinationPort = IpLiterals.decimal(line, spaces[3] + 1, line.length(), 65535);
		if (sourcePort < 0 || destinationPort < 0) {
			return malformed("A version 1 header has a port that is not a number from 0 to 65535");
		}
		return header(new ProxyHeader(1, Command.PROXY, family, socketAddress(source, sourcePort),
				socketAddress(destination, destinationPort), List.of()));
	}

	private static byte @Nullable [] address(Family family, String line, int from, int to) {
		return (family == Family.INET) ? IpLiterals.ipv4(line, from, to) : IpLiterals.ipv6(line, from, to);
	}

	private ProxyHeaderResult parseV2() {
		byte[] bytes = this.buffer;
		if ((bytes[12] & 0x0F) == 0) {
			// LOCAL: the protocol block is to be skipped, whatever it holds
			return header(ProxyHeader.local());
		}
		int familyCode = (bytes[13] & 0xF0) >> 4;
		int protocol = bytes[13] & 0x0F;
		if (familyCode == 0 || protocol == 0) {
			// UNSPEC: address information is to be ignored; where TLVs would start is unknown
			return header(new ProxyHeader(2, Command.PROXY, Family.UNSPEC, null, null, List.of()));
		}
		Family family = Family.values()[familyCode];
		int addressLength = switch (family) {
			case INET -> 12;
			case INET6 -> 36;
			default -> 216;
		};
		int end = this.headerLength;
		if (end - V2_FIXED_LENGTH < addressLength) {
			return malformed("A version 2 header is too short for its " + family + " addresses");
		}
		List<Tlv> tlvs = new ArrayList<>();
		int tlvStart = V2_FIXED_LENGTH + addressLength;
		if (!Tlvs.parse(bytes, tlvStart, end, true, tlvs)) {
			return malformed("A version 2 header's TLVs do not fill it exactly");
		}
		ProxyHeaderResult invalid = checkTlvs(bytes, tlvStart, end, tlvs);
		if (invalid != null) {
			return invalid;
		}
		InetSocketAddress source = null;
		InetSocketAddress destination = null;
		if (family != Family.UNIX) {
			int width = (family == Family.INET) ? 4 : 16;
			int ports = V2_FIXED_LENGTH + 2 * width;
			source = socketAddress(Arrays.copyOfRange(bytes, V2_FIXED_LENGTH, V2_FIXED_LENGTH + width),
					((bytes[ports] & 0xFF) << 8) | (bytes[ports + 1] & 0xFF));
			destination = socketAddress(Arrays.copyOfRange(bytes, V2_FIXED_LENGTH + width, ports),
					((bytes[ports + 2] & 0xFF) << 8) | (bytes[ports + 3] & 0xFF));
		}
		return header(new ProxyHeader(2, Command.PROXY, family, source, destination, tlvs));
	}

	/** Verify the CRC32c TLV, if any, and the structure of the SSL TLV. */
	private static @Nullable ProxyHeaderResult checkTlvs(byte[] bytes, int from, int end, List<Tlv> tlvs) {
		for (Tlv tlv : tlvs) {
			if (tlv.type() == ProxyHeader.TYPE_SSL && ProxyHeader.Ssl.parse(tlv.buffer()) == null) {
				return malformed("A version 2 header's SSL TLV is malformed");
			}
		}
		// walk the TLVs again for the checksum's offset in the header
		int i = from;
		while (i < end) {
			int type = bytes[i] & 0xFF;
			int length = ((bytes[i + 1] & 0xFF) << 8) | (bytes[i + 2] & 0xFF);
			if (type == ProxyHeader.TYPE_CRC32C) {
				if (length != 4) {
					return malformed("A version 2 header's CRC32c TLV is " + length + " bytes long, not 4");
				}
				return checksum(bytes, i + 3, end);
			}
			i += 3 + length;
		}
		return null;
	}

	private static @Nullable ProxyHeaderResult checksum(byte[] bytes, int at, int end) {
		int expected = ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
				| (bytes[at + 3] & 0xFF);
		CRC32C crc = new CRC32C();
		crc.update(bytes, 0, at);
		crc.update(new byte[4]);
		crc.update(bytes, at + 4, end - at - 4);
		if ((int) crc.getValue() != expected) {
			return new Failed(ProxyHeaderError.CHECKSUM_MISMATCH, "A version 2 header's CRC32c does not match");
		}
		return null;
	}

	private static InetSocketAddress socketAddress(byte[] address, int port) {
		try {
			return new InetSocketAddress(InetAddress.getByAddress(address), port);
		}
		catch (UnknownHostException ex) {
			// only thrown for an array of the wrong length, which the callers never pass
			throw new IllegalStateException(ex);
		}
	}

	private ProxyHeaderResult finishDone(ProxyHeaderResult parsed, ByteBuffer in, int start) {
		if (parsed instanceof Done done) {
			return finish(new Done(done.header(), in.position() - start, this.count));
		}
		return finish(parsed);
	}

	private static Done header(ProxyHeader header) {
		return new Done(header, 0, 0);
	}

	private static Failed malformed(String message) {
		return new Failed(ProxyHeaderError.MALFORMED, message);
	}

	private ProxyHeaderResult finish(ProxyHeaderResult result) {
		this.result = result;
		if (!(result instanceof NotProxy)) {
			this.buffer = EMPTY;
		}
		return result;
	}

	private void checkNotFinished() {
		if (this.result != null) {
			throw new IllegalStateException("The decoder is finished: " + this.result);
		}
	}

	private enum State {

		/** Matching the first bytes against the two signatures. */
		DETECT,

		/** A version 1 signature was read: reading to CRLF. */
		V1_LINE,

		/** A version 2 signature was read: reading the rest of the 16-byte fixed part. */
		V2_FIXED,

		/** Reading the announced length of a version 2 header. */
		V2_BODY

	}

}
