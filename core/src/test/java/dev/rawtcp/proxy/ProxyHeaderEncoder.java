package dev.rawtcp.proxy;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import dev.rawtcp.proxy.ProxyHeader.Command;
import dev.rawtcp.proxy.ProxyHeader.Family;
import dev.rawtcp.proxy.ProxyHeader.Tlv;

/**
 * A small PROXY protocol writer, written from the specification apart from the decoder, so
 * the tests can check the decoder against it.
 */
final class ProxyHeaderEncoder {

	private static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
			0x0A };

	private ProxyHeaderEncoder() {
	}

	/** The version 1 line of a header (PROXY command; TCP4, TCP6 or UNKNOWN), IPv6 uncompressed. */
	static byte[] v1(ProxyHeader header) {
		return v1(header, false);
	}

	/**
	 * The version 1 line of a header.
	 * @param header a PROXY header of family INET, INET6 or UNSPEC
	 * @param compress whether to write IPv6 addresses in their shortest form ({@code ::})
	 */
	static byte[] v1(ProxyHeader header, boolean compress) {
		String line;
		if (header.family() == Family.UNSPEC) {
			line = "PROXY UNKNOWN\r\n";
		}
		else {
			InetSocketAddress source = header.source();
			InetSocketAddress destination = header.destination();
			String protocol = (header.family() == Family.INET) ? "TCP4" : "TCP6";
			line = "PROXY " + protocol + " " + text(header.family(), source, compress) + " "
					+ text(header.family(), destination, compress)
					+ " " + source.getPort() + " " + destination.getPort() + "\r\n";
		}
		return line.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * The version 2 form of a header.
	 * @param header the header
	 * @param checksum whether to add a CRC32c TLV
	 * @param noops how many 1-byte NOOP TLVs to add as padding
	 */
	static byte[] v2(ProxyHeader header, boolean checksum, int noops) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int familyCode = 0;
		if (header.command() == Command.PROXY) {
			switch (header.family()) {
				case INET -> {
					familyCode = 0x11;
					body.writeBytes(header.source().getAddress().getAddress());
					body.writeBytes(header.destination().getAddress().getAddress());
					port(body, header.source().getPort());
					port(body, header.destination().getPort());
				}
				case INET6 -> {
					familyCode = 0x21;
					body.writeBytes(ipv6(header.source()));
					body.writeBytes(ipv6(header.destination()));
					port(body, header.source().getPort());
					port(body, header.destination().getPort());
				}
				case UNIX -> {
					familyCode = 0x31;
					body.writeBytes(new byte[216]);
				}
				case UNSPEC -> familyCode = 0x00;
			}
		}
		for (Tlv tlv : header.tlvs()) {
			tlv(body, tlv.type(), tlv.value());
		}
		for (int i = 0; i < noops; i++) {
			tlv(body, ProxyHeader.TYPE_NOOP, new byte[] { 0x2A });
		}
		int crcAt = -1;
		if (checksum) {
			crcAt = 16 + body.size() + 3;
			tlv(body, ProxyHeader.TYPE_CRC32C, new byte[4]);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(V2_SIGNATURE);
		out.write((header.command() == Command.PROXY) ? 0x21 : 0x20);
		out.write(familyCode);
		port(out, body.size());
		out.writeBytes(body.toByteArray());
		byte[] bytes = out.toByteArray();
		if (checksum) {
			CRC32C crc = new CRC32C();
			crc.update(bytes);
			int value = (int) crc.getValue();
			bytes[crcAt] = (byte) (value >>> 24);
			bytes[crcAt + 1] = (byte) (value >>> 16);
			bytes[crcAt + 2] = (byte) (value >>> 8);
			bytes[crcAt + 3] = (byte) value;
		}
		return bytes;
	}

	/** The value of an SSL TLV. */
	static byte[] ssl(int client, long verify, Tlv... subTlvs) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(client);
		out.write((int) (verify >>> 24));
		out.write((int) (verify >>> 16));
		out.write((int) (verify >>> 8));
		out.write((int) verify);
		for (Tlv tlv : subTlvs) {
			tlv(out, tlv.type(), tlv.value());
		}
		return out.toByteArray();
	}

	static Tlv tlv(int type, String value) {
		return new Tlv(type, value.getBytes(StandardCharsets.UTF_8));
	}

	private static void tlv(ByteArrayOutputStream out, int type, byte[] value) {
		out.write(type);
		port(out, value.length);
		out.writeBytes(value);
	}

	private static void port(ByteArrayOutputStream out, int value) {
		out.write(value >>> 8);
		out.write(value);
	}

	private static byte[] ipv6(InetSocketAddress address) {
		byte[] bytes = address.getAddress().getAddress();
		if (bytes.length == 16) {
			return bytes;
		}
		byte[] mapped = new byte[16];
		mapped[10] = (byte) 0xFF;
		mapped[11] = (byte) 0xFF;
		System.arraycopy(bytes, 0, mapped, 12, 4);
		return mapped;
	}

	private static String text(Family family, InetSocketAddress address, boolean compress) {
		String host = address.getAddress().getHostAddress();
		if (family == Family.INET6 && address.getAddress() instanceof Inet4Address) {
			return "::ffff:" + host;
		}
		return (compress && family == Family.INET6) ? compressed(address.getAddress().getAddress()) : host;
	}

	/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as {@code ::}. */
	private static String compressed(byte[] address) {
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8;) {
			int j = i;
			while (j < 8 && groups[j] == 0) {
				j++;
			}
			if (j - i > bestLength) {
				bestStart = i;
				bestLength = j - i;
			}
			i = Math.max(j, i + 1);
		}
		StringBuilder text = new StringBuilder();
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
		return text.toString();
	}

}
