package dev.rawtcp;

import org.jspecify.annotations.Nullable;

/**
 * Socket options as read back from the kernel (not echoed from configuration). A
 * {@code null} component means the transport cannot read that option.
 *
 * @param keepAlive {@code SO_KEEPALIVE}
 * @param keepAliveIdleSeconds {@code TCP_KEEPIDLE}
 * @param keepAliveIntervalSeconds {@code TCP_KEEPINTVL}
 * @param keepAliveCount {@code TCP_KEEPCNT}
 * @param tcpNoDelay {@code TCP_NODELAY}
 * @param userTimeoutMillis {@code TCP_USER_TIMEOUT}
 * @param receiveBufferSize {@code SO_RCVBUF} (the kernel doubles what was asked)
 * @param sendBufferSize {@code SO_SNDBUF} (the kernel doubles what was asked)
 * @param reuseAddress {@code SO_REUSEADDR}
 * @param reusePort {@code SO_REUSEPORT}
 */
public record SocketOptionsView(@Nullable Boolean keepAlive, @Nullable Integer keepAliveIdleSeconds,
		@Nullable Integer keepAliveIntervalSeconds, @Nullable Integer keepAliveCount, @Nullable Boolean tcpNoDelay,
		@Nullable Integer userTimeoutMillis, @Nullable Integer receiveBufferSize, @Nullable Integer sendBufferSize,
		@Nullable Boolean reuseAddress, @Nullable Boolean reusePort) {

}
