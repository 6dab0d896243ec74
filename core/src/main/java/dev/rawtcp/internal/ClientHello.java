package dev.rawtcp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads the host name a client asks for (SNI) from the first TLS record of a connection,
 * before any engine exists, so that the engine can be made for that name. Only the first
 * record is read: a ClientHello split over records (which no common client sends) is served
 * as if it named no host. Internal.
 */
final class ClientHello {

	/** The first record is not complete yet. */
	static final ClientHello INCOMPLETE = new ClientHello(null);

	/** The bytes are not a TLS handshake record. */
	static final ClientHello NOT_TLS = new ClientHello(null);

	private static final int HEADER = 5;

	private static final int MAX_RECORD = (1 << 14) + 2048;

	private static final int HANDSHAKE = 22;

	private static final int CLIENT_HELLO = 1;

	private static final int SERVER_NAME = 0;

	private final @Nullable String serverName;

	private ClientHello(@Nullable String serverName) {
		this.serverName = serverName;
	}

	/** @return the host name asked for, lower case, or {@code null} */
	@Nullable String serverName() {
		return this.serverName;
	}

	/**
	 * Look at the bytes from {@code in}'s position to its limit without moving either.
	 * @param in what arrived so far
	 * @return {@link #INCOMPLETE}, {@link #NOT_TLS}, or the hello with its host name (perhaps none)
	 */
	static ClientHello peek(ByteBuffer in) {
		int p = in.position();
		int available = in.remaining();
		if (available >= 1 && (in.get(p) & 0xFF) != HANDSHAKE) {
			return NOT_TLS;
		}
		if (available >= 2 && (in.get(p + 1) & 0xFF) != 3) {
			return NOT_TLS;
		}
		if (available < HEADER) {
			return INCOMPLETE;
		}
		int length = u16(in, p + 3);
		if (length == 0 || length > MAX_RECORD) {
			return NOT_TLS;
		}
		if (available < HEADER + length) {
			return INCOMPLETE;
		}
		try {
			return new ClientHello(serverName(in.slice(p + HEADER, length)));
		}
		catch (IndexOutOfBoundsException ex) {
			// a hello cut short inside the record: the engine will say what is wrong with it
			return new ClientHello(null);
		}
	}

	private static @Nullable String serverName(ByteBuffer hello) {
		if ((hello.get(0) & 0xFF) != CLIENT_HELLO) {
			return null;
		}
		// type (1), length (3), version (2), random (32)
		int p = 1 + 3 + 2 + 32;
		p += 1 + (hello.get(p) & 0xFF);
		p += 2 + u16(hello, p);
		p += 1 + (hello.get(p) & 0xFF);
		if (p + 2 > hello.limit()) {
			return null;
		}
		int end = Math.min(hello.limit(), p + 2 + u16(hello, p));
		p += 2;
		while (p + 4 <= end) {
			int type = u16(hello, p);
			int length = u16(hello, p + 2);
			p += 4;
			if (type == SERVER_NAME) {
				// list length (2), then entries of name type (1), length (2), name
				int q = p + 2;
				int listEnd = Math.min(p + length, end);
				while (q + 3 <= listEnd) {
					int nameType = hello.get(q) & 0xFF;
					int nameLength = u16(hello, q + 1);
					q += 3;
					if (nameType == 0 && q + nameLength <= listEnd) {
						byte[] name = new byte[nameLength];
						hello.get(q, name);
						return new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
					}
					q += nameLength;
				}
				return null;
			}
			p += length;
		}
		return null;
	}

	private static int u16(ByteBuffer buffer, int index) {
		return ((buffer.get(index) & 0xFF) << 8) | (buffer.get(index + 1) & 0xFF);
	}

}
