package dev.rawtcp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.proxy.ProxyHeader;

/**
 * An accepted TCP connection. Methods may be called from any thread; calls made on the
 * connection's own event-loop thread take the fast path.
 */
public interface Connection {

	/**
	 * A number unique among this process's connections.
	 * @return the id
	 */
	long id();

	/**
	 * Name of the listener that accepted this connection.
	 * @return the listener name
	 */
	String listenerName();

	/**
	 * The peer's address: behind a load balancer that sends a PROXY protocol header, the
	 * client's address from the header (see {@link #socketRemoteAddress()}).
	 * @return the remote address
	 */
	InetSocketAddress remoteAddress();

	/**
	 * The address of the socket's peer as the kernel sees it: behind a load balancer that sends
	 * a PROXY protocol header, the balancer's own address, while {@link #remoteAddress()} is
	 * the client's from the header. Without a header the same as {@link #remoteAddress()}.
	 * @return the socket's remote address
	 */
	default InetSocketAddress socketRemoteAddress() {
		return remoteAddress();
	}

	/**
	 * The PROXY protocol header the connection began with: the client's and the balancer's
	 * addresses, and the TLVs a version 2 header carries (ALPN, authority, unique id, TLS
	 * details, an AWS VPC endpoint id).
	 * @return the header; empty when the listener does not read one, or none was sent
	 */
	default Optional<ProxyHeader> proxyHeader() {
		return Optional.empty();
	}

	/**
	 * This side's address.
	 * @return the local address
	 */
	InetSocketAddress localAddress();

	/**
	 * Send the buffer's remaining bytes. They are copied before the call returns (the
	 * buffer's position is moved to its limit); what the socket would not take at once is
	 * queued and flushed when the socket becomes writable. If the queue exceeds the
	 * listener's write-buffer limit, the connection is closed with reason
	 * {@link CloseReason#ERROR}. Writing to a closed connection does nothing.
	 * @param data the bytes to send
	 */
	void write(ByteBuffer data);

	/**
	 * Send bytes; see {@link #write(ByteBuffer)}.
	 * @param data the bytes to send
	 */
	default void write(byte[] data) {
		write(ByteBuffer.wrap(data));
	}

	/**
	 * Close gracefully: pending writes are flushed, then a FIN is sent.
	 */
	void close();

	/**
	 * Close at once with a reset (RST): pending writes are discarded.
	 */
	void abort();

	/**
	 * Whether the connection is still open.
	 * @return {@code true} until it is closed
	 */
	boolean isOpen();

	/**
	 * Whether the write queue is below the high water mark (after having been above it,
	 * until it drains below the low water mark).
	 * @return whether writing is advised
	 */
	boolean isWritable();

	/**
	 * Bytes written but not yet taken by the kernel.
	 * @return queued bytes
	 */
	long pendingWriteBytes();

	/**
	 * Stop reading from the socket (flow control, e.g. while the peer is not writable);
	 * data waits in the kernel's receive buffer.
	 */
	void suspendReads();

	/**
	 * Start reading again after {@link #suspendReads()}.
	 */
	void resumeReads();

	/**
	 * Whether the transport is not reading from this socket now: after
	 * {@link #suspendReads()}, while the write queue is above its high water mark, or while
	 * the listener drains. Always {@code false} for a {@link TcpStreamHandler}'s connection,
	 * whose handler reads when it wants. Exact on the connection's event loop, possibly stale
	 * elsewhere.
	 * @return whether reads are paused
	 */
	default boolean isReadPaused() {
		return false;
	}

	/**
	 * A per-connection attribute.
	 * @param <T> the value type
	 * @param key the key
	 * @return the value, or {@code null}
	 */
	<T> @Nullable T attribute(String key);

	/**
	 * Set a per-connection attribute; {@code null} removes it.
	 * @param key the key
	 * @param value the value
	 */
	void attribute(String key, @Nullable Object value);

	/**
	 * The kernel's {@code TCP_INFO} for this socket, read now.
	 * @return the info; empty on transports without it or once closed
	 */
	Optional<TcpInfo> tcpInfo();

	/**
	 * What the TLS handshake agreed on: protocol, cipher suite, the host name the client
	 * asked for, and the client's certificates.
	 * @return the handshake's outcome; empty on a plaintext listener and until the handshake
	 * finished
	 */
	default Optional<TlsInfo> tls() {
		return Optional.empty();
	}

	/**
	 * The socket options as read back from the kernel now.
	 * @return the options
	 */
	SocketOptionsView socketOptions();

	/**
	 * Bytes read from the socket so far.
	 * @return the count
	 */
	long bytesReceived();

	/**
	 * Bytes the kernel took from this connection so far.
	 * @return the count
	 */
	long bytesSent();

	/**
	 * When the connection was accepted.
	 * @return the time
	 */
	Instant openedAt();

}
