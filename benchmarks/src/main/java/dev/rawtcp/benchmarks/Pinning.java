package dev.rawtcp.benchmarks;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Pins a command to CPUs with {@code taskset -c}, which executes it in place (same PID).
 */
final class Pinning {

	private Pinning() {
	}

	static List<String> command(@Nullable String cpus) {
		return (cpus == null) ? List.of() : List.of("taskset", "-c", cpus);
	}

}
