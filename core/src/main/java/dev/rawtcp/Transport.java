package dev.rawtcp;

/**
 * How listeners and connections talk to the kernel.
 */
public enum Transport {

	/** {@link #EPOLL} where the native library loads and works, else {@link #NIO}. */
	AUTO,

	/** Linux epoll through jnr-ffi, syscall by syscall. */
	EPOLL,

	/** The JDK's {@code ServerSocketChannel} and {@code Selector}; kernel-only facts are absent. */
	NIO;

	/**
	 * Lower-case value used in metric tags and endpoint output.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
