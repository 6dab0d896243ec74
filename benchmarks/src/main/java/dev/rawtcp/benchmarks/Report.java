package dev.rawtcp.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

/**
 * Medians per scenario and server, ratios between servers, memory per idle connection,
 * syscalls per message: the Markdown tables of {@code docs/performance.md}.
 */
final class Report {

	/** The comparisons the targets are set on: numerator, denominator. */
	static final List<ServerKind[]> COMPARISONS = List.of(
			new ServerKind[] { ServerKind.RAWTCP_EPOLL, ServerKind.NETTY_EPOLL },
			new ServerKind[] { ServerKind.RAWTCP_NIO, ServerKind.NETTY_NIO },
			new ServerKind[] { ServerKind.RAWTCP_EPOLL_TPC, ServerKind.RAWTCP_EPOLL },
			new ServerKind[] { ServerKind.RAWTCP_NIO_TPC, ServerKind.RAWTCP_NIO },
			new ServerKind[] { ServerKind.NETTY_EPOLL, ServerKind.C_EPOLL });

	private final List<Measurement> measurements;

	private final List<ServerKind> servers;

	private final List<Scenario> scenarios;

	private final Map<ServerKind, String> unavailable;

	Report(List<Measurement> measurements, List<ServerKind> servers, List<Scenario> scenarios,
			Map<ServerKind, String> unavailable) {
		this.measurements = measurements;
		this.servers = servers;
		this.scenarios = scenarios;
		this.unavailable = unavailable;
	}

	String render() {
		StringBuilder out = new StringBuilder();
		List<Scenario> load = this.scenarios.stream().filter((s) -> s != Scenario.IDLE).toList();
		if (!load.isEmpty()) {
			out.append("### Throughput (median of rounds)\n\n");
			table(out, load, (s, k) -> cell(s, k, Measurement::throughput, "%.0f", s.unit()));
			out.append("\n### Throughput per second of server CPU (utime+stime; median)\n\n");
			table(out, load, (s, k) -> cell(s, k, Measurement::perServerCpuSecond, "%.0f", s.unit().replace("/s", "")));
			out.append("\n### CPU busy during the window: server / load generator (median, 1.00 = one core)\n\n");
			table(out, load, (s, k) -> {
				String server = cell(s, k, Measurement::serverCpuShare, "%.2f", "");
				String client = cell(s, k, Measurement::clientCpuShare, "%.2f", "");
				return server.equals(client) && server.startsWith("pending") ? server : server + " / " + client;
			});
			List<Scenario> timed = load.stream().filter(Scenario::hasLatency).toList();
			out.append("\n### Latency p50 / p99 in µs (median of rounds)\n\n");
			table(out, timed, (s, k) -> {
				String p50 = cell(s, k, (m) -> m.value("p50_us"), "%.0f", "");
				String p99 = cell(s, k, (m) -> m.value("p99_us"), "%.0f", "");
				return p50.startsWith("pending") || p50.startsWith("FAIL") ? p50 : p50 + " / " + p99;
			});
			ratios(out, load);
		}
		if (this.scenarios.contains(Scenario.IDLE)) {
			out.append("\n### Idle connections: memory per connection (median of rounds)\n\n");
			idle(out);
		}
		List<String> failures = this.measurements.stream()
			.filter((m) -> !m.ok())
			.map((m) -> "- round " + m.round() + ", " + m.server().label() + ", " + m.scenario().key() + ": "
					+ m.failure())
			.toList();
		if (!failures.isEmpty()) {
			out.append("\n### Failed runs (not in the medians)\n\n").append(String.join("\n", failures)).append('\n');
		}
		if (!this.unavailable.isEmpty()) {
			out.append("\n### Servers that did not start (rows pending)\n\n");
			this.unavailable.forEach((k, why) -> out.append("- ").append(k.label()).append(": ").append(why).append('\n'));
		}
		return out.toString();
	}

	private void table(StringBuilder out, List<Scenario> rows, Cell cell) {
		out.append("| scenario |");
		this.servers.forEach((k) -> out.append(' ').append(k.label()).append(" |"));
		out.append("\n|---|");
		this.servers.forEach((k) -> out.append("---:|"));
		out.append('\n');
		for (Scenario scenario : rows) {
			out.append("| ").append(scenario.title()).append(" |");
			for (ServerKind server : this.servers) {
				out.append(' ').append(cell.render(scenario, server)).append(" |");
			}
			out.append('\n');
		}
	}

	private String cell(Scenario scenario, ServerKind server, ToDoubleFunction<Measurement> value, String format,
			String unit) {
		if (this.unavailable.containsKey(server)) {
			return "pending";
		}
		List<Measurement> runs = runs(scenario, server);
		if (runs.isEmpty()) {
			long failed = this.measurements.stream()
				.filter((m) -> m.scenario() == scenario && m.server() == server)
				.count();
			return (failed > 0) ? "FAIL" : "–";
		}
		double median = median(runs.stream().mapToDouble(value).toArray());
		return (Double.isNaN(median) ? "n/a" : String.format(Locale.ROOT, format, median))
				+ (unit.isEmpty() ? "" : " " + unit);
	}

