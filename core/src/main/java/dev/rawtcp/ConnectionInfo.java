package dev.rawtcp;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one open connection, for dashboards and the Actuator endpoint. Holds no
 * payload bytes.
 *
 * @param id the connection id
 * @param remoteAddress the peer
 * @param localAddress this side
 * @param openedAt when it was accepted
 * @param bytesReceived bytes read so far
 * @param bytesSent bytes sent so far
 * @param tcpInfo the kernel's TCP_INFO, or {@code null} where the transport has none
 * @param socketOptions the connection's options as read back from the kernel
 * @param pendingWriteBytes bytes written but not yet taken by the kernel
 * @param readPaused whether the transport is not reading from the socket (see
 * {@link Connection#isReadPaused()})
 * @param tls what the TLS handshake agreed on, or {@code null} on a plaintext listener and
 * until the handshake finished
 * @param socketRemoteAddress the socket's own peer: behind a load balancer sending a PROXY
 * header, the balancer, while {@code remoteAddress} is the client (see
 * {@link Connection#socketRemoteAddress()})
 */
public record ConnectionInfo(long id, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
		Instant openedAt, long bytesReceived, long bytesSent, @Nullable TcpInfo tcpInfo,
		SocketOptionsView socketOptions, long pendingWriteBytes, boolean readPaused,
		@Nullable TlsInfo tls, InetSocketAddress socketRemoteAddress) {

	/**
	 * A snapshot of a connection without a PROXY header: its socket's peer is its remote address.
	 * @param id the connection id
	 * @param remoteAddress the peer
	 * @param localAddress this side
	 * @param openedAt when it was accepted
	 * @param bytesReceived bytes read so far
	 * @param bytesSent bytes sent so far
	 * @param tcpInfo the kernel's TCP_INFO, or {@code null} where the transport has none
	 * @param socketOptions the connection's options as read back from the kernel
	 * @param pendingWriteBytes bytes written but not yet taken by the kernel
	 * @param readPaused whether the transport is not reading from the socket
	 */
	public ConnectionInfo(long id, InetSocketAddress remoteAddress, InetSocketAddress localAddress, Instant openedAt,
			long bytesReceived, long bytesSent, @Nullable TcpInfo tcpInfo, SocketOptionsView socketOptions,
			long pendingWriteBytes, boolean readPaused) {
		this(id, remoteAddress, localAddress, openedAt, bytesReceived, bytesSent, tcpInfo, socketOptions,
				pendingWriteBytes, readPaused, null, remoteAddress);
	}

	/**
	 * Snapshot a connection now.
	 * @param connection the connection
	 * @return the snapshot
	 */
	public static ConnectionInfo of(Connection connection) {
		return new ConnectionInfo(connection.id(), connection.remoteAddress(), connection.localAddress(),
				connection.openedAt(), connection.bytesReceived(), connection.bytesSent(),
				connection.tcpInfo().orElse(null), connection.socketOptions(), connection.pendingWriteBytes(),
				connection.isReadPaused(), connection.tls().orElse(null), connection.socketRemoteAddress());
	}

}
