package dev.rawtcp.proxy;

import org.jspecify.annotations.Nullable;

/**
 * Strict IP address literals, parsed without ever asking a resolver: dotted-quad IPv4 with no
 * leading zeros, and IPv6 as groups of one to four hexadecimal digits with at most one
 * {@code ::} and an optional dotted-quad tail. No brackets, no zone, no host names.
 */
final class IpLiterals {

	private IpLiterals() {
	}

	/**
	 * Parse an IPv4 literal.
	 * @param text the characters
	 * @param from the first index
	 * @param to the index after the last
	 * @return the 4 address bytes, or {@code null} if the text is not a canonical IPv4 literal
	 */
	static byte @Nullable [] ipv4(CharSequence text, int from, int to) {
		byte[] address = new byte[4];
		return ipv4(text, from, to, address, 0) ? address : null;
	}

	/**
	 * Parse an IPv6 literal.
	 * @param text the characters
	 * @param from the first index
	 * @param to the index after the last
	 * @return the 16 address bytes, or {@code null} if the text is not an IPv6 literal
	 */
	static byte @Nullable [] ipv6(CharSequence text, int from, int to) {
		if (to - from < 2 || to - from > 45) {
			return null;
		}
		byte[] address = new byte[16];
		int groups = 0;
		int gap = -1;
		int i = from;
		if (text.charAt(i) == ':') {
			if (text.charAt(i + 1) != ':') {
				return null;
			}
			gap = 0;
			i += 2;
		}
		while (i < to) {
			int start = i;
			int value = 0;
			while (i < to && i - start < 5 && Character.digit(text.charAt(i), 16) >= 0) {
				value = (value << 4) | Character.digit(text.charAt(i), 16);
				i++;
			}
			if (i < to && text.charAt(i) == '.') {
				// a dotted-quad tail takes the last two groups
				if (groups > 6 || !ipv4(text, start, to, address, groups * 2)) {
					return null;
				}
				groups += 2;
				break;
			}
			int digits = i - start;
			if (digits == 0 || digits > 4 || groups == 8) {
				return null;
			}
			address[groups * 2] = (byte) (value >> 8);
			address[groups * 2 + 1] = (byte) value;
			groups++;
			if (i == to) {
				break;
			}
			if (text.charAt(i) != ':') {
				return null;
			}
			i++;
			if (i < to && text.charAt(i) == ':') {
				if (gap >= 0) {
					return null;
				}
				gap = groups;
				i++;
			}
			else if (i == to) {
				return null;
			}
		}
		if (gap < 0) {
			return (groups == 8) ? address : null;
		}
		if (groups == 8) {
			return null;
		}
		int tail = (groups - gap) * 2;
		System.arraycopy(address, gap * 2, address, 16 - tail, tail);
		for (int b = gap * 2; b < 16 - tail; b++) {
			address[b] = 0;
		}
		return address;
	}

	/**
	 * Parse a decimal number in {@code [0, max]} without a sign or leading zeros.
	 * @return the number, or -1 if the text is not one
	 */
	static int decimal(CharSequence text, int from, int to, int max) {
		int length = to - from;
		if (length < 1 || length > 5 || (length > 1 && text.charAt(from) == '0')) {
			return -1;
		}
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= max) ? value : -1;
	}

	/**
	 * The IPv4 address held by an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}).
	 * @param address 16 bytes
	 * @return whether the address is IPv4-mapped
	 */
	static boolean isIpv4Mapped(byte[] address) {
		if (address.length != 16 || address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
			return false;
		}
		for (int i = 0; i < 10; i++) {
			if (address[i] != 0) {
				return false;
			}
		}
		return true;
	}

	private static boolean ipv4(CharSequence text, int from, int to, byte[] address, int offset) {
		int part = 0;
		int start = from;
		for (int i = from; i <= to; i++) {
			if (i == to || text.charAt(i) == '.') {
				if (part == 4) {
					return false;
				}
				int value = decimal(text, start, i, 255);
				if (value < 0) {
					return false;
				}
				address[offset + part++] = (byte) value;
				start = i + 1;
			}
		}
		return part == 4;
	}

}