	private void ratios(StringBuilder out, List<Scenario> rows) {
		List<ServerKind[]> pairs = COMPARISONS.stream()
			.filter((p) -> this.servers.contains(p[0]) && this.servers.contains(p[1]))
			.toList();
		if (pairs.isEmpty()) {
			return;
		}
		out.append("\n### Ratios (median of per-round ratios): throughput, and in brackets per second of server CPU\n\n");
		ratioTable(out, rows, pairs, (scenario, pair) -> {
			double ratio = ratio(scenario, pair[0], pair[1], Measurement::throughput);
			double perCpu = ratio(scenario, pair[0], pair[1], Measurement::perServerCpuSecond);
			return Double.isNaN(ratio) ? "pending" : String.format(Locale.ROOT, "%.2f (%.2f)", ratio, perCpu);
		});
		out.append("\n### Ratios per second of server and load-generator CPU together (median of per-round ratios)\n\n");
		ratioTable(out, rows, pairs, (scenario, pair) -> {
			double ratio = ratio(scenario, pair[0], pair[1], Measurement::perCpuSecondOfBoth);
			return Double.isNaN(ratio) ? "pending" : String.format(Locale.ROOT, "%.2f", ratio);
		});
	}

	private void ratioTable(StringBuilder out, List<Scenario> rows, List<ServerKind[]> pairs,
			BiFunction<Scenario, ServerKind[], String> cell) {
		out.append("| scenario |");
		pairs.forEach((p) -> out.append(' ').append(p[0].label()).append(" / ").append(p[1].label()).append(" |"));
		out.append("\n|---|");
		pairs.forEach((p) -> out.append("---:|"));
		out.append('\n');
		for (Scenario scenario : rows) {
			out.append("| ").append(scenario.title()).append(" |");
			for (ServerKind[] pair : pairs) {
				out.append(' ').append(cell.apply(scenario, pair)).append(" |");
			}
			out.append('\n');
		}
	}

	/**
	 * Median over the rounds in which both ran of {@code value(a) / value(b)}.
	 */
	double ratio(Scenario scenario, ServerKind a, ServerKind b, ToDoubleFunction<Measurement> value) {
		Map<Integer, Measurement> byRound = new LinkedHashMap<>();
		runs(scenario, b).forEach((m) -> byRound.put(m.round(), m));
		List<Double> ratios = new ArrayList<>();
		for (Measurement m : runs(scenario, a)) {
			Measurement other = byRound.get(m.round());
			if (other != null) {
				ratios.add(value.applyAsDouble(m) / value.applyAsDouble(other));
			}
		}
		return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
	}

	private void idle(StringBuilder out) {
		out.append("| server | connections | heap after GC per connection | RSS per connection | connect+echo rate |\n");
		out.append("|---|---:|---:|---:|---:|\n");
		for (ServerKind server : this.servers) {
			out.append("| ").append(server.label()).append(" | ");
			if (this.unavailable.containsKey(server)) {
				out.append("pending | | | |\n");
				continue;
			}
			out.append(cell(Scenario.IDLE, server, (m) -> m.value("ops"), "%.0f", ""))
				.append(" | ")
				.append(server.isJava() ? cell(Scenario.IDLE, server, (m) -> m.value("heap_per_conn"), "%.0f", "B")
						: "no heap")
				.append(" | ")
				.append(cell(Scenario.IDLE, server, (m) -> m.value("rss_per_conn"), "%.0f", "B"))
				.append(" | ")
				.append(cell(Scenario.IDLE, server, (m) -> m.value("ops_per_s"), "%.0f", "conn/s"))
				.append(" |\n");
		}
	}

	private List<Measurement> runs(Scenario scenario, ServerKind server) {
		return this.measurements.stream()
			.filter((m) -> m.ok() && m.scenario() == scenario && m.server() == server)
			.toList();
	}

	/**
	 * The raw measurements, one line each.
	 * @return CSV text
	 */
	String csv() {
		List<String> keys = List.of("secs", "ops", "ops_per_s", "mb_per_s", "p50_us", "p99_us", "errors",
				"bytes_verified", "client_cpu_s", "server_cpu_s", "heap_per_conn", "rss_per_conn");
		StringBuilder out = new StringBuilder("round,server,scenario,").append(String.join(",", keys))
			.append(",failure\n");
		for (Measurement m : this.measurements) {
			out.append(m.round()).append(',').append(m.server().label()).append(',').append(m.scenario().key());
			for (String key : keys) {
				out.append(',').append(m.values().getOrDefault(key, ""));
			}
			out.append(',').append((m.failure() != null) ? '"' + m.failure().replace('"', '\'') + '"' : "")
				.append('\n');
		}
		return out.toString();
	}

	/**
	 * Read back what {@link #csv()} wrote.
	 * @param csv the CSV text
	 * @return the measurements, failed ones included
	 */
	static List<Measurement> parse(String csv) {
		List<String> keys = null;
		List<Measurement> measurements = new ArrayList<>();
		for (String line : csv.split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			if (keys == null) {
				String[] header = line.split(",");
				keys = List.of(header).subList(3, header.length - 1);
				continue;
			}
			// the failure, last, is the only field that may hold commas
			String[] fields = line.split(",", keys.size() + 4);
			Map<String, String> values = new LinkedHashMap<>();
			for (int i = 0; i < keys.size(); i++) {
				if (!fields[3 + i].isEmpty()) {
					values.put(keys.get(i), fields[3 + i]);
				}
			}
			String failure = (fields.length > keys.size() + 3) ? fields[keys.size() + 3] : "";
			measurements.add(new Measurement(Integer.parseInt(fields[0]), ServerKind.of(fields[1]),
					Scenario.of(fields[2]), values, failure.isEmpty() ? null : failure.replace("\"", "")));
		}
		return measurements;
	}

	static double median(double[] values) {
		double[] sorted = Arrays.stream(values).filter((v) -> !Double.isNaN(v)).sorted().toArray();
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int mid = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

	/**
	 * Renders one table cell.
	 */
	@FunctionalInterface
	private interface Cell {

		String render(Scenario scenario, ServerKind server);

	}

}
