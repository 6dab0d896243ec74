package dev.rawtcp.proxy;

import java.util.List;

import dev.rawtcp.proxy.ProxyHeader.Tlv;

/**
 * Reads a run of version 2 TLVs: a type byte, a big-endian 2-byte length, the value.
 */
final class Tlvs {

	private Tlvs() {
	}

	/**
	 * Parse the TLVs that fill {@code [from, to)} exactly.
	 * @param bytes the bytes
	 * @param from the first TLV's index
	 * @param to the index after the last TLV
	 * @param skipNoop whether to leave {@code PP2_TYPE_NOOP} out
	 * @param out receives the TLVs in order
	 * @return {@code false} if a TLV's length runs past {@code to}
	 */
	static boolean parse(byte[] bytes, int from, int to, boolean skipNoop, List<Tlv> out) {
		int i = from;
		while (i < to) {
			if (to - i < 3) {
				return false;
			}
			int type = bytes[i] & 0xFF;
			int length = ((bytes[i + 1] & 0xFF) << 8) | (bytes[i + 2] & 0xFF);
			i += 3;
			if (to - i < length) {
				return false;
			}
			if (!skipNoop || type != ProxyHeader.TYPE_NOOP) {
				out.add(new Tlv(type, bytes, i, length));
			}
			i += length;
		}
		return true;
	}

}
