/**
 * Framing codecs: line-delimited and length-field.
 */
@NullMarked
package dev.rawtcp.codec;

import org.jspecify.annotations.NullMarked;
