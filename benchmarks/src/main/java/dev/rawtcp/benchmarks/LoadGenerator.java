package dev.rawtcp.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Runs the C load generator ({@code loadgen.c}) pinned to the client CPUs and reads its
 * {@code RESULT key=value ...} line.
 */
final class LoadGenerator {

	private static final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "loadgen-watchdog");
		thread.setDaemon(true);
		return thread;
	});

	private final Path executable;

	private final @Nullable String cpus;

	LoadGenerator(Path executable, @Nullable String cpus) {
		this.executable = executable;
		this.cpus = cpus;
	}

	/**
	 * Run one bounded load against a server.
	 * @param server the server
	 * @param arguments scenario, warm-up, duration and limits
	 * @param timeoutSeconds when to give up on the load generator itself
	 * @return the result's values
	 * @throws IOException if it fails to run or prints no result
	 */
	Map<String, String> run(ServerProcess server, List<String> arguments, double timeoutSeconds) throws IOException {
		Process process = start(server, arguments, timeoutSeconds);
		process.getOutputStream().close();
		try (BufferedReader out = reader(process)) {
			Map<String, String> result = null;
			String line;
			while ((line = out.readLine()) != null) {
				if (line.startsWith("RESULT ")) {
					result = parse(line);
				}
			}
			await(process, timeoutSeconds);
			if (result == null) {
				throw new IOException("load generator printed no result (exit " + process.exitValue() + "); see "
						+ server.log());
			}
			return result;
		}
		finally {
			stop(process);
		}
	}

	/**
	 * Open idle connections, measure while they are held, then close them.
	 * @param server the server
	 * @param arguments the idle scenario's arguments
	 * @param whileHeld called once every connection is open and has echoed once
	 * @return the result's values
	 * @throws IOException if it fails
	 */
	Map<String, String> runHolding(ServerProcess server, List<String> arguments, Measure whileHeld)
			throws IOException {
		Process process = start(server, arguments, 600);
		try (BufferedReader out = reader(process)) {
			String ready = out.readLine();
			if (ready == null || !ready.startsWith("READY ")) {
				throw new IOException("idle connections were not opened: " + ready + "; see " + server.log());
			}
			whileHeld.run();
			process.getOutputStream().close();
			String line;
			Map<String, String> result = null;
			while ((line = out.readLine()) != null) {
				if (line.startsWith("RESULT ")) {
					result = parse(line);
				}
			}
			await(process, 60);
			if (result == null) {
				throw new IOException("load generator printed no result; see " + server.log());
			}
			return result;
		}
		finally {
			stop(process);
		}
	}

	private Process start(ServerProcess server, List<String> arguments, double timeoutSeconds) throws IOException {
		List<String> command = new ArrayList<>(Pinning.command(this.cpus));
		command.add(this.executable.toString());
		command.add("--port");
		command.add(Integer.toString(server.port()));
		command.add("--server-pid");
		command.add(Long.toString(server.pid()));
		command.addAll(arguments);
		Process process = new ProcessBuilder(command)
			.redirectError(ProcessBuilder.Redirect.appendTo(server.log().toFile()))
			.start();
		Children.register(process);
		// a watchdog, so that a hung load generator cannot hang the harness reading its output
		watchdog.schedule(() -> {
			process.destroyForcibly();
		}, (long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS);
		return process;
	}

	private static BufferedReader reader(Process process) {
		return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
	}

	private static void await(Process process, double timeoutSeconds) throws IOException {
		try {
			if (!process.waitFor((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
				throw new IOException("load generator did not finish within " + timeoutSeconds + " s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	private static void stop(Process process) {
		if (process.isAlive()) {
			process.destroyForcibly();
		}
		Children.unregister(process);
	}

	static Map<String, String> parse(String line) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : line.substring("RESULT ".length()).trim().split("\\s+")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				values.put(pair.substring(0, eq), pair.substring(eq + 1));
			}
		}
		return values;
	}

	/**
	 * What to do while idle connections are held.
	 */
	@FunctionalInterface
	interface Measure {

		void run() throws IOException;

	}

}
