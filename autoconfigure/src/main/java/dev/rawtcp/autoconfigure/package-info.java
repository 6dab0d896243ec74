/**
 * Auto-configuration for rawtcp servers.
 */
@NullMarked
package dev.rawtcp.autoconfigure;

import org.jspecify.annotations.NullMarked;
