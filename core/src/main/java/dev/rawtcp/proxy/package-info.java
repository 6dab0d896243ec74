/**
 * The PROXY protocol (versions 1 and 2): an incremental header decoder, the header model with
 * its TLVs, and the list of trusted sources allowed to send a header.
 */
@NullMarked
package dev.rawtcp.proxy;

import org.jspecify.annotations.NullMarked;
