/**
 * Failure analyzers turning rawtcp startup failures into Spring Boot's "APPLICATION FAILED
 * TO START" report.
 */
@NullMarked
package dev.rawtcp.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;
