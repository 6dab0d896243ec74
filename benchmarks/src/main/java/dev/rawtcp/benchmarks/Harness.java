package dev.rawtcp.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Runs every scenario against every server in turn (A B A B …, for several rounds), with
 * the servers pinned to one set of CPUs and the load generator to another, and prints the
 * medians, the ratios, memory per idle connection and syscalls per message as Markdown.
 * <p>
 * Started by {@code benchmarks/run.sh}, from the {@code benchmarks} directory, with the
 * module's runtime classpath (which the servers are started with too).
 */
public final class Harness {

	private final Settings settings;

	private final Path work;

	private final Path bin;

	private final List<Measurement> measurements = new ArrayList<>();

	private final Map<ServerKind, String> unavailable = new LinkedHashMap<>();

	/** Whether the server running now has had its churn and streaming warm-up. */
	private boolean warmedUp;

	private final String java = ProcessHandle.current().info().command().orElse("java");

	private Harness(Settings settings, Path work) {
		this.settings = settings;
		this.work = work;
		this.bin = work.resolve("bin");
	}

	/**
	 * Run the benchmarks.
	 * @param args see {@link Settings#usage()}
	 * @throws Exception if the harness itself fails
	 */
	public static void main(String[] args) throws Exception {
		if (Arrays.stream(args).anyMatch((arg) -> arg.startsWith("--report="))) {
			if (args.length != 1) {
				System.err.println("--report=<run> prints an earlier run's tables and takes no other option");
				System.exit(2);
				return;
			}
			System.exit(rerender(Path.of(args[0].substring("--report=".length()))));
			return;
		}
		Settings settings;
		try {
			settings = Settings.parse(args);
		}
		catch (IllegalArgumentException ex) {
			boolean help = ex.getMessage().isEmpty();
			if (!help) {
				System.err.println(ex.getMessage());
			}
			(help ? System.out : System.err).print(Settings.usage());
			System.exit(help ? 0 : 2);
			return;
		}
		Path work = Path.of("target", "bench", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		Files.createDirectories(work.resolve("logs"));
		Files.createDirectories(work.resolve("bin"));
		int exit = new Harness(settings, work.toAbsolutePath()).run();
		System.exit(exit);
	}

	/**
	 * Print the tables of an earlier run again, from its {@code raw.csv}: the tables this
	 * version of the report has, over the measurements of that run.
	 */
	private static int rerender(Path run) throws IOException {
		Path csv = run.resolve("raw.csv");
		if (!Files.isRegularFile(csv)) {
			System.err.println("No raw.csv in " + run.toAbsolutePath());
			return 2;
		}
		List<Measurement> measurements;
		try {
			measurements = Report.parse(Files.readString(csv));
		}
		catch (RuntimeException ex) {
			System.err.println(csv.toAbsolutePath() + " is not a raw.csv this harness wrote: " + ex.getMessage());
			return 2;
		}
		List<ServerKind> servers = Arrays.stream(ServerKind.values())
			.filter((k) -> measurements.stream().anyMatch((m) -> m.server() == k))
			.toList();
		List<Scenario> scenarios = Arrays.stream(Scenario.values())
			.filter((s) -> measurements.stream().anyMatch((m) -> m.scenario() == s))
			.toList();
		System.out.println("Tables of " + run.toAbsolutePath() + ", from its raw.csv (syscall counts are only in its results.md)\n");
		System.out.print(new Report(measurements, servers, scenarios, Map.of()).render());
		return 0;
	}

	private int run() throws IOException, InterruptedException {
		compile("loadgen", "loadgen.c");
		compile("echo", "echo.c", "-pthread");
		String header = environment();
		progress("%s", header);
		LoadGenerator load = new LoadGenerator(this.bin.resolve("loadgen"), pin(this.settings.clientCpus()));
		long started = System.nanoTime();
		for (int round = 1; round <= this.settings.rounds(); round++) {
			for (ServerKind server : this.settings.servers()) {
				if (!this.unavailable.containsKey(server)) {
					runServer(round, server, load);
				}
			}
		}
		Map<ServerKind, SyscallCounter.Counts> syscalls = countSyscalls(load);
		Report report = new Report(this.measurements, this.settings.servers(), this.settings.scenarios(),
				this.unavailable);
		StringBuilder text = new StringBuilder(header).append('\n').append(report.render());
		if (!syscalls.isEmpty()) {
			text.append("\n### Syscalls per 64-byte round trip, one connection (strace -c -f, every server thread)\n\n")
				.append("| server | syscalls per message | breakdown (per message) | context switches per message |\n")
				.append("|---|---:|---|---:|\n");
			syscalls.forEach((server, counts) -> text.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %.2f |%n",
					server.label(), counts.total(), counts.breakdown(), counts.contextSwitches())));
		}
		text.append(String.format(Locale.ROOT, "%nTotal time: %.1f min; load average at the end: %s%n",
				(System.nanoTime() - started) / 60e9, loadAverage()));
		Files.writeString(this.work.resolve("results.md"), text);
		Files.writeString(this.work.resolve("raw.csv"), report.csv());
		System.out.println(text);
		System.out.println("\nResults: " + this.work.resolve("results.md") + " and raw.csv; server logs in "
				+ this.work.resolve("logs"));
		boolean failed = this.measurements.stream().anyMatch((m) -> !m.ok());
		return failed ? 1 : 0;
	}

	private void runServer(int round, ServerKind server, LoadGenerator load) throws InterruptedException {
		Path log = this.work.resolve("logs").resolve(server.label() + "-round" + round + ".log");
		ServerProcess process;
		try {
			process = start(server, log);
		}
		catch (IOException ex) {
			if (round == 1) {
				this.unavailable.put(server, firstLine(ex.getMessage()));
				progress("%s: did not start, skipped in every round: %s", server.label(), ex.getMessage());
			}
			else {
				progress("%s: did not start in round %d: %s", server.label(), round, ex.getMessage());
				for (Scenario scenario : this.settings.scenarios()) {
					this.measurements.add(new Measurement(round, server, scenario, Map.of(), "did not start"));
				}
			}
			return;
		}
		try (process) {
			progress("round %d, %s (pid %d, port %d)", round, server.label(), process.pid(), process.port());
			warmUp(process, load, false);
			for (Scenario scenario : inRunOrder(this.settings.scenarios())) {
				if (scenario != Scenario.IDLE && !this.warmedUp) {
					warmUp(process, load, true);
				}
				Measurement measurement = measure(round, server, scenario, process, load);
				this.measurements.add(measurement);
				progress("  %-32s %s", scenario.title(), summary(measurement));
				if (!process.isAlive()) {
					progress("  %s died; see %s", server.label(), log);
					break;
				}
			}
		}
		catch (IOException ex) {
			progress("  %s: warm-up failed: %s", server.label(), ex.getMessage());
			for (Scenario scenario : this.settings.scenarios()) {
				this.measurements.add(new Measurement(round, server, scenario, Map.of(), "warm-up failed: "
						+ firstLine(ex.getMessage())));
			}
		}
	}

	private Measurement measure(int round, ServerKind server, Scenario scenario, ServerProcess process,
			LoadGenerator load) {
		try {
			Map<String, String> values = (scenario == Scenario.IDLE) ? idle(process, load)
					: load.run(process, loadArguments(scenario),
							this.settings.warmup() + this.settings.duration() + 60);
			String errors = values.getOrDefault("errors", "?");
			String failure = errors.equals("0") ? null : errors + " errors (see " + process.log().getFileName() + ")";
			return new Measurement(round, server, scenario, values, failure);
		}
		catch (IOException | RuntimeException ex) {
			return new Measurement(round, server, scenario, Map.of(), firstLine(String.valueOf(ex.getMessage())));
		}
	}

	/**
	 * Exercise each kind of load after a start, so the JIT has compiled every path before
	 * anything is measured: a thread-per-connection server measured on churn right after a
	 * ping-pong warm-up was still a third slower in its first 3 s than afterwards. Ping-pong
	 * comes first; churn and streaming only after the idle scenario, because the buffers
	 * they free stay resident and the idle connections would reuse them unseen.
	 */
	private void warmUp(ServerProcess process, LoadGenerator load, boolean churnAndStream) throws IOException {
		String seconds = Double.toString(this.settings.serverWarmup());
		double timeout = this.settings.serverWarmup() + 60;
		this.warmedUp = churnAndStream;
		if (!churnAndStream) {
			load.run(process, List.of("--scenario", "pingpong", "--conns", "64", "--size", "64", "--warmup", "0",
					"--duration", seconds), timeout);
			return;
		}
		load.run(process, List.of("--scenario", "churn", "--concurrency", "16", "--size", "64", "--warmup", "0",
				"--duration", seconds), timeout);
		load.run(process, List.of("--scenario", "stream", "--conns", "8", "--size", "16384", "--warmup", "0",
				"--duration", Double.toString(this.settings.serverWarmup() / 2)), timeout);
	}

	/**
	 * Idle first, right after the warm-up: memory freed by earlier scenarios stays resident
	 * (malloc keeps it, pooled allocators keep it), and would be reused by the idle
	 * connections without growing RSS.
	 */
	private static List<Scenario> inRunOrder(List<Scenario> scenarios) {
		List<Scenario> ordered = new ArrayList<>(scenarios);
		if (ordered.remove(Scenario.IDLE)) {
			ordered.add(0, Scenario.IDLE);
		}
		return ordered;
	}

	private List<String> loadArguments(Scenario scenario) {
		List<String> arguments = new ArrayList<>(scenario.arguments());
		arguments.addAll(List.of("--warmup", Double.toString(this.settings.warmup()), "--duration",
				Double.toString(this.settings.duration())));
		return arguments;
	}

	/**
	 * Heap after GC and RSS before and while {@code idleConnections} connections are open,
	 * each having echoed 64 bytes once; the difference per connection.
	 */
	private Map<String, String> idle(ServerProcess server, LoadGenerator load) throws IOException {
		long heapBefore = server.heapAfterGc();
		long rssBefore = server.rss();
		long[] after = new long[2];
		List<String> arguments = new ArrayList<>(Scenario.IDLE.arguments());
		arguments.addAll(List.of("--conns", Integer.toString(this.settings.idleConnections()), "--size", "64",
				"--hold", "300"));
		Map<String, String> values = new LinkedHashMap<>(load.runHolding(server, arguments, () -> {
			sleep(1000);
			after[0] = server.heapAfterGc();
			after[1] = server.rss();
		}));
		double connections = Double.parseDouble(values.getOrDefault("ops", "0"));
		if (connections > 0) {
			if (heapBefore >= 0) {
				values.put("heap_per_conn", Long.toString(Math.round((after[0] - heapBefore) / connections)));
			}
			values.put("rss_per_conn", Long.toString(Math.round((after[1] - rssBefore) / connections)));
		}
		if (connections < this.settings.idleConnections() && "0".equals(values.get("errors"))) {
			values.put("errors", "1");
		}
		return values;
	}

	private Map<ServerKind, SyscallCounter.Counts> countSyscalls(LoadGenerator load) throws InterruptedException {
		Map<ServerKind, SyscallCounter.Counts> counts = new LinkedHashMap<>();
		if (!this.settings.strace()) {
			return counts;
		}
		if (!SyscallCounter.available()) {
			progress("strace is not installed: syscalls per message skipped (apt-get install strace)");
			return counts;
		}
		for (ServerKind server : this.settings.servers()) {
			if (this.unavailable.containsKey(server)) {
				continue;
			}
			Path log = this.work.resolve("logs").resolve(server.label() + "-strace.log");
			try (ServerProcess process = start(server, log)) {
				load.run(process, List.of("--scenario", "pingpong", "--conns", "1", "--size", "64", "--warmup", "0",
						"--duration", Double.toString(this.settings.serverWarmup())), this.settings.serverWarmup() + 60);
				SyscallCounter.Counts count = SyscallCounter.count(process, load, this.settings.straceMessages(),
						this.work.resolve("logs").resolve(server.label() + "-strace.txt"));
				counts.put(server, count);
				progress("strace %s: %.2f syscalls per message (%s), %.2f context switches per message",
						server.label(), count.total(), count.breakdown(), count.contextSwitches());
			}
			catch (IOException ex) {
				progress("strace %s failed: %s", server.label(), ex.getMessage());
			}
		}
		return counts;
	}

	private ServerProcess start(ServerKind server, Path log) throws IOException {
		List<String> command = server.command(this.java, this.settings.jvmFlags(), this.settings.threads(), this.bin);
		Files.writeString(log, String.join(" ", command) + "\n");
		return ServerProcess.start(server, command, pin(this.settings.serverCpus()), log);
	}

	private void compile(String name, String source, String... flags) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", this.bin.resolve(name).toString(),
				Path.of("src", "main", "c", source).toString()));
		command.addAll(List.of(flags));
		Process gcc = new ProcessBuilder(command).inheritIO().start();
		if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
			throw new IOException("gcc failed: " + String.join(" ", command));
		}
	}

	private String environment() throws IOException, InterruptedException {
		String cpu = Files.readAllLines(Path.of("/proc/cpuinfo"))
			.stream()
			.filter((l) -> l.startsWith("model name"))
			.findFirst()
			.map((l) -> l.substring(l.indexOf(':') + 1).trim())
			.orElse("?");
		return String.format(Locale.ROOT, """
				## Run of %s

				- machine: %d CPUs (%s), kernel %s, %s
				- JDK: %s (%s); JVM flags of every server: %s
				- event-loop threads per server: %d; servers pinned to CPU %s, load generator to CPU %s
				- %d round(s); each scenario: %.1f s warm-up, %.1f s measured; %d idle connections; gcc %s
				- load average at the start (1/5/15 min): %s
				""", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16),
				Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("os.version"), memory(),
				Runtime.version(), System.getProperty("java.vm.name"), String.join(" ", this.settings.jvmFlags()),
				this.settings.threads(), this.settings.serverCpus(), this.settings.clientCpus(), this.settings.rounds(),
				this.settings.warmup(), this.settings.duration(), this.settings.idleConnections(), gccVersion(),
				loadAverage());
	}

	/** @return the 1, 5 and 15 minute load averages: the machine is shared, so say how busy it was */
	private static String loadAverage() throws IOException {
		String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
		return parts[0] + " / " + parts[1] + " / " + parts[2];
	}

	private static String memory() throws IOException {
		return Files.readAllLines(Path.of("/proc/meminfo"))
			.stream()
			.filter((l) -> l.startsWith("MemTotal"))
			.findFirst()
			.map((l) -> (Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024) + " GiB RAM")
			.orElse("?");
	}

	private static String gccVersion() throws IOException, InterruptedException {
		Process gcc = new ProcessBuilder("gcc", "-dumpfullversion").redirectErrorStream(true).start();
		String version = new String(gcc.getInputStream().readAllBytes()).trim();
		gcc.waitFor(10, TimeUnit.SECONDS);
		return version;
	}

	private static @Nullable String pin(String cpus) {
		return (Runtime.getRuntime().availableProcessors() > 1 && taskset()) ? cpus : null;
	}

	private static boolean taskset() {
		return Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset"));
	}

	private static String summary(Measurement m) {
		if (!m.ok()) {
			return "FAILED: " + m.failure();
		}
		if (m.scenario() == Scenario.IDLE) {
			return String.format(Locale.ROOT, "%s conns, heap %s B/conn, RSS %s B/conn", m.values().get("ops"),
					m.values().getOrDefault("heap_per_conn", "-"), m.values().getOrDefault("rss_per_conn", "-"));
		}
		return String.format(Locale.ROOT, "%10.0f %-6s p50 %6.0f µs p99 %6.0f µs  server cpu %.2f client cpu %.2f",
				m.throughput(), m.scenario().unit(), m.value("p50_us"), m.value("p99_us"), m.serverCpuShare(),
				m.clientCpuShare());
	}

	private static void sleep(long millis) throws IOException {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	private static String firstLine(String text) {
		int newline = text.indexOf('\n');
		return (newline < 0) ? text : text.substring(0, newline);
	}

	private static void progress(String format, Object... args) {
		System.err.println(String.format(Locale.ROOT, format, args));
	}

}
