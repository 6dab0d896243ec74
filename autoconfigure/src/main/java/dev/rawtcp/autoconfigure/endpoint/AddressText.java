package dev.rawtcp.autoconfigure.endpoint;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Socket addresses as the endpoint and the health indicator show them: {@code host:port},
 * an IPv6 host in brackets and in the compressed text of RFC 5952 ({@code [::1]:7000}, not
 * {@code [0:0:0:0:0:0:0:1]:7000}).
 */
public final class AddressText {

	private AddressText() {
	}

	/**
	 * The text of a socket address.
	 * @param address the address
	 * @return {@code host:port}, or {@code [ipv6]:port}
	 */
	public static String of(InetSocketAddress address) {
		InetAddress ip = address.getAddress();
		String host = (ip instanceof Inet6Address ipv6) ? compressed(ipv6)
				: (ip != null) ? ip.getHostAddress() : address.getHostString();
		return (host.indexOf(':') >= 0) ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
	}

	/**
	 * RFC 5952 text: lower-case hexadecimal groups without leading zeros, the longest run of
	 * two or more zero groups (the first of equal runs) written {@code ::}, and the scope
	 * ({@code %lo}, {@code %1}) kept.
	 */
	static String compressed(Inet6Address address) {
		byte[] bytes = address.getAddress();
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8; i++) {
			int length = 0;
			while (i + length < 8 && groups[i + length] == 0) {
				length++;
			}
			if (length > bestLength) {
				bestStart = i;
				bestLength = length;
			}
			i += length;
		}
		StringBuilder text = new StringBuilder(39);
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				text.append("::");
				i += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		String full = address.getHostAddress();
		int scope = full.indexOf('%');
		return (scope >= 0) ? text + full.substring(scope) : text.toString();
	}

}
