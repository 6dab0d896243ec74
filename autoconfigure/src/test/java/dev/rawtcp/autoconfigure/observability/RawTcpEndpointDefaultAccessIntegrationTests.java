package dev.rawtcp.autoconfigure.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.rawtcp.epoll.Epoll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * By default the endpoint is read-only: exposed over HTTP, the listing is readable and
 * pause/resume is not mapped at all (405), so nobody can pause a listener unless
 * {@code management.endpoint.rawtcp.access=unrestricted} says so.
 */
@SpringBootTest(classes = RawTcpObservabilityIntegrationTests.EchoApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rawtcp.transport=epoll", "rawtcp.host=127.0.0.1", "rawtcp.listeners.echo.port=0",
				"rawtcp.listeners.echo.handler=echoHandler", "management.endpoints.web.exposure.include=rawtcp" })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawTcpEndpointDefaultAccessIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int webPort;

	@BeforeAll
	static void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
	}

	@Test
	void shouldRefusePauseButStillListWhenAccessIsTheDefault() throws Exception {
		URI uri = URI.create("http://127.0.0.1:" + this.webPort + "/actuator/rawtcp/echo");
		HttpResponse<String> pause = this.http.send(HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"pause\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(pause.statusCode()).isEqualTo(405);
		HttpResponse<String> listener = this.http.send(
				HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(listener.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(listener.body(), "$.state")).isEqualTo("running");
	}

}
