package dev.rawtcp.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text-format scrape.
 */
final class PrometheusScrape {

	private static final Pattern SAMPLE = Pattern
		.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final List<Sample> samples;

	private PrometheusScrape(List<Sample> samples) {
		this.samples = samples;
	}

	static PrometheusScrape parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			Matcher matcher = SAMPLE.matcher(line.strip());
			if (!matcher.matches()) {
				throw new IllegalArgumentException("Not a sample line: " + line);
			}
			Map<String, String> labels = new LinkedHashMap<>();
			if (matcher.group(2) != null) {
				Matcher label = LABEL.matcher(matcher.group(2));
				while (label.find()) {
					labels.put(label.group(1), label.group(2));
				}
			}
			samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
		}
		return new PrometheusScrape(samples);
	}

	/** @return every metric name in the scrape */
	Set<String> names() {
		Set<String> names = new TreeSet<>();
		this.samples.forEach((sample) -> names.add(sample.name()));
		return names;
	}

	/**
	 * The label names carried by a metric's samples.
	 * @param name the metric name
	 * @return the label names, empty if the metric is absent
	 */
	Set<String> labelNames(String name) {
		Set<String> labels = new TreeSet<>();
		this.samples.stream().filter((sample) -> sample.name().equals(name)).forEach((sample) -> labels.addAll(sample.labels().keySet()));
		return labels;
	}

	/**
	 * The sum of the samples of a metric whose labels include the given ones.
	 * @param name the metric name
	 * @param labels labels the samples must carry
	 * @return the sum, 0 when no sample matches
	 */
	double sum(String name, Map<String, String> labels) {
		return this.samples.stream()
			.filter((sample) -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
			.mapToDouble(Sample::value)
			.sum();
	}

	/**
	 * Whether some sample of a metric carries the given labels.
	 * @param name the metric name
	 * @param labels labels the sample must carry
	 * @return whether one does
	 */
	boolean has(String name, Map<String, String> labels) {
		return this.samples.stream()
			.anyMatch((sample) -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()));
	}

	record Sample(String name, Map<String, String> labels, double value) {
	}

}
