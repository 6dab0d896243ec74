package dev.rawtcp.autoconfigure.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerState;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static dev.rawtcp.autoconfigure.LoopbackClients.assertClosedByServer;
import static dev.rawtcp.autoconfigure.LoopbackClients.connect;
import static dev.rawtcp.autoconfigure.LoopbackClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Whole applications (web server on an ephemeral port, Actuator, an echo listener) with the
 * {@code rawtcp} indicator in the readiness group, as {@code docs/deployment.md} configures
 * them: a paused listener and a stop's readiness delay take the application out of readiness,
 * never out of liveness, and the listeners keep serving through the delay.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawTcpReadinessIntegrationTests {

	/** Long enough that the checks made during it finish inside it on a loaded machine. */
	private static final String DELAY = "6s";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Socket> clients = new ArrayList<>();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void shouldTakeTheApplicationOutOfReadinessButNotOutOfLivenessWhileAListenerIsPaused() throws Exception {
		ConfigurableApplicationContext context = start(WebApplicationType.SERVLET);
		Listener echo = context.getBean(RawTcpServer.class).getListener("echo").orElseThrow();
		HttpResponse<String> ready = get(context, "/actuator/health/readiness");
		assertThat(ready.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(ready.body(), "$.components.rawtcp.status")).isEqualTo("UP");

		echo.pause();
		HttpResponse<String> paused = get(context, "/actuator/health/readiness");
		assertThat(paused.statusCode()).isEqualTo(503);
		assertThat((String) JsonPath.read(paused.body(), "$.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat((String) JsonPath.read(paused.body(), "$.components.readinessState.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(paused.body(), "$.components.rawtcp.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat((String) JsonPath.read(paused.body(), "$.components.rawtcp.details.reason"))
			.isEqualTo("listener 'echo' is paused");
		assertThat((String) JsonPath.read(paused.body(), "$.components.rawtcp.details.listeners.echo.state"))
			.isEqualTo("paused");
		assertThat(get(context, "/actuator/health/liveness").statusCode()).isEqualTo(200);

		echo.resume();
		assertThat(get(context, "/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	@Test
	void shouldReportNotReadyAndKeepServingForTheReadinessDelayThenDrain() throws Exception {
		ConfigurableApplicationContext context = start(WebApplicationType.SERVLET,
				"rawtcp.shutdown.readiness-delay=" + DELAY);
		RawTcpServer server = context.getBean(RawTcpServer.class);
		Listener echo = server.getListener("echo").orElseThrow();
		Socket before = connect(echo.port());
		this.clients.add(before);
		assertEcho(before, "before");

		CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
		await().atMost(Duration.ofSeconds(10)).until(server::isStopping);
		// during the delay: not ready (Boot's readinessState and rawtcp), alive, still accepting
		HttpResponse<String> readiness = get(context, "/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat((String) JsonPath.read(readiness.body(), "$.components.readinessState.status"))
			.isEqualTo("OUT_OF_SERVICE");
		assertThat((String) JsonPath.read(readiness.body(), "$.components.rawtcp.status")).isEqualTo("OUT_OF_SERVICE");
		assertThat((String) JsonPath.read(readiness.body(), "$.components.rawtcp.details.reason"))
			.isEqualTo("rawtcp server is stopping");
		assertThat(get(context, "/actuator/health/liveness").statusCode()).isEqualTo(200);
		Socket during = connect(echo.port());
		this.clients.add(during);
		assertEcho(during, "accepted during the delay");
		assertEcho(before, "still served");
		assertThat(echo.state()).as("listener state once the checks above are done").isEqualTo(ListenerState.RUNNING);

		// after the delay: the drain sends a FIN on both connections; once they are closed the stop ends
		before.setSoTimeout(60_000);
		during.setSoTimeout(60_000);
		assertClosedByServer(before);
		assertClosedByServer(during);
		before.close();
		during.close();
		closing.get(60, TimeUnit.SECONDS);
		assertThat(echo.state()).isEqualTo(ListenerState.STOPPED);
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(echo.port()).close());
	}

	@Test
	void shouldPublishRefusingTrafficForTheDelayAndAcceptingTrafficWhenStartedAgain() throws Exception {
		// without a web server Boot publishes no readiness change at close: only rawtcp's event moves it
		ConfigurableApplicationContext context = start(WebApplicationType.NONE,
				"rawtcp.shutdown.readiness-delay=" + DELAY);
		RawTcpServer server = context.getBean(RawTcpServer.class);
		ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
		assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);

		CompletableFuture<Void> stopping = CompletableFuture.runAsync(context::stop);
		await().atMost(Duration.ofSeconds(10)).until(server::isStopping);
		assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		assertThat(availability.getLivenessState()).isEqualTo(LivenessState.CORRECT);
		stopping.get(60, TimeUnit.SECONDS);
		assertThat(server.isRunning()).isFalse();

		context.start();
		assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		Socket client = connect(server.getListener("echo").orElseThrow().port());
		this.clients.add(client);
		assertEcho(client, "served again");
	}

	@Test
	void shouldLeaveReadinessAloneWithoutADelay() throws Exception {
		ConfigurableApplicationContext context = start(WebApplicationType.NONE);
		RawTcpServer server = context.getBean(RawTcpServer.class);
		assertThat(server.getReadinessDelay()).isZero();
		context.stop();
		assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(server.isStopping()).isFalse();
	}

	private ConfigurableApplicationContext start(WebApplicationType type, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"rawtcp.host=127.0.0.1", "rawtcp.listeners.echo.port=0", "rawtcp.shutdown.grace-period=10s",
				"management.endpoints.web.exposure.include=health", "management.endpoint.health.show-details=always",
				"management.endpoint.health.group.readiness.include=readinessState,rawtcp",
				"management.endpoint.health.group.readiness.show-components=always",
				"management.endpoint.health.group.readiness.show-details=always", "spring.jmx.enabled=false"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ReadinessApplication.class)
			.web(type)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static void assertEcho(Socket socket, String text) throws IOException {
		send(socket, text);
		byte[] expected = text.getBytes(StandardCharsets.UTF_8);
		assertThat(socket.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(EchoHandlerConfiguration.class)
	static class ReadinessApplication {

	}

}
