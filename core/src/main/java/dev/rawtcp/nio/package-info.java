/**
 * The JDK NIO fallback transport.
 */
@NullMarked
package dev.rawtcp.nio;

import org.jspecify.annotations.NullMarked;
