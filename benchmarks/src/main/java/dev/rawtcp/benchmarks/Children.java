package dev.rawtcp.benchmarks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the harness started and has not stopped yet, killed by PID if the harness
 * exits early (Ctrl-C, failure).
 */
final class Children {

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly)));
	}

	private Children() {
	}

	static void register(Process process) {
		running.add(process);
	}

	static void unregister(Process process) {
		running.remove(process);
	}

}
