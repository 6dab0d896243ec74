/**
 * Pieces shared by the transports; not public API.
 */
@NullMarked
package dev.rawtcp.internal;

import org.jspecify.annotations.NullMarked;
