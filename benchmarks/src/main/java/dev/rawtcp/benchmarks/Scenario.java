package dev.rawtcp.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A load the generator puts on every server, with the arguments it is given and the
 * number that is compared.
 */
enum Scenario {

	PINGPONG_1_64("pingpong 1 conn 64 B", "rt/s", "pingpong", "--conns", "1", "--size", "64"),

	PINGPONG_1_1K("pingpong 1 conn 1 KiB", "rt/s", "pingpong", "--conns", "1", "--size", "1024"),

	PINGPONG_64_64("pingpong 64 conns 64 B", "rt/s", "pingpong", "--conns", "64", "--size", "64"),

	PINGPONG_64_1K("pingpong 64 conns 1 KiB", "rt/s", "pingpong", "--conns", "64", "--size", "1024"),

	PINGPONG_256_64("pingpong 256 conns 64 B", "rt/s", "pingpong", "--conns", "256", "--size", "64"),

	PINGPONG_256_1K("pingpong 256 conns 1 KiB", "rt/s", "pingpong", "--conns", "256", "--size", "1024"),

	STREAM_8_16K("stream 8 conns 16 KiB chunks", "MB/s", "stream", "--conns", "8", "--size", "16384"),

	CHURN_64("churn 16 at a time, 64 B echo", "conn/s", "churn", "--concurrency", "16", "--size", "64"),

	IDLE("idle connections", "B/conn", "idle");

	private final String title;

	private final String unit;

	private final List<String> arguments;

	Scenario(String title, String unit, String scenario, String... arguments) {
		this.title = title;
		this.unit = unit;
		List<String> all = new ArrayList<>(List.of("--scenario", scenario));
		all.addAll(List.of(arguments));
		this.arguments = List.copyOf(all);
	}

	/** @return the name used on the command line and in the raw results, e.g. {@code pingpong-1-64} */
	String key() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/** @return a human title */
	String title() {
		return this.title;
	}

	/** @return the unit of the compared number */
	String unit() {
		return this.unit;
	}

	/** @return the load generator's scenario arguments */
	List<String> arguments() {
		return this.arguments;
	}

	/** @return whether round-trip latency is measured */
	boolean hasLatency() {
		return this != STREAM_8_16K && this != IDLE;
	}

	/** @return the key of the compared number in a load generator result: bigger is better */
	String metric() {
		return (this == STREAM_8_16K) ? "mb_per_s" : "ops_per_s";
	}

	/**
	 * @param key a scenario's key, as in {@code --scenarios}
	 * @return the scenario
	 */
	static Scenario of(String key) {
		for (Scenario scenario : values()) {
			if (scenario.key().equals(key)) {
				return scenario;
			}
		}
		throw new IllegalArgumentException("Unknown scenario '" + key + "'");
	}

}
