package dev.rawtcp.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The report a user sees when startup fails on a {@code rawtcp.*} value or key set in a YAML
 * file: Spring Boot's own failure analysis, naming the property and where it was set (file,
 * line and column), as {@code SpringApplication} prints it.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class RawTcpConfigurationReportTests {

	@Test
	void shouldReportInvalidValueWithItsOrigin(CapturedOutput output) {
		startWith("invalid-value");
		assertThat(output).contains("Invalid value '200000d' for configuration property "
				+ "'rawtcp.listeners.echo.idle-timeout' (originating from 'class path resource "
				+ "[config-report/invalid-value.yml] - 5:21')")
			.contains("must be between 0s and 24d")
			.doesNotContain("ArithmeticException");
	}

	@Test
	void shouldReportEveryUnknownKeyWithItsOrigin(CapturedOutput output) {
		startWith("unknown-key");
		assertThat(output).contains("Property: rawtcp.keepalve.enabled")
			.contains("Origin: class path resource [config-report/unknown-key.yml] - 3:14")
			.contains("Property: rawtcp.listeners.echo.prot")
			.contains("Origin: class path resource [config-report/unknown-key.yml] - 6:13");
	}

	@Test
	void shouldReportMissingPortNamingTheListenerProperty(CapturedOutput output) {
		startWith("missing-port");
		assertThat(output).contains("Property 'rawtcp.listeners.echo.port' is not set: listener 'echo' needs a port")
			.doesNotContain("Invalid value 'null'");
	}

	private static void startWith(String file) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(ReportConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties("spring.config.location=classpath:/config-report/" + file + ".yml",
					"rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1");
		assertThatException().isThrownBy(application::run);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(RawTcpAutoConfiguration.class)
	@Import(EchoHandlerConfiguration.class)
	static class ReportConfiguration {

	}

}
