package dev.rawtcp.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A real HAProxy (Debian package {@code haproxy}, which {@code .ci/run} installs) for the tests
 * that put the sample behind one: found on the usual paths, started in the foreground with a
 * configuration of the test's, and stopped by its own process handle, never anyone else's.
 */
final class Haproxy {

	private Haproxy() {
	}

	/** @return the haproxy executable, or {@code null} where it is not installed */
	static @Nullable String find() {
		List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/usr/local/sbin"));
		dirs.addAll(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
		return dirs.stream()
			.map((dir) -> Path.of(dir, "haproxy"))
			.filter(Files::isExecutable)
			.map(Path::toString)
			.findFirst()
			.orElse(null);
	}

	/**
	 * Start HAProxy with a configuration; its output goes to {@code haproxy.log} in {@code dir}.
	 * @param executable from {@link #find()}
	 * @param dir a directory of the test's
	 * @param config the configuration
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	static Process start(String executable, Path dir, String config) throws IOException {
		Path file = dir.resolve("haproxy.cfg");
		Files.writeString(file, config);
		return new ProcessBuilder(executable, "-db", "-f", file.toString()).redirectErrorStream(true)
			.redirectOutput(dir.resolve("haproxy.log").toFile())
			.start();
	}

	/**
	 * Stop a HAProxy this test started.
	 * @param process the process, or {@code null} if none was started
	 * @throws InterruptedException if interrupted while waiting
	 */
	static void stop(@Nullable Process process) throws InterruptedException {
		if (process != null) {
			process.destroy();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

}
