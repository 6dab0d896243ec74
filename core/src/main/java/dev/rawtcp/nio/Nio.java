package dev.rawtcp.nio;

import dev.rawtcp.EventLoopGroup;

/**
 * The entry point of the NIO transport, for transport selection
 * ({@code dev.rawtcp.transport.EventLoopGroups}); applications create groups there.
 */
public final class Nio {

	private Nio() {
	}

	/**
	 * Create a NIO group whose loops start with its first listener.
	 * @param threads the number of loops, at least 1
	 * @return the group
	 */
	public static EventLoopGroup newEventLoopGroup(int threads) {
		return new NioEventLoopGroup(threads);
	}

}
