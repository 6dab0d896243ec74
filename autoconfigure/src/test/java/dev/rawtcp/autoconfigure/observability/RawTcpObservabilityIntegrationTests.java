package dev.rawtcp.autoconfigure.observability;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real application (web on a random port, Actuator, Prometheus) with one epoll echo
 * listener on an ephemeral port, observed through HTTP only, after real traffic.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rawtcp.transport=epoll", "rawtcp.host=127.0.0.1", "rawtcp.listeners.echo.port=0",
				"rawtcp.listeners.echo.backlog=64", "rawtcp.keepalive.idle=7s", "rawtcp.keepalive.interval=3s",
				"rawtcp.keepalive.count=4", "management.endpoints.web.exposure.include=*",
				"management.endpoint.health.show-details=always",
				"management.endpoint.health.group.readiness.include=readinessState,rawtcp",
				"management.endpoint.health.group.readiness.show-components=always" })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawTcpObservabilityIntegrationTests {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

	private static final Map<String, String> ECHO = Map.of("listener", "echo", "transport", "epoll");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Socket> clients = new ArrayList<>();

	@LocalServerPort
	private int webPort;

	@Autowired
	private Environment environment;

	@Autowired
	private BlockingQueue<SocketOptionsView> acceptedSocketOptions;

	@BeforeAll
	static void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
	}

	@AfterEach
	void closeClients() throws Exception {
		for (Socket client : this.clients) {
			client.close();
		}
		post("/actuator/rawtcp/echo", "{\"action\":\"resume\"}");
	}

	@Test
	void shouldShowConnectionsQueuedInTheKernelWhilePausedThroughEndpointAndPrometheus() throws Exception {
		double acceptedBefore = scrape("rawtcp_connections_accepted_total", ECHO);
		HttpResponse<String> paused = post("/actuator/rawtcp/echo", "{\"action\":\"pause\"}");
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(paused.body(), "$.state")).isEqualTo("paused");
		for (int i = 0; i < 5; i++) {
			connect();
		}
		await().untilAsserted(() -> assertThat(scrape("rawtcp_accept_queue_size", ECHO)).isEqualTo(5));
		String listener = get("/actuator/rawtcp/echo").body();
		assertThat((String) JsonPath.read(listener, "$.state")).isEqualTo("paused");
		assertThat((Integer) JsonPath.read(listener, "$.acceptQueueSize")).isEqualTo(5);
		assertThat((Integer) JsonPath.read(listener, "$.effectiveBacklog")).isEqualTo(64);
		assertThat(scrape("rawtcp_accept_queue_limit", ECHO)).isEqualTo(64);
		assertThat(scrape("rawtcp_connections_accepted_total", ECHO)).isEqualTo(acceptedBefore);
		assertThat(post("/actuator/rawtcp/echo", "{\"action\":\"resume\"}").statusCode()).isEqualTo(200);
		await().untilAsserted(() -> {
			assertThat(scrape("rawtcp_accept_queue_size", ECHO)).isZero();
			assertThat(scrape("rawtcp_connections_accepted_total", ECHO)).isEqualTo(acceptedBefore + 5);
		});
		assertThat((String) JsonPath.read(get("/actuator/rawtcp").body(), "$.listeners.echo.state"))
			.isEqualTo("running");
	}

	@Test
	void shouldMoveTheByteCountersByTheEchoedBytes() throws Exception {
		double receivedBefore = scrape("rawtcp_bytes_received_bytes_total", ECHO);
		double sentBefore = scrape("rawtcp_bytes_sent_bytes_total", ECHO);
		byte[] payload = new byte[12_345];
		java.util.Arrays.fill(payload, (byte) 'x');
		Socket client = connect();
		OutputStream out = client.getOutputStream();
		InputStream in = client.getInputStream();
		out.write(payload);
		out.flush();
		assertThat(in.readNBytes(payload.length)).isEqualTo(payload);
		await().untilAsserted(() -> {
			assertThat(scrape("rawtcp_bytes_received_bytes_total", ECHO)).isEqualTo(receivedBefore + payload.length);
			assertThat(scrape("rawtcp_bytes_sent_bytes_total", ECHO)).isEqualTo(sentBefore + payload.length);
		});
	}

	@Test
	void shouldCountAResetConnectionUnderReasonReset() throws Exception {
		Map<String, String> reset = Map.of("listener", "echo", "transport", "epoll", "reason", "reset");
		double resetsBefore = scrape("rawtcp_connections_closed_total", reset);
		double acceptedBefore = scrape("rawtcp_connections_accepted_total", ECHO);
		Socket client = connect();
		await().until(() -> scrape("rawtcp_connections_accepted_total", ECHO) > acceptedBefore);
		client.setSoLinger(true, 0);
		client.close();
		await().untilAsserted(
				() -> assertThat(scrape("rawtcp_connections_closed_total", reset)).isEqualTo(resetsBefore + 1));
	}

	@Test
	void shouldReportKeepaliveAsGetsockoptReadsItOnAnAcceptedSocket() throws Exception {
		this.acceptedSocketOptions.clear();
		Socket client = connect();
		SocketOptionsView accepted = this.acceptedSocketOptions.poll(10, TimeUnit.SECONDS);
		assertThat(accepted).isNotNull();
		assertThat(accepted.keepAliveIdleSeconds()).isEqualTo(7);
		String body = get("/actuator/rawtcp").body();
		assertThat((Boolean) JsonPath.read(body, "$.listeners.echo.socketOptions.keepAlive"))
			.isEqualTo(accepted.keepAlive());
		assertThat((Integer) JsonPath.read(body, "$.listeners.echo.socketOptions.keepAliveIdleSeconds"))
			.isEqualTo(accepted.keepAliveIdleSeconds());
		assertThat((Integer) JsonPath.read(body, "$.listeners.echo.socketOptions.keepAliveIntervalSeconds"))
			.isEqualTo(accepted.keepAliveIntervalSeconds())
			.isEqualTo(3);
		assertThat((Integer) JsonPath.read(body, "$.listeners.echo.socketOptions.keepAliveCount"))
			.isEqualTo(accepted.keepAliveCount())
			.isEqualTo(4);
		assertThat((Boolean) JsonPath.read(body, "$.listeners.echo.socketOptions.tcpNoDelay"))
			.isEqualTo(accepted.tcpNoDelay());
		String local = "127.0.0.1:" + client.getLocalPort();
		String details = get("/actuator/rawtcp/echo").body();
		List<Object> mine = JsonPath.read(details, "$.connections[?(@.remoteAddress == '" + local + "')]");
		assertThat(mine).hasSize(1);
		assertThat((Integer) JsonPath.read(details, "$.activeConnections")).isPositive();
		List<Object> rtt = JsonPath.read(details, "$.connections[?(@.remoteAddress == '" + local + "')].rttMicros");
		assertThat(rtt).hasSize(1);
	}

	@Test
	void shouldAnswer404ForAnUnknownListenerAnd400ForAnUnknownActionSayingWhy() throws Exception {
		assertThat(get("/actuator/rawtcp/nope").statusCode()).isEqualTo(404);
		HttpResponse<String> unknownAction = post("/actuator/rawtcp/echo", "{\"action\":\"explode\"}");
		assertThat(unknownAction.statusCode()).isEqualTo(400);
		assertThat((String) JsonPath.read(unknownAction.body(), "$.error")).isEqualTo(
				"Unknown action 'explode' for rawtcp listener 'echo': expected 'pause' or 'resume'");
		HttpResponse<String> unknownListener = post("/actuator/rawtcp/nope", "{\"action\":\"pause\"}");
		assertThat(unknownListener.statusCode()).isEqualTo(404);
		assertThat((String) JsonPath.read(unknownListener.body(), "$.error"))
			.isEqualTo("No rawtcp listener named 'nope' (listeners: [echo])");
		assertThat(post("/actuator/rawtcp/echo", "{}").statusCode()).isEqualTo(400);
		assertThat((String) JsonPath.read(get("/actuator/rawtcp/echo").body(), "$.state")).isEqualTo("running");
	}

	@Test
	void shouldReportHealthUpWithListenerDetailsAlsoInTheReadinessGroup() throws Exception {
		HttpResponse<String> health = get("/actuator/health/rawtcp");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(health.body(), "$.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(health.body(), "$.details.listeners.echo.state")).isEqualTo("running");
		assertThat((String) JsonPath.read(health.body(), "$.details.listeners.echo.address"))
			.isEqualTo("127.0.0.1:" + echoPort());
		String readiness = get("/actuator/health/readiness").body();
		assertThat((String) JsonPath.read(readiness, "$.status")).isEqualTo("UP");
		assertThat((String) JsonPath.read(readiness, "$.components.rawtcp.status")).isEqualTo("UP");
	}

	@Test
	void shouldExposeEveryMeterUnderItsPrometheusName() throws Exception {
		String body = get("/actuator/prometheus").body();
		for (String name : List.of("rawtcp_connections_active", "rawtcp_connections_accepted_total",
				"rawtcp_connections_rejected_total", "rawtcp_bytes_received_bytes_total",
				"rawtcp_bytes_sent_bytes_total", "rawtcp_accept_queue_size", "rawtcp_accept_queue_limit",
				"rawtcp_handler_errors_total")) {
			assertThat(scrape(body, name, ECHO)).as(name).isNotNull();
		}
		for (String reason : List.of("normal", "reset", "idle", "error", "shutdown")) {
			assertThat(scrape(body, "rawtcp_connections_closed_total",
					Map.of("listener", "echo", "transport", "epoll", "reason", reason)))
				.as(reason)
				.isNotNull();
		}
		assertThat(scrape(body, "rawtcp_accept_errors_total",
				Map.of("listener", "echo", "transport", "epoll", "errno", "EMFILE")))
			.isZero();
		assertThat(scrape(body, "rawtcp_listen_overflows_total", Map.of("scope", "host"))).isNotNull();
		assertThat(scrape(body, "rawtcp_listen_drops_total", Map.of("scope", "host"))).isNotNull();
	}

	private int echoPort() {
		return this.environment.getRequiredProperty("local.rawtcp.echo.port", Integer.class);
	}

	private Socket connect() throws Exception {
		Socket socket = new Socket("127.0.0.1", echoPort());
		this.clients.add(socket);
		return socket;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.webPort + path);
	}

	private double scrape(String name, Map<String, String> labels) throws Exception {
		Double value = scrape(get("/actuator/prometheus").body(), name, labels);
		assertThat(value).as("%s%s", name, labels).isNotNull();
		return value;
	}

	/**
	 * The value of the one sample of {@code name} with exactly these labels, or {@code null}.
	 */
	private static Double scrape(String body, String name, Map<String, String> labels) {
		for (String line : body.split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (!sample.matches() || !sample.group(1).equals(name)) {
				continue;
			}
			Map<String, String> found = new java.util.HashMap<>();
			Matcher label = LABEL.matcher((sample.group(3) != null) ? sample.group(3) : "");
			while (label.find()) {
				found.put(label.group(1), label.group(2));
			}
			if (found.equals(labels)) {
				return Double.valueOf(sample.group(4));
			}
		}
		return null;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EchoApplication {

		@Bean
		BlockingQueue<SocketOptionsView> acceptedSocketOptions() {
			return new LinkedBlockingQueue<>();
		}

		@Bean
		TcpHandler echoHandler(BlockingQueue<SocketOptionsView> acceptedSocketOptions) {
			return new TcpHandler() {

				@Override
				public void onOpen(dev.rawtcp.Connection connection) {
					// getsockopt on the accepted socket's own fd, on its event loop
					acceptedSocketOptions.add(connection.socketOptions());
				}

				@Override
				public void onData(dev.rawtcp.Connection connection, java.nio.ByteBuffer data) {
					connection.write(data);
				}

			};
		}

	}

}
