/**
 * The Linux epoll transport, built from syscalls through jnr-ffi.
 */
@NullMarked
package dev.rawtcp.epoll;

import org.jspecify.annotations.NullMarked;
