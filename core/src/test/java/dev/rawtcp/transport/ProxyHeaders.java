package dev.rawtcp.transport;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Minimal PROXY protocol encoders for tests: a version 1 line and version 2 binary headers
 * (PROXY over TCP/IPv4 or IPv6 with optional TLVs, and LOCAL), written as a balancer would.
 */
final class ProxyHeaders {

	private static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
			0x0A };

	private ProxyHeaders() {
	}

	/**
	 * A version 1 header, {@code PROXY TCP4 ...\r\n} or {@code TCP6}.
	 * @param source the client
	 * @param destination the address the client connected to
	 * @return the header's bytes
	 */
	static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
		String family = (source.getAddress().getAddress().length == 4) ? "TCP4" : "TCP6";
		return ("PROXY " + family + " " + source.getAddress().getHostAddress() + " "
				+ destination.getAddress().getHostAddress() + " " + source.getPort() + " " + destination.getPort()
				+ "\r\n").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A version 2 {@code PROXY} header over TCP.
	 * @param source the client
	 * @param destination the address the client connected to
	 * @param tlvs type-length-value entries, each {@code {type, value...}}
	 * @return the header's bytes
	 */
	static byte[] v2(InetSocketAddress source, InetSocketAddress destination, byte[]... tlvs) {
		byte[] src = source.getAddress().getAddress();
		byte[] dst = destination.getAddress().getAddress();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(src);
		body.writeBytes(dst);
		short16(body, source.getPort());
		short16(body, destination.getPort());
		for (byte[] tlv : tlvs) {
			body.write(tlv[0]);
			short16(body, tlv.length - 1);
			body.write(tlv, 1, tlv.length - 1);
		}
		return v2(0x21, (src.length == 4) ? 0x11 : 0x21, body.toByteArray());
	}

	/**
	 * A version 2 {@code LOCAL} header (what HAProxy's health checks send): no addresses.
	 * @return the header's bytes
	 */
	static byte[] v2Local() {
		return v2(0x20, 0x00, new byte[0]);
	}

	/**
	 * A TLV for {@link #v2(InetSocketAddress, InetSocketAddress, byte[]...)}.
	 * @param type the type
	 * @param value the value, as ASCII
	 * @return the entry
	 */
	static byte[] tlv(int type, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
		byte[] tlv = new byte[bytes.length + 1];
		tlv[0] = (byte) type;
		System.arraycopy(bytes, 0, tlv, 1, bytes.length);
		return tlv;
	}

	private static byte[] v2(int versionCommand, int familyProtocol, byte[] body) {
		ByteArrayOutputStream header = new ByteArrayOutputStream();
		header.writeBytes(V2_SIGNATURE);
		header.write(versionCommand);
		header.write(familyProtocol);
		short16(header, body.length);
		header.writeBytes(body);
		return header.toByteArray();
	}

	private static void short16(ByteArrayOutputStream out, int value) {
		out.write((value >>> 8) & 0xFF);
		out.write(value & 0xFF);
	}

}
