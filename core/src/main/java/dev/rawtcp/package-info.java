/**
 * The public API of rawtcp: event-loop groups, listeners, connections and handlers.
 */
@NullMarked
package dev.rawtcp;

import org.jspecify.annotations.NullMarked;
