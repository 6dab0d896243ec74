package dev.rawtcp.epoll;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/**
 * The single errno-to-exception table. Hot-path wrappers in {@link Native} return
 * {@code -errno} instead of throwing; {@code EAGAIN} is "no progress", never an
 * exception. Strings are cached: building an exception costs no native call.
 */
final class Errors {

	// Linux errno values, the same on x86-64 and aarch64 (asm-generic/errno-base.h, errno.h).
	static final int EPERM = 1;

	static final int EINTR = 4;

	static final int EBADF = 9;

	static final int EAGAIN = 11;

	static final int ENOMEM = 12;

	static final int EACCES = 13;

	static final int EINVAL = 22;

	static final int ENFILE = 23;

	static final int EMFILE = 24;

	static final int EPIPE = 32;

	static final int ENOPROTOOPT = 92;

	static final int EADDRINUSE = 98;

	static final int EADDRNOTAVAIL = 99;

	static final int ECONNABORTED = 103;

	static final int ECONNRESET = 104;

	static final int ENOBUFS = 105;

	static final int ENOTCONN = 107;

	static final int ETIMEDOUT = 110;

	static final int ECONNREFUSED = 111;

	private static final int MAX = 256;

	private static final String[] NAMES = new String[MAX];

	private static final String[] DESCRIPTIONS = new String[MAX];

	private Errors() {
	}

	/**
	 * Name of an errno, e.g. {@code EMFILE}.
	 * @param errno the errno
	 * @return its name, or {@code E<number>}
	 */
	static String name(int errno) {
		if (errno <= 0 || errno >= MAX) {
			return "E" + errno;
		}
		String name = NAMES[errno];
		if (name == null) {
			jnr.constants.platform.Errno constant = jnr.constants.platform.Errno.valueOf(errno);
			name = (constant != null && constant.defined()) ? constant.name() : "E" + errno;
			NAMES[errno] = name;
		}
		return name;
	}

	private static String description(int errno) {
		if (errno <= 0 || errno >= MAX) {
			return "errno " + errno;
		}
		String description = DESCRIPTIONS[errno];
		if (description == null) {
			description = Native.strerror(errno);
			DESCRIPTIONS[errno] = description;
		}
		return description;
	}

	/**
	 * Whether the errno means the peer reset or went away.
	 * @param errno the errno
	 * @return {@code true} for ECONNRESET, EPIPE, ETIMEDOUT, ENOTCONN
	 */
	static boolean isReset(int errno) {
		return errno == ECONNRESET || errno == EPIPE || errno == ETIMEDOUT || errno == ENOTCONN;
	}

	/**
	 * The exception for a failed syscall.
	 * @param syscall the syscall's name
	 * @param errno the errno
	 * @return the exception to throw
	 */
	static IOException newIOException(String syscall, int errno) {
		String message = syscall + "(..) failed: " + description(errno);
		return switch (errno) {
			case EBADF -> new ClosedChannelException();
			case EADDRINUSE, EADDRNOTAVAIL, EACCES -> withErrno(new BindException(message), syscall, errno);
			case ECONNREFUSED -> withErrno(new ConnectException(message), syscall, errno);
			case ECONNRESET, EPIPE -> withErrno(new SocketException(message), syscall, errno);
			default -> new NativeIoException(syscall, errno, name(errno), description(errno));
		};
	}

	private static IOException withErrno(IOException ex, String syscall, int errno) {
		ex.initCause(new NativeIoException(syscall, errno, name(errno), description(errno)));
		return ex;
	}

	/**
	 * The errno behind an exception made here, or 0.
	 * @param ex the exception
	 * @return the errno
	 */
	static int errno(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof NativeIoException nativeEx) {
				return nativeEx.errno();
			}
		}
		return 0;
	}

}
