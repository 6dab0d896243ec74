/**
 * The {@code rawtcp} health indicator.
 */
@NullMarked
package dev.rawtcp.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
