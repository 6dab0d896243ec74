package dev.rawtcp.epoll;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpInfo;

/**
 * A socket file descriptor with typed option accessors; range checks happen here, at the
 * boundary.
 */
final class LinuxSocket {

	final int fd;

	LinuxSocket(int fd) {
		this.fd = fd;
	}

	static LinuxSocket newStream(InetSocketAddress address) throws IOException {
		return new LinuxSocket(Native.socket(Native.family(address)));
	}

	void setReuseAddress(boolean on) throws IOException {
		Native.setInt(this.fd, Native.SOL_SOCKET, Native.SO_REUSEADDR, on ? 1 : 0);
	}

	void setReusePort(boolean on) throws IOException {
		Native.setInt(this.fd, Native.SOL_SOCKET, Native.SO_REUSEPORT, on ? 1 : 0);
	}

	void setKeepAlive(boolean on) throws IOException {
		Native.setInt(this.fd, Native.SOL_SOCKET, Native.SO_KEEPALIVE, on ? 1 : 0);
	}

	void setTcpKeepIdle(int seconds) throws IOException {
		Native.setInt(this.fd, Native.IPPROTO_TCP, Native.TCP_KEEPIDLE, checkSeconds(seconds));
	}

	void setTcpKeepInterval(int seconds) throws IOException {
		Native.setInt(this.fd, Native.IPPROTO_TCP, Native.TCP_KEEPINTVL, checkSeconds(seconds));
	}

	void setTcpKeepCount(int count) throws IOException {
		if (count < 1 || count > 127) {
			throw new IllegalArgumentException("TCP_KEEPCNT must be 1..127: " + count);
		}
		Native.setInt(this.fd, Native.IPPROTO_TCP, Native.TCP_KEEPCNT, count);
	}

	void setTcpNoDelay(boolean on) throws IOException {
		Native.setInt(this.fd, Native.IPPROTO_TCP, Native.TCP_NODELAY, on ? 1 : 0);
	}

	void setTcpUserTimeout(int millis) throws IOException {
		Native.setInt(this.fd, Native.IPPROTO_TCP, Native.TCP_USER_TIMEOUT, millis);
	}

	void setReceiveBufferSize(int bytes) throws IOException {
		Native.setInt(this.fd, Native.SOL_SOCKET, Native.SO_RCVBUF, bytes);
	}

	void setSendBufferSize(int bytes) throws IOException {
		Native.setInt(this.fd, Native.SOL_SOCKET, Native.SO_SNDBUF, bytes);
	}

	void setV6Only(boolean on) throws IOException {
		Native.setInt(this.fd, Native.IPPROTO_IPV6, Native.IPV6_V6ONLY, on ? 1 : 0);
	}

	private static int checkSeconds(int seconds) {
		if (seconds < 1 || seconds > 32767) {
			throw new IllegalArgumentException("keepalive seconds must be 1..32767: " + seconds);
		}
		return seconds;
	}

	/**
	 * Apply the options accepted connections inherit on Linux (keepalive, no-delay, user
	 * timeout, buffers), so that accepting costs no setsockopt.
	 * @param config the listener's configuration
	 * @throws IOException if the kernel refuses one
	 */
	void applyConnectionOptions(ListenerConfig config) throws IOException {
		setTcpNoDelay(config.tcpNoDelay());
		setKeepAlive(config.keepAlive());
		if (config.keepAlive()) {
			setTcpKeepIdle(config.keepAliveIdleSeconds());
			setTcpKeepInterval(config.keepAliveIntervalSeconds());
			setTcpKeepCount(config.keepAliveCount());
		}
		if (!config.userTimeout().isZero()) {
			setTcpUserTimeout((int) Math.min(Integer.MAX_VALUE, config.userTimeout().toMillis()));
		}
		if (config.receiveBufferSize() != null) {
			setReceiveBufferSize(config.receiveBufferSize());
		}
		if (config.sendBufferSize() != null) {
			setSendBufferSize(config.sendBufferSize());
		}
	}

	/** @return the options as the kernel reports them now; unreadable ones are null */
	SocketOptionsView options() {
		return new SocketOptionsView(bool(Native.SOL_SOCKET, Native.SO_KEEPALIVE),
				integer(Native.IPPROTO_TCP, Native.TCP_KEEPIDLE), integer(Native.IPPROTO_TCP, Native.TCP_KEEPINTVL),
				integer(Native.IPPROTO_TCP, Native.TCP_KEEPCNT), bool(Native.IPPROTO_TCP, Native.TCP_NODELAY),
				integer(Native.IPPROTO_TCP, Native.TCP_USER_TIMEOUT), integer(Native.SOL_SOCKET, Native.SO_RCVBUF),
				integer(Native.SOL_SOCKET, Native.SO_SNDBUF), bool(Native.SOL_SOCKET, Native.SO_REUSEADDR),
				bool(Native.SOL_SOCKET, Native.SO_REUSEPORT));
	}

	private @Nullable Integer integer(int level, int name) {
		try {
			return Native.getInt(this.fd, level, name);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private @Nullable Boolean bool(int level, int name) {
		Integer value = integer(level, name);
		return (value != null) ? value != 0 : null;
	}

	TcpInfo tcpInfo() throws IOException {
		return Native.tcpInfo(this.fd);
	}

	InetSocketAddress localAddress() throws IOException {
		return Native.localAddress(this.fd);
	}

	@Override
	public String toString() {
		return "fd " + this.fd;
	}

}
