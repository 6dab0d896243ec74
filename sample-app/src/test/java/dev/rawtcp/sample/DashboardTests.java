package dev.rawtcp.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.rawtcp.epoll.Epoll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docs/dashboard/}: every metric and label that the Grafana dashboards and the alert rules
 * query exists in a real scrape of the sample application after real traffic.
 */
class DashboardTests extends SampleAppTestSupport {

	static final String DASHBOARD = "rawtcp-grafana.json";

	/** What the dashboard must show (issue 7): these metrics must all appear in its queries. */
	private static final Set<String> REQUIRED_IN_DASHBOARD = Set.of("rawtcp_accept_queue_size",
			"rawtcp_accept_queue_limit", "rawtcp_connections_active", "rawtcp_connections_accepted_total",
			"rawtcp_bytes_received_bytes_total", "rawtcp_bytes_sent_bytes_total", "rawtcp_connections_closed_total",
			"rawtcp_handler_errors_total", "rawtcp_accept_errors_total", "rawtcp_listen_overflows_total",
			"rawtcp_listen_drops_total", "rawtcp_listener_state", "rawtcp_frame_errors_total",
			"rawtcp_tls_handshakes_total", "rawtcp_tls_handshake_time_seconds_sum",
			"rawtcp_tls_handshake_time_seconds_count", "rawtcp_tls_reloads_total",
			"rawtcp_proxy_header_errors_total");

	/** Labels Prometheus attaches to every series of a target when it scrapes: never in the scrape itself. */
	private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

	@BeforeAll
	static void kernelMetricsNeedEpoll() {
		// on nio the kernel-only meters are absent by design, so the dashboard's queue panels are empty
		assumeTrue(Epoll.isAvailable(), "epoll unavailable: kernel metrics are not registered");
	}

	@Test
	void shouldExtractMetricNamesAndMatchersFromPromQl() {
		assertThat(PromQl.metricNames("sum by (listener, reason) (rate(rawtcp_connections_closed_total"
				+ "{listener=~\"$listener\"}[$__rate_interval]))")).containsExactly("rawtcp_connections_closed_total");
		assertThat(PromQl.metricNames("max by (listener) (a_size{x=\"}\"} / ignoring(y) b_limit) > 0.8 and on() up"))
			.containsExactly("a_size", "b_limit", "up");
		assertThat(PromQl.metricNames("label_values(rawtcp_connections_active, listener)"))
			.containsExactly("rawtcp_connections_active");
		assertThat(PromQl.metricNames("increase(x_total[5m] offset 1h) > bool 0")).containsExactly("x_total");
		assertThat(PromQl.matchedLabels("rate(a_total{errno!=\"E\", listener=~\"$l\"}[5m]) / b"))
			.isEqualTo(Map.of("a_total", Set.of("errno", "listener")));
	}

	@Test
	void shouldQueryOnlyMetricsAndLabelsThatARealScrapeHas() throws Exception {
		createTraffic();
		PrometheusScrape scrape = scrape();
		Map<String, String> expressions = new TreeMap<>();
		dashboards().forEach((file, dashboard) -> expressions(dashboard)
			.forEach((expression) -> expressions.put(file + ": " + expression, expression)));
		alertExpressions().forEach((expression) -> expressions.put("alert rules: " + expression, expression));
		List<String> problems = new ArrayList<>();
		expressions.forEach((where, expression) -> {
			Set<String> names = PromQl.metricNames(expression);
			if (names.isEmpty()) {
				problems.add(where + ": no metric found");
			}
			names.stream()
				.filter((name) -> !scrape.names().contains(name))
				.forEach((name) -> problems.add(where + ": " + name + " is not in the scrape"));
			PromQl.matchedLabels(expression)
				.forEach((name, labels) -> labels.stream()
					.filter((label) -> scrape.names().contains(name) && !scrape.labelNames(name).contains(label)
							&& !TARGET_LABELS.contains(label))
					.forEach((label) -> problems.add(where + ": " + name + " has no label " + label + " (it has "
							+ scrape.labelNames(name) + ")")));
		});
		assertThat(problems).as("queries that the real scrape cannot answer; the rawtcp names in the scrape are %s",
				scrape.names().stream().filter((name) -> name.startsWith("rawtcp_")).toList())
			.isEmpty();
		assertThat(expressions(dashboards().get(DASHBOARD)).stream().flatMap((e) -> PromQl.metricNames(e).stream()))
			.containsAll(REQUIRED_IN_DASHBOARD);
	}

