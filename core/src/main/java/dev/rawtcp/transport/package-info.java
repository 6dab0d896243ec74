/**
 * Transport selection: {@link dev.rawtcp.transport.EventLoopGroups} creates an
 * {@link dev.rawtcp.EventLoopGroup} of the transport asked for, or of the best one that
 * works here. It depends on both transports; nothing in core depends on it.
 */
@NullMarked
package dev.rawtcp.transport;

import org.jspecify.annotations.NullMarked;
