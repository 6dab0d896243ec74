/**
 * Auto-configuration for rawtcp: {@code rawtcp.*} properties, the event-loop group, the
 * listeners' lifecycle and failure analysis.
 */
@NullMarked
package dev.rawtcp.autoconfigure;

import org.jspecify.annotations.NullMarked;
