package dev.rawtcp.epoll;

import java.nio.ByteBuffer;

import dev.rawtcp.TcpInfo;

/**
 * Offsets of {@code struct tcp_info} in {@code linux/tcp.h} (the same on every
 * architecture: fixed-size fields only). Fields past the length the kernel returned read
 * as 0, for older kernels.
 */
final class TcpInfoLayout {

	static final int STATE = 0;

	static final int RETRANSMITS = 2;

	static final int PROBES = 3;

	static final int RTO = 8;

	static final int UNACKED = 24;

	static final int SACKED = 28;

	static final int LOST = 32;

	static final int LAST_DATA_RECV = 52;

	static final int RTT = 68;

	static final int RTTVAR = 72;

	static final int SND_CWND = 80;

	static final int TOTAL_RETRANS = 100;

	static final int BYTES_ACKED = 120;

	static final int BYTES_RECEIVED = 128;

	private TcpInfoLayout() {
	}

	static TcpInfo read(ByteBuffer buf, int length) {
		return new TcpInfo(u8(buf, length, STATE), u8(buf, length, RETRANSMITS), u8(buf, length, PROBES),
				u32(buf, length, RTO), u32(buf, length, UNACKED), u32(buf, length, SACKED), u32(buf, length, LOST),
				u32(buf, length, LAST_DATA_RECV), u32(buf, length, RTT), u32(buf, length, RTTVAR),
				u32(buf, length, SND_CWND), u32(buf, length, TOTAL_RETRANS), u64(buf, length, BYTES_ACKED),
				u64(buf, length, BYTES_RECEIVED));
	}

	private static int u8(ByteBuffer buf, int length, int offset) {
		return (offset + 1 <= length) ? buf.get(offset) & 0xFF : 0;
	}

	private static long u32(ByteBuffer buf, int length, int offset) {
		return (offset + 4 <= length) ? Integer.toUnsignedLong(buf.getInt(offset)) : 0;
	}

	private static long u64(ByteBuffer buf, int length, int offset) {
		return (offset + 8 <= length) ? buf.getLong(offset) : 0;
	}

}
