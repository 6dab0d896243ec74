package dev.rawtcp.sample;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A real HAProxy (Debian package {@code haproxy}, which {@code .ci/run} installs) for the tests
 * that put the sample behind one: found on the usual paths, started in the foreground with a
 * configuration of the test's, and stopped by its own process handle, never anyone else's; and
 * the ports to put in that configuration.
 */
final class Haproxy {

	private Haproxy() {
	}

	/**
	 * A loopback port free now and below the kernel's ephemeral range
	 * ({@code net.ipv4.ip_local_port_range}), so that no outgoing connection (the clients', HAProxy's)
	 * takes it while an instance that listened on it restarts.
	 * @return the port
	 * @throws IOException if none was found
	 */
	static int freePort() throws IOException {
		int low = 32768;
		Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		if (Files.isReadable(range)) {
			// a reader: Files.readString returns only the first byte of a /proc/sys file on this kernel
			low = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
		}
		int span = Math.min(10_000, low - 1025);
		int start = ThreadLocalRandom.current().nextInt(span);
		for (int i = 0; i < span; i++) {
			int port = low - 1 - (start + i) % span;
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
				return port;
			}
			catch (IOException ex) {
				// taken: try the next
			}
		}
		throw new IOException("no free loopback port below " + low);
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
