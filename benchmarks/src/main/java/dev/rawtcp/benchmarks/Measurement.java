package dev.rawtcp.benchmarks;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One scenario run against one server in one round.
 *
 * @param round the round, from 1
 * @param server the server
 * @param scenario the scenario
 * @param values the load generator's result, plus {@code heap_per_conn} and {@code rss_per_conn} for idle
 * @param failure why the run does not count, or {@code null}
 */
record Measurement(int round, ServerKind server, Scenario scenario, Map<String, String> values,
		@Nullable String failure) {

	boolean ok() {
		return this.failure == null;
	}

	double value(String key) {
		String value = this.values.get(key);
		return (value != null) ? Double.parseDouble(value) : Double.NaN;
	}

	/** @return the compared number: round trips, connections or MB per second */
	double throughput() {
		return value(this.scenario.metric());
	}

	/** @return the compared number per second of server CPU time (utime + stime) */
	double perServerCpuSecond() {
		double cpu = value("server_cpu_s");
		return (cpu > 0) ? throughput() * value("secs") / cpu : Double.NaN;
	}

	/**
	 * The compared number per second of server and load-generator CPU time together. On loopback
	 * the receive path of a segment runs in the sender's system call and a sleeping receiver is
	 * woken by the sender, so how a server spends its idle time moves kernel work between its CPU
	 * and the load generator's; this sum is the same whichever side does it.
	 * @return throughput per CPU second of both processes
	 */
	double perCpuSecondOfBoth() {
		double cpu = value("server_cpu_s") + value("client_cpu_s");
		return (cpu > 0) ? throughput() * value("secs") / cpu : Double.NaN;
	}

	/** @return server CPU time over wall time, 1.0 = one core busy */
	double serverCpuShare() {
		return value("server_cpu_s") / value("secs");
	}

	/** @return load generator CPU time over wall time */
	double clientCpuShare() {
		return value("client_cpu_s") / value("secs");
	}

}
