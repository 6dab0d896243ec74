/**
 * Side-by-side echo benchmarks: the peer servers (rawtcp, Netty) and the harness that runs them.
 */
@NullMarked
package dev.rawtcp.benchmarks;

import org.jspecify.annotations.NullMarked;
