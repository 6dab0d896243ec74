package dev.rawtcp;

/**
 * A subset of the kernel's {@code struct tcp_info} ({@code linux/tcp.h}), read with
 * {@code getsockopt(TCP_INFO)}. Times are in microseconds unless named otherwise.
 *
 * @param state TCP state ({@code 1} established, {@code 10} listen, ...)
 * @param retransmits retransmissions of the current segment
 * @param probes unanswered keepalive or zero-window probes
 * @param rtoMicros retransmission timeout
 * @param unacked for a connection: segments in flight; for a listening socket: the accept queue length now
 * @param sacked for a connection: SACKed segments; for a listening socket: the effective backlog
 * @param lost segments considered lost
 * @param lastDataReceivedMillis time since data was last received
 * @param rttMicros smoothed round-trip time
 * @param rttVarianceMicros round-trip time variance
 * @param sendCongestionWindow congestion window, in segments
 * @param totalRetransmits retransmissions over the connection's life
 * @param bytesAcked bytes acknowledged by the peer ({@code 0} on kernels without the field)
 * @param bytesReceived bytes received ({@code 0} on kernels without the field)
 */
public record TcpInfo(int state, int retransmits, int probes, long rtoMicros, long unacked, long sacked, long lost,
		long lastDataReceivedMillis, long rttMicros, long rttVarianceMicros, long sendCongestionWindow,
		long totalRetransmits, long bytesAcked, long bytesReceived) {

}
