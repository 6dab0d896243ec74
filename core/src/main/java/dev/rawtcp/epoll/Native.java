package dev.rawtcp.epoll;

import java.io.IOException;
import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import dev.rawtcp.ListenerOption;
import dev.rawtcp.TcpInfo;
import dev.rawtcp.internal.StreamBuffer;

/**
 * The only caller of {@link LibC}. Each wrapper is the call, an errno check, and a return.
 * Hot-path wrappers ({@link #read}, {@link #send}, {@link #accept}, {@link #epollWait},
 * {@link #epollCtl}) return {@code -errno} instead of throwing; cold ones throw through
 * {@link Errors}. Constants are Linux's, identical on x86-64 and aarch64 except the
 * layout of {@code struct epoll_event}.
 */
final class Native {

	static final int AF_INET = 2;

	static final int AF_INET6 = 10;

	static final int SOCK_STREAM = 1;

	static final int SOCK_NONBLOCK = 0x800;

	static final int SOCK_CLOEXEC = 0x80000;

	static final int SOL_SOCKET = ListenerOption.Kernel.SOL_SOCKET;

	static final int SO_ERROR = 4;

	static final int SO_LINGER = 13;

	static final int SO_REUSEPORT = ListenerOption.Kernel.SO_REUSEPORT;

	static final int SO_ATTACH_REUSEPORT_CBPF = 51;

	static final int IPPROTO_TCP = ListenerOption.Kernel.IPPROTO_TCP;

	static final int IPPROTO_IPV6 = 41;

	static final int IPV6_V6ONLY = 26;

	static final int TCP_INFO = 11;

	static final int SHUT_RD = 0;

	static final int SHUT_WR = 1;

	static final int SHUT_RDWR = 2;

	static final int MSG_NOSIGNAL = 0x4000;

	static final int EPOLLIN = 0x001;

	static final int EPOLLOUT = 0x004;

	static final int EPOLLERR = 0x008;

	static final int EPOLLHUP = 0x010;

	static final int EPOLLRDHUP = 0x2000;

	static final int EPOLLET = 1 << 31;

	static final int EPOLLONESHOT = 1 << 30;

	static final int EPOLL_CTL_ADD = 1;

	static final int EPOLL_CTL_DEL = 2;

	static final int EPOLL_CTL_MOD = 3;

	static final int EPOLL_CLOEXEC = 0x80000;

	static final int EFD_NONBLOCK = 0x800;

	static final int EFD_CLOEXEC = 0x80000;

	/** {@code struct epoll_event} is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
	static final int EPOLL_EVENT_SIZE;

	/** Offset of {@code epoll_data_t data} in {@code struct epoll_event}. */
	static final int EPOLL_DATA_OFFSET;

	/** Classic BPF opcodes and ancillary offsets from {@code linux/filter.h} and {@code linux/bpf_common.h}. */
	private static final int BPF_LD = 0x00;

	private static final int BPF_W = 0x00;

	private static final int BPF_ABS = 0x20;

	private static final int BPF_ALU = 0x04;

	private static final int BPF_MOD = 0x90;

	private static final int BPF_K = 0x00;

	private static final int BPF_RET = 0x06;

	private static final int BPF_A = 0x10;

	private static final int SKF_AD_OFF = -0x1000;

	private static final int SKF_AD_CPU = 36;

	/** Room for any sockaddr we use ({@code sockaddr_in6} is 28 bytes). */
	static final int SOCKADDR_SIZE = 32;

	/** Bytes of {@code struct tcp_info} we read (up to {@code tcpi_bytes_received}). */
	static final int TCP_INFO_SIZE = 136;

	private static final LibC LIBC;

	private static final Runtime RUNTIME;

	static {
		String arch = System.getProperty("os.arch", "");
		boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.equals("i386");
		EPOLL_EVENT_SIZE = x86 ? 12 : 16;
		EPOLL_DATA_OFFSET = x86 ? 4 : 8;
		LIBC = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");
		RUNTIME = Runtime.getRuntime(LIBC);
	}

	private Native() {
	}

