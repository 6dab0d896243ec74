package dev.rawtcp.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to find the metric names and label matchers of an expression
 * (Grafana's {@code $variables} and {@code label_values(..)} included).
 */
final class PromQl {

	private static final Pattern LABEL_VALUES = Pattern
		.compile("label_values\\(\\s*(?:([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(?:\\{[^}]*})?\\s*,)?\\s*[a-zA-Z_]\\w*\\s*\\)");

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

	private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*+)\\s*\\{([^}]*)}");

	private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "by", "without", "on",
			"ignoring", "group_left", "group_right", "offset", "inf", "nan", "Inf", "NaN");

	private PromQl() {
	}

	/**
	 * The metric names an expression selects.
	 * @param expression a PromQL expression, possibly with Grafana variables
	 * @return the names
	 */
	static Set<String> metricNames(String expression) {
		String text = LABEL_VALUES.matcher(expression).replaceAll((match) -> (match.group(1) != null) ? match.group(1) : " ");
		text = STRING.matcher(text).replaceAll("\"\"");
		text = text.replaceAll("\\{[^}]*}", " ");
		text = text.replaceAll("\\[[^\\]]*]", " ");
		text = GROUPING.matcher(text).replaceAll(" ");
		text = text.replaceAll("\\boffset\\s+-?\\w+", " ");
		text = text.replaceAll("\\$\\{?\\w+}?", " ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(text);
		while (matcher.find()) {
			if (!KEYWORDS.contains(matcher.group(1))) {
				names.add(matcher.group(1));
			}
		}
		return names;
	}

	/**
	 * The label names matched in each selector of an expression, by metric name.
	 * @param expression a PromQL expression
	 * @return the matched label names of each metric that has a {@code {..}} selector
	 */
	static Map<String, Set<String>> matchedLabels(String expression) {
		Map<String, Set<String>> labels = new LinkedHashMap<>();
		Matcher selector = SELECTOR.matcher(STRING.matcher(expression).replaceAll("\"\""));
		while (selector.find()) {
			Set<String> names = labels.computeIfAbsent(selector.group(1), (name) -> new TreeSet<>());
			Matcher matcher = MATCHER.matcher(selector.group(2));
			while (matcher.find()) {
				names.add(matcher.group(1));
			}
		}
		return labels;
	}

}
