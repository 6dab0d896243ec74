/**
 * The sample echo service: an event-loop echo listener and a thread-per-connection upper-case listener.
 */
@NullMarked
package dev.rawtcp.sample;

import org.jspecify.annotations.NullMarked;
