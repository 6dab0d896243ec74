/**
 * Micrometer metrics of rawtcp listeners and of the host's listen queues.
 */
@NullMarked
package dev.rawtcp.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
