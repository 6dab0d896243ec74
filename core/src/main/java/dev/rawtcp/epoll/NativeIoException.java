package dev.rawtcp.epoll;

import java.io.IOException;

/**
 * A syscall failed; carries the errno and its name.
 */
public class NativeIoException extends IOException {

	private static final long serialVersionUID = 1L;

	private final int errno;

	private final String errnoName;

	NativeIoException(String syscall, int errno, String errnoName, String description) {
		super(syscall + "(..) failed: " + description + " (" + errnoName + ")");
		this.errno = errno;
		this.errnoName = errnoName;
	}

	/** @return the errno value */
	public int errno() {
		return this.errno;
	}

	/** @return the errno name, e.g. {@code EMFILE} */
	public String errnoName() {
		return this.errnoName;
	}

}
