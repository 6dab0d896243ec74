package dev.rawtcp.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A running benchmark server: started pinned with {@code taskset}, stopped by its PID.
 */
final class ServerProcess implements AutoCloseable {

	private static final String EOF = "\u0000EOF";

	private final ServerKind kind;

	private final Process process;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final Path log;

	private final int port;

	private ServerProcess(ServerKind kind, Process process, Path log) throws IOException {
		this.kind = kind;
		this.process = process;
		this.log = log;
		Thread reader = new Thread(this::readStdout, kind.label() + "-stdout");
		reader.setDaemon(true);
		reader.start();
		String listening = nextLine(30);
		if (listening == null || !listening.startsWith("LISTENING ")) {
			close();
			throw new IOException(kind.label() + " did not start: " + ((listening != null) ? listening : cause(log))
					+ " (see " + log + ")");
		}
		this.port = Integer.parseInt(listening.substring("LISTENING ".length()).trim());
	}

	/**
	 * Start a server and wait until it listens.
	 * @param kind which server
	 * @param command its command (without pinning)
	 * @param cpus the CPUs it is pinned to, or {@code null} not to pin
	 * @param log where its standard error goes
	 * @return the running server
	 * @throws IOException if it does not start within 30 s
	 */
	static ServerProcess start(ServerKind kind, List<String> command, @Nullable String cpus, Path log) throws IOException {
		List<String> pinned = new ArrayList<>(Pinning.command(cpus));
		pinned.addAll(command);
		Process process = new ProcessBuilder(pinned).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		Children.register(process);
		return new ServerProcess(kind, process, log);
	}

	ServerKind kind() {
		return this.kind;
	}

	int port() {
		return this.port;
	}

	/** @return the PID (taskset executes the server in place, so this is the server's own) */
	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	Path log() {
		return this.log;
	}

	/**
	 * Heap in use after a full collection, as the server reports it.
	 * @return bytes, or -1 for a server without a heap
	 * @throws IOException if the server does not answer
	 */
	long heapAfterGc() throws IOException {
		if (!this.kind.isJava()) {
			return -1;
		}
		OutputStream stdin = this.process.getOutputStream();
		stdin.write("heap\n".getBytes(StandardCharsets.US_ASCII));
		stdin.flush();
		String line = nextLine(60);
		if (line == null || !line.startsWith("HEAP ")) {
			throw new IOException(this.kind.label() + " did not report its heap: " + line);
		}
		return Long.parseLong(line.substring(5).trim());
	}

	/**
	 * Resident set size now, from {@code /proc/<pid>/status}.
	 * @return bytes
	 * @throws IOException if it cannot be read
	 */
	long rss() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IOException("no VmRSS for " + pid());
	}

	/** @return the PIDs of its threads now, from {@code /proc/<pid>/task} */
	List<String> threadIds() throws IOException {
		try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
			return tasks.map((task) -> task.getFileName().toString()).toList();
		}
	}

	/**
	 * Context switches of every live thread so far, voluntary and not, from
	 * {@code /proc/<pid>/task/<tid>/status}.
	 * @return the sum
	 * @throws IOException if the process is gone
	 */
	long contextSwitches() throws IOException {
		long sum = 0;
		for (String tid : threadIds()) {
			try {
				for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "task", tid, "status"))) {
					if (line.contains("ctxt_switches:")) {
						sum += Long.parseLong(line.replaceAll("[^0-9]", ""));
					}
				}
			}
			catch (IOException ex) {
				// the thread ended meanwhile
			}
		}
		return sum;
	}

	/**
	 * Stop: end of standard input for the JVM servers, then SIGTERM, then SIGKILL, each
	 * given a few seconds.
	 */
	@Override
	public void close() {
		try {
			this.process.getOutputStream().close();
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroy();
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
		}
		catch (IOException ex) {
			this.process.destroyForcibly();
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		Children.unregister(this.process);
	}

	private @Nullable String nextLine(int seconds) throws IOException {
		try {
			String line = this.lines.poll(seconds, TimeUnit.SECONDS);
			return (line == null || line.equals(EOF)) ? null : line;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	private void readStdout() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.US_ASCII))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
		this.lines.add(EOF);
	}

	/** @return the first exception line of a log, e.g. {@code UnsupportedOperationException: ...} */
	private static String cause(Path log) {
		try {
			return Files.readAllLines(log)
				.stream()
				.filter((line) -> line.contains("Exception") || line.contains("Error"))
				.findFirst()
				.map(String::trim)
				.orElse("no answer");
		}
		catch (IOException ex) {
			return "no answer";
		}
	}

}
