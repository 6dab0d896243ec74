/**
 * Test support for rawtcp: {@link dev.rawtcp.test.LocalRawTcpPort}, the in-memory
 * {@link dev.rawtcp.test.EmbeddedConnection} and the blocking {@link dev.rawtcp.test.TcpTestClient}.
 */
@NullMarked
package dev.rawtcp.test;

import org.jspecify.annotations.NullMarked;
