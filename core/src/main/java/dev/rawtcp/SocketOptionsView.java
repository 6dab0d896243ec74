package dev.rawtcp;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Socket options as read back from the kernel (not echoed from configuration). A
 * {@code null} component means the transport cannot read that option. Built by
 * {@link #read(Function)} from the {@link ListenerOption socket options}: a transport reads
 * each option through its descriptor and never names a component.
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
 * @param deferAcceptSeconds {@code TCP_DEFER_ACCEPT} (the kernel keeps a number of SYN-ACK
 * retransmissions, so it reads back the next step of 1, 3, 7, 15, 31, 63, 127... seconds)
 * @param fastOpenQueueLength {@code TCP_FASTOPEN} (the kernel caps it at {@code net.core.somaxconn})
 */
public record SocketOptionsView(@Nullable Boolean keepAlive, @Nullable Integer keepAliveIdleSeconds,
		@Nullable Integer keepAliveIntervalSeconds, @Nullable Integer keepAliveCount, @Nullable Boolean tcpNoDelay,
		@Nullable Integer userTimeoutMillis, @Nullable Integer receiveBufferSize, @Nullable Integer sendBufferSize,
		@Nullable Boolean reuseAddress, @Nullable Boolean reusePort, @Nullable Integer deferAcceptSeconds,
		@Nullable Integer fastOpenQueueLength) {

	/** A view where nothing could be read, e.g. of a closed socket. */
	public static final SocketOptionsView UNREADABLE = read((option) -> null);

	/**
	 * Build a view by reading each socket option.
	 * @param reader the value of an option as {@link ListenerOption#fromKernel(int)} gives it, or
	 * {@code null} where it cannot be read
	 * @return the view
	 */
	public static SocketOptionsView read(Function<ListenerOption<?>, @Nullable Object> reader) {
		return new SocketOptionsView((Boolean) reader.apply(ListenerOption.KEEPALIVE),
				(Integer) reader.apply(ListenerOption.KEEPALIVE_IDLE),
				(Integer) reader.apply(ListenerOption.KEEPALIVE_INTERVAL),
				(Integer) reader.apply(ListenerOption.KEEPALIVE_COUNT),
				(Boolean) reader.apply(ListenerOption.TCP_NO_DELAY), (Integer) reader.apply(ListenerOption.USER_TIMEOUT),
				(Integer) reader.apply(ListenerOption.RECEIVE_BUFFER_SIZE),
				(Integer) reader.apply(ListenerOption.SEND_BUFFER_SIZE),
				(Boolean) reader.apply(ListenerOption.REUSE_ADDRESS), (Boolean) reader.apply(ListenerOption.REUSE_PORT),
				(Integer) reader.apply(ListenerOption.DEFER_ACCEPT),
				(Integer) reader.apply(ListenerOption.FAST_OPEN_QUEUE_LENGTH));
	}

}
