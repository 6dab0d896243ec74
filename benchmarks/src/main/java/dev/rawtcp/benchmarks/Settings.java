package dev.rawtcp.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The harness's options, from {@code --key=value} arguments.
 *
 * @param quick one short round, to smoke-test the harness
 * @param rounds rounds of every server in turn
 * @param warmup seconds of load before each measured window
 * @param duration seconds of each measured window
 * @param serverWarmup seconds of load after each server start, before the first scenario
 * @param idleConnections connections held in the idle scenario
 * @param threads event-loop threads of every server
 * @param serverCpus CPUs the servers are pinned to
 * @param clientCpus CPUs the load generator is pinned to
 * @param servers the servers, in the order they take turns
 * @param scenarios the scenarios, in the order they run
 * @param strace whether to count syscalls per message with {@code strace -c -f}
 * @param straceMessages round trips counted under strace
 * @param jvmFlags flags given to every server JVM
 */
record Settings(boolean quick, int rounds, double warmup, double duration, double serverWarmup, int idleConnections,
		int threads, String serverCpus, String clientCpus, List<ServerKind> servers, List<Scenario> scenarios,
		boolean strace, int straceMessages, List<String> jvmFlags) {

	static final String USAGE = """
			usage: benchmarks/run.sh [--quick] [--rounds=3] [--duration=3] [--warmup=1] [--idle-connections=10000]
			         [--threads=1] [--server-cpus=1] [--client-cpus=0] [--no-strace] [--strace-messages=10000]
			         [--servers=netty-epoll,rawtcp-epoll,...] [--scenarios=pingpong-1-64,...] [--jvm-flags=-Xmx512m,-XX:+UseG1GC,...]
			       benchmarks/run.sh --report=target/bench/<run>   (tables of an earlier run again, from its raw.csv)
			servers:   %s
			scenarios: %s
			""";

	static Settings parse(String[] args) {
		boolean quick = Arrays.asList(args).contains("--quick");
		int rounds = quick ? 1 : 3;
		double warmup = quick ? 0.2 : 1;
		double duration = quick ? 0.5 : 3;
		double serverWarmup = quick ? 0.5 : 2;
		int idle = quick ? 1000 : 10_000;
		int threads = 1;
		String serverCpus = "1";
		String clientCpus = "0";
		List<ServerKind> servers = ServerKind.defaults();
		List<Scenario> scenarios = List.of(Scenario.values());
		boolean strace = true;
		int straceMessages = quick ? 2000 : 10_000;
		List<String> jvmFlags = defaultJvmFlags();
		for (String arg : args) {
			if (arg.isBlank() || arg.equals("--quick")) {
				continue;
			}
			if (arg.equals("--no-strace")) {
				strace = false;
				continue;
			}
			if (arg.equals("--help") || arg.equals("-h")) {
				throw new IllegalArgumentException("");
			}
			int eq = arg.indexOf('=');
			if (!arg.startsWith("--") || eq < 0) {
				throw new IllegalArgumentException("Unknown argument '" + arg + "'");
			}
			String key = arg.substring(2, eq);
			String value = arg.substring(eq + 1);
			switch (key) {
				case "rounds" -> rounds = Integer.parseInt(value);
				case "warmup" -> warmup = Double.parseDouble(value);
				case "duration" -> duration = Double.parseDouble(value);
				case "server-warmup" -> serverWarmup = Double.parseDouble(value);
				case "idle-connections" -> idle = Integer.parseInt(value);
				case "threads" -> threads = Integer.parseInt(value);
				case "server-cpus" -> serverCpus = value;
				case "client-cpus" -> clientCpus = value;
				case "strace-messages" -> straceMessages = Integer.parseInt(value);
				case "servers" -> servers = Arrays.stream(value.split(",")).map(ServerKind::of).toList();
				case "scenarios" -> scenarios = Arrays.stream(value.split(",")).map(Scenario::of).toList();
				case "jvm-flags" -> jvmFlags = List.of(value.trim().split(","));
				default -> throw new IllegalArgumentException("Unknown option '--" + key + "'");
			}
		}
		if (rounds < 1 || duration <= 0 || warmup < 0 || threads < 1 || idle < 1) {
			throw new IllegalArgumentException("rounds, duration, threads and idle-connections must be positive");
		}
		return new Settings(quick, rounds, warmup, duration, serverWarmup, idle, threads, serverCpus, clientCpus,
				servers, scenarios, strace, straceMessages, jvmFlags);
	}

	static String usage() {
		return USAGE.formatted(String.join(", ", Arrays.stream(ServerKind.values()).map(ServerKind::label).toList()),
				String.join(", ", Arrays.stream(Scenario.values()).map(Scenario::key).toList()));
	}

	/**
	 * The same flags for every server JVM: a fixed 512 MiB G1 heap, touched at start (so
	 * "heap after GC" is comparable and the RSS growth per connection is native memory only:
	 * direct buffers, stacks, malloc), native access allowed (jnr-ffi and Netty's JNI both need it), and on
	 * JDK 24+ {@code sun.misc.Unsafe} memory access allowed, which Netty and jffi use.
	 * @return the flags
	 */
	static List<String> defaultJvmFlags() {
		List<String> flags = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC",
				"-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED"));
		if (Runtime.version().feature() >= 24) {
			flags.add("--sun-misc-unsafe-memory-access=allow");
		}
		return flags;
	}

}
