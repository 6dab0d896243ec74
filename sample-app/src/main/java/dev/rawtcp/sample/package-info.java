/**
 * The sample echo service: an event-loop echo listener, a thread-per-connection upper-case listener
 * and the echo over TLS with a localhost development certificate.
 */
@NullMarked
package dev.rawtcp.sample;

import org.jspecify.annotations.NullMarked;
