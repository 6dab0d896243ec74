/**
 * Reliability tests: faults, bad peers, limits, shutdown under load, fd exhaustion and soak,
 * run against the public API on every transport.
 */
@NullMarked
package dev.rawtcp.reliability;

import org.jspecify.annotations.NullMarked;
