package dev.rawtcp.epoll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerOption;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpInfo;

/**
 * A socket file descriptor that sets and reads back the {@link ListenerOption socket options}
 * through their descriptors.
 */
final class LinuxSocket {

	final int fd;

	LinuxSocket(int fd) {
		this.fd = fd;
	}

	static LinuxSocket newStream(InetSocketAddress address) throws IOException {
		return new LinuxSocket(Native.socket(Native.family(address)));
	}

	void setV6Only(boolean on) throws IOException {
		Native.setInt(this.fd, Native.IPPROTO_IPV6, Native.IPV6_V6ONLY, on ? 1 : 0);
	}

	void setReusePort() throws IOException {
		Native.setInt(this.fd, Native.SOL_SOCKET, Native.SO_REUSEPORT, 1);
	}

	/**
	 * Steer new connections of this socket's {@code SO_REUSEPORT} group to socket
	 * {@code cpu % shards}.
	 * @param shards the sockets in the group, in the order they listened
	 * @throws IOException if the kernel refuses it
	 */
	void steerByCpu(int shards) throws IOException {
		Native.attachCpuSteering(this.fd, shards);
	}

	/**
	 * Set every socket option the configuration sets (see {@link ListenerOption#isSetIn}) on
	 * this listening socket. Accepted connections inherit keepalive, no-delay, user timeout and
	 * buffers from it on Linux, so that accepting costs no setsockopt. The values were
	 * checked when the configuration was built.
	 * @param config the listener's configuration
	 * @throws IOException if the kernel refuses one
	 */
	void applyOptions(ListenerConfig config) throws IOException {
		for (ListenerOption<?> option : ListenerOption.socketOptions()) {
			apply(option, config);
		}
	}

	private <T> void apply(ListenerOption<T> option, ListenerConfig config) throws IOException {
		if (option.isSetIn(config)) {
			ListenerOption.Kernel kernel = Objects.requireNonNull(option.kernel());
			Native.setInt(this.fd, kernel.level(), kernel.name(), option.toKernel(config.get(option)));
		}
	}

	/** @return the options as the kernel reports them now; unreadable ones are null */
	SocketOptionsView options() {
		return SocketOptionsView.read(this::read);
	}

	private @Nullable Object read(ListenerOption<?> option) {
		ListenerOption.Kernel kernel = Objects.requireNonNull(option.kernel());
		try {
			return option.fromKernel(Native.getInt(this.fd, kernel.level(), kernel.name()));
		}
		catch (IOException ex) {
			return null;
		}
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