	/**
	 * Check that the binding works: open and close an epoll fd and an eventfd.
	 * @throws IOException if it does not
	 */
	static void probe() throws IOException {
		int epfd = epollCreate();
		close(epfd);
		int efd = eventFd();
		close(efd);
	}

	private static int errno() {
		return RUNTIME.getLastError();
	}

	static String strerror(int errno) {
		String text = LIBC.strerror(errno);
		return (text != null) ? text : "errno " + errno;
	}

	// Memory

	/**
	 * Allocate a native-ordered direct buffer.
	 * @param capacity the size
	 * @return the buffer
	 */
	static ByteBuffer allocate(int capacity) {
		return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
	}

	/**
	 * Allocate a thread-per-connection stream buffer: direct, with its address looked up once.
	 * @param capacity the size
	 * @return the buffer
	 */
	static StreamBuffer streamBuffer(int capacity) {
		ByteBuffer buffer = allocate(capacity);
		return new StreamBuffer(buffer, address(buffer));
	}

	/**
	 * The native address of a direct buffer's first byte (position 0). Look it up once per
	 * buffer: it costs a JNI call.
	 * @param buffer a direct buffer
	 * @return the address
	 */
	static long address(ByteBuffer buffer) {
		if (!buffer.isDirect()) {
			throw new IllegalArgumentException("not a direct buffer");
		}
		return Pointer.wrap(RUNTIME, buffer.duplicate().clear()).address();
	}

	// Sockets (cold path: throw)

