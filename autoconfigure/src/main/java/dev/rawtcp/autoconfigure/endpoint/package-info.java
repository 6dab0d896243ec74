/**
 * The {@code rawtcp} Actuator endpoint: listeners, kernel facts and connections.
 */
@NullMarked
package dev.rawtcp.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