	@Test
	void shouldFilterEveryQueryByJobAndInstanceAndEveryPerListenerMetricByTheListenerVariable() throws Exception {
		PrometheusScrape scrape = scrape();
		for (JsonNode dashboard : dashboards().values()) {
			List<String> variables = new ArrayList<>();
			dashboard.path("templating").path("list").forEach((variable) -> variables.add(variable.path("name").asString()));
			assertThat(variables).contains("datasource", "job", "instance", "listener");
		}
		for (String expression : expressions(dashboards().get(DASHBOARD))) {
			// two applications (jobs) or two instances in one Prometheus must never be summed together
			if (!expression.matches("label_values\\(\\w+, job\\)")) {
				assertThat(expression).as("job variable").contains("job=~\"$job\"");
			}
			if (!expression.contains(", instance)") && !expression.contains(", job)")) {
				assertThat(expression).as("instance variable").contains("instance=~\"$instance\"");
			}
		}
		for (String expression : expressions(dashboards().get(DASHBOARD))) {
			for (String name : PromQl.metricNames(expression)) {
				if (scrape.labelNames(name).contains("listener") && !expression.startsWith("label_values")) {
					assertThat(PromQl.matchedLabels(expression).getOrDefault(name, Set.of()))
						.as("%s in %s", name, expression)
						.contains("listener");
					assertThat(expression).contains("listener=~\"$listener\"");
				}
			}
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void shouldAlertWhenTheAcceptQueueStaysAbove80PercentOfItsLimitForAMinute() throws Exception {
		Map<String, Object> rule = alertRules().stream()
			.filter((candidate) -> "RawTcpAcceptQueueNearlyFull".equals(candidate.get("alert")))
			.findFirst()
			.orElseThrow();
		assertThat((String) rule.get("expr")).contains("rawtcp_accept_queue_size", "rawtcp_accept_queue_limit", "0.8");
		assertThat(rule.get("for")).isEqualTo("1m");
		assertThat(alertRules()).extracting((candidate) -> candidate.get("alert"))
			.contains("RawTcpListenOverflows", "RawTcpHandlerErrors", "RawTcpTlsHandshakeFailures");
		assertThat(alertRules()).allSatisfy((candidate) -> {
			assertThat(candidate).containsKeys("alert", "expr", "labels", "annotations");
			assertThat((Map<String, Object>) candidate.get("annotations")).containsKeys("summary", "description");
		});
	}

	@Test
	void shouldNameOnlyPrometheusMetricsOfARealScrapeInTheDocs() throws Exception {
		Set<String> names = scrape().names();
		Pattern metric = Pattern.compile("\\brawtcp_[a-z_]*[a-z]");
		List<String> unknown = new ArrayList<>();
		List<Path> pages = new ArrayList<>(List.of(DocsFiles.docs().getParent().resolve("README.md")));
		try (Stream<Path> files = Files.walk(DocsFiles.docs())) {
			files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		for (Path page : pages) {
			Matcher matcher = metric.matcher(Files.readString(page));
			while (matcher.find()) {
				if (!names.contains(matcher.group())) {
					unknown.add(page.getFileName() + ": " + matcher.group());
				}
			}
		}
		assertThat(unknown).as("Prometheus names in the docs that the scrape does not have").isEmpty();
	}

	private void createTraffic() {
		assertThat(connect(this.echoPort).send(new byte[] { 0, 1, 2, (byte) 255 }).readExactly(4))
			.containsExactly(0, 1, 2, 255);
		connect(this.upperPort).sendLine("scrape me").expect("SCRAPE ME\n");
	}

	/**
	 * Every Grafana dashboard in {@code docs/dashboard/}, by file name.
	 * @return the dashboards
	 * @throws Exception if a file cannot be read
	 */
	static Map<String, JsonNode> dashboards() throws Exception {
		Map<String, JsonNode> dashboards = new TreeMap<>();
		JsonMapper json = JsonMapper.builder().build();
		try (Stream<Path> files = Files.list(DocsFiles.docs("dashboard"))) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".json")).toList()) {
				dashboards.put(file.getFileName().toString(), json.readTree(Files.readString(file)));
			}
		}
		assertThat(dashboards).containsKey(DASHBOARD);
		return dashboards;
	}

	/**
	 * Every PromQL expression of a dashboard: panel targets (rows included) and variable queries.
	 * @param dashboard the dashboard
	 * @return the expressions
	 */
	static List<String> expressions(JsonNode dashboard) {
		List<String> expressions = new ArrayList<>();
		collectTargets(dashboard.path("panels"), expressions);
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if ("query".equals(variable.path("type").asString())) {
				JsonNode query = variable.path("query");
				expressions.add(query.isString() ? query.asString() : query.path("query").asString());
			}
		}
		assertThat(expressions).as("expressions in the dashboard").hasSizeGreaterThan(5);
		return expressions;
	}

	private static void collectTargets(JsonNode panels, List<String> expressions) {
		for (JsonNode panel : panels) {
			panel.path("targets").forEach((target) -> expressions.add(target.path("expr").asString()));
			collectTargets(panel.path("panels"), expressions);
		}
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> alertRules() throws Exception {
		Map<String, Object> file = new Yaml().load(Files.readString(DocsFiles.docs("dashboard/rawtcp-alerts.yml")));
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
			rules.addAll((List<Map<String, Object>>) group.get("rules"));
		}
		return rules;
	}

	static List<String> alertExpressions() throws Exception {
		return alertRules().stream().map((rule) -> String.valueOf(rule.get("expr"))).toList();
	}

}