	static int socket(int family) throws IOException {
		int fd = LIBC.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			throw Errors.newIOException("socket", errno());
		}
		return fd;
	}

	static void setInt(int fd, int level, int name, int value) throws IOException {
		ByteBuffer buf = allocate(4);
		buf.putInt(0, value);
		int res = LIBC.setsockopt(fd, level, name, address(buf), 4);
		Reference.reachabilityFence(buf);
		if (res < 0) {
			throw Errors.newIOException("setsockopt", errno());
		}
	}

	static int getInt(int fd, int level, int name) throws IOException {
		ByteBuffer buf = allocate(8);
		long addr = address(buf);
		buf.putInt(4, 4);
		int res = LIBC.getsockopt(fd, level, name, addr, addr + 4);
		int value = buf.getInt(0);
		Reference.reachabilityFence(buf);
		if (res < 0) {
			throw Errors.newIOException("getsockopt", errno());
		}
		return value;
	}

	/**
	 * {@code SO_LINGER}.
	 * @param fd the socket
	 * @param on {@code l_onoff}
	 * @param seconds {@code l_linger}
	 * @return 0, or the errno
	 */
	static int setLinger(int fd, boolean on, int seconds) {
		ByteBuffer buf = allocate(8);
		buf.putInt(0, on ? 1 : 0).putInt(4, seconds);
		int res = LIBC.setsockopt(fd, SOL_SOCKET, SO_LINGER, address(buf), 8);
		Reference.reachabilityFence(buf);
		return (res < 0) ? errno() : 0;
	}

	/**
	 * Attach to the {@code SO_REUSEPORT} group of a listening socket a classic BPF program that
	 * picks the socket by the CPU that received the packet: {@code A = cpu; A %= shards;
	 * return A} (the kernel's selftest {@code reuseport_bpf_cpu.c}). An index with no socket
	 * falls back to the kernel's hash.
	 * @param fd a socket of the group, bound with {@code SO_REUSEPORT}
	 * @param shards the sockets in the group
	 * @throws IOException if the kernel refuses the program
	 */
	static void attachCpuSteering(int fd, int shards) throws IOException {
		// struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, 8 bytes each
		ByteBuffer filter = allocate(3 * 8);
		filter.putShort(0, (short) (BPF_LD | BPF_W | BPF_ABS)).putInt(4, SKF_AD_OFF + SKF_AD_CPU);
		filter.putShort(8, (short) (BPF_ALU | BPF_MOD | BPF_K)).putInt(12, shards);
		filter.putShort(16, (short) (BPF_RET | BPF_A)).putInt(20, 0);
		// struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the pointer at 8 on 64-bit
		ByteBuffer program = allocate(16);
		program.putShort(0, (short) 3).putLong(8, address(filter));
		int res = LIBC.setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, address(program), 16);
		Reference.reachabilityFence(filter);
		Reference.reachabilityFence(program);
		if (res < 0) {
			throw Errors.newIOException("setsockopt(SO_ATTACH_REUSEPORT_CBPF)", errno());
		}
	}

	static void bind(int fd, InetSocketAddress address) throws IOException {
		ByteBuffer buf = allocate(SOCKADDR_SIZE);
		int length = writeSockaddr(buf, address);
		int res = LIBC.bind(fd, address(buf), length);
		Reference.reachabilityFence(buf);
		if (res < 0) {
			throw Errors.newIOException("bind", errno());
		}
	}

	static void listen(int fd, int backlog) throws IOException {
		if (LIBC.listen(fd, backlog) < 0) {
			throw Errors.newIOException("listen", errno());
		}
	}

	static InetSocketAddress localAddress(int fd) throws IOException {
		return socketAddress(fd, false);
	}

	static InetSocketAddress remoteAddress(int fd) throws IOException {
		return socketAddress(fd, true);
	}

	/** {@code getsockname} or {@code getpeername}. */
	private static InetSocketAddress socketAddress(int fd, boolean peer) throws IOException {
		ByteBuffer buf = allocate(SOCKADDR_SIZE + 4);
		long addr = address(buf);
		buf.putInt(SOCKADDR_SIZE, SOCKADDR_SIZE);
		int res = peer ? LIBC.getpeername(fd, addr, addr + SOCKADDR_SIZE)
				: LIBC.getsockname(fd, addr, addr + SOCKADDR_SIZE);
		if (res < 0) {
			throw Errors.newIOException(peer ? "getpeername" : "getsockname", errno());
		}
		return readSockaddr(buf, 0);
	}

	/**
	 * {@code shutdown(2)}; errors are returned, not thrown (the peer may be gone).
	 * @param fd the socket
	 * @param how {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}
	 * @return 0 or the errno
	 */
	static int shutdown(int fd, int how) {
		return (LIBC.shutdown(fd, how) < 0) ? errno() : 0;
	}

	/**
	 * {@code close(2)}, never retried: on Linux the fd is released even when EINTR is returned.
	 * @param fd the fd
	 */
	static void close(int fd) {
		LIBC.close(fd);
	}

	static TcpInfo tcpInfo(int fd) throws IOException {
		ByteBuffer buf = allocate(TCP_INFO_SIZE + 8);
		long addr = address(buf);
		buf.putInt(TCP_INFO_SIZE, TCP_INFO_SIZE);
		int res = LIBC.getsockopt(fd, IPPROTO_TCP, TCP_INFO, addr, addr + TCP_INFO_SIZE);
		if (res < 0) {
			throw Errors.newIOException("getsockopt(TCP_INFO)", errno());
		}
		int length = buf.getInt(TCP_INFO_SIZE);
		return TcpInfoLayout.read(buf, length);
	}

	// Hot path: return -errno, never throw, never allocate

	/**
	 * {@code accept4(SOCK_NONBLOCK|SOCK_CLOEXEC)}.
	 * @param fd the listening socket
	 * @param sockaddr where the peer address goes
	 * @param lengthPointer a 4-byte slot, set to the sockaddr room before the call
	 * @return the new fd, or {@code -errno}
	 */
	static int accept(int fd, long sockaddr, long lengthPointer) {
		int res = LIBC.accept4(fd, sockaddr, lengthPointer, SOCK_NONBLOCK | SOCK_CLOEXEC);
		return (res >= 0) ? res : -errno();
	}

	/**
	 * {@code read(2)}, retried on EINTR.
	 * @return bytes read, {@code 0} at end of stream, or {@code -errno}
	 */
	static long read(int fd, long buffer, int length) {
		for (;;) {
			long res = LIBC.read(fd, buffer, length);
			if (res >= 0) {
				return res;
			}
			int errno = errno();
			if (errno != Errors.EINTR) {
				return -errno;
			}
		}
	}

	/**
	 * {@code send(..., MSG_NOSIGNAL)}: a peer reset gives EPIPE, never SIGPIPE. Retried on EINTR.
	 * @return bytes sent or {@code -errno}
	 */
	static long send(int fd, long buffer, int length) {
		for (;;) {
			long res = LIBC.send(fd, buffer, length, MSG_NOSIGNAL);
			if (res >= 0) {
				return res;
			}
			int errno = errno();
			if (errno != Errors.EINTR) {
				return -errno;
			}
		}
	}

	// epoll and eventfd

	static int epollCreate() throws IOException {
		int fd = LIBC.epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0) {
			throw Errors.newIOException("epoll_create1", errno());
		}
		return fd;
	}

	/**
	 * {@code epoll_ctl}, the fd itself as the event's data.
	 * @param scratch address of {@link #EPOLL_EVENT_SIZE} bytes owned by the calling thread
	 * @return 0 or the errno
	 */
	static int epollCtl(int epfd, int op, int fd, int events, ByteBuffer scratch, long scratchAddress) {
		scratch.putInt(0, events);
		scratch.putLong(EPOLL_DATA_OFFSET, fd);
		return (LIBC.epoll_ctl(epfd, op, fd, scratchAddress) < 0) ? errno() : 0;
	}

	/**
	 * {@code epoll_wait}.
	 * @return the number of events (0 on EINTR), or {@code -errno}
	 */
	static int epollWait(int epfd, long events, int maxEvents, int timeoutMillis) {
		int res = LIBC.epoll_wait(epfd, events, maxEvents, timeoutMillis);
		if (res >= 0) {
			return res;
		}
		int errno = errno();
		return (errno == Errors.EINTR) ? 0 : -errno;
	}

	static int eventFd() throws IOException {
		int fd = LIBC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0) {
			throw Errors.newIOException("eventfd", errno());
		}
		return fd;
	}

	/** Add 1 to an eventfd (wakes a loop). */
	static void eventFdWrite(int fd, long eightBytesOfOne) {
		LIBC.write(fd, eightBytesOfOne, 8);
	}

	/** Reset an eventfd's counter. */
	static void eventFdRead(int fd, long eightBytes) {
		LIBC.read(fd, eightBytes, 8);
	}

	// sockaddr

	static int writeSockaddr(ByteBuffer buf, InetSocketAddress address) {
		InetAddress inet = address.getAddress();
		int port = address.getPort();
		if (inet instanceof Inet6Address inet6) {
			buf.putShort(0, (short) AF_INET6);
			buf.put(2, (byte) (port >>> 8)).put(3, (byte) port);
			buf.putInt(4, 0);
			buf.put(8, inet6.getAddress());
			buf.putInt(24, inet6.getScopeId());
			return 28;
		}
		buf.putShort(0, (short) AF_INET);
		buf.put(2, (byte) (port >>> 8)).put(3, (byte) port);
		buf.put(4, inet.getAddress());
		buf.putLong(8, 0);
		return 16;
	}

	static InetSocketAddress readSockaddr(ByteBuffer buf, int offset) throws UnknownHostException {
		int family = buf.getShort(offset);
		int port = ((buf.get(offset + 2) & 0xFF) << 8) | (buf.get(offset + 3) & 0xFF);
		if (family == AF_INET6) {
			byte[] bytes = new byte[16];
			buf.get(offset + 8, bytes);
			int scope = buf.getInt(offset + 24);
			InetAddress inet = (scope != 0) ? Inet6Address.getByAddress(null, bytes, scope)
					: InetAddress.getByAddress(bytes);
			return new InetSocketAddress(inet, port);
		}
		byte[] bytes = new byte[4];
		buf.get(offset + 4, bytes);
		return new InetSocketAddress(Inet4Address.getByAddress(bytes), port);
	}

	static int family(InetSocketAddress address) {
		return (address.getAddress() instanceof Inet6Address) ? AF_INET6 : AF_INET;
	}

}
