package dev.rawtcp.sample;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules and the dashboard's queries through Prometheus's own {@code promtool}, when it is
 * installed (Debian: {@code apt-get install prometheus}): the rules parse, their unit tests in
 * {@code rawtcp-alerts.test.yml} pass, and every dashboard query parses as PromQL.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertRulesPromtoolTests {

	private static String promtool;

	@BeforeAll
	static void findPromtool() {
		String path = System.getenv().getOrDefault("PATH", "");
		promtool = List.of(path.split(File.pathSeparator))
			.stream()
			.map((dir) -> Path.of(dir, "promtool"))
			.filter(Files::isExecutable)
			.map(Path::toString)
			.findFirst()
			.orElse(null);
		assumeTrue(promtool != null, "promtool is not installed");
	}

	@Test
	void shouldPassTheAlertRulesUnitTests() throws Exception {
		assertThat(run(DocsFiles.docs("dashboard").toFile(), promtool, "test", "rules", "rawtcp-alerts.test.yml"))
			.contains("SUCCESS");
	}

	@Test
	void shouldParseEveryDashboardQuery(@TempDir Path dir) throws Exception {
		StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
		int i = 0;
		List<String> expressions = DashboardTests.dashboards()
			.values()
			.stream()
			.flatMap((dashboard) -> DashboardTests.expressions(dashboard).stream())
			.toList();
		for (String expression : expressions) {
			if (expression.startsWith("label_values")) {
				continue;
			}
			String promql = expression.replace("$__rate_interval", "1m").replace("$listener", ".*");
			rules.append("      - record: dashboard_query_").append(++i).append("\n        expr: '")
				.append(promql.replace("'", "''")).append("'\n");
		}
		Path file = dir.resolve("dashboard-queries.yml");
		Files.writeString(file, rules);
		assertThat(run(dir.toFile(), promtool, "check", "rules", file.toString())).contains("SUCCESS: " + i + " rules");
	}

	private static String run(File dir, String... command) throws Exception {
		Process process = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

}
