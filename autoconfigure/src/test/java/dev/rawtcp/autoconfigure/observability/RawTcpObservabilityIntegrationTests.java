package dev.rawtcp.autoconfigure.observability;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LineDecoder;
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
 * A real application (web on a random port, Actuator, Prometheus) with epoll listeners on
 * ephemeral ports (an echo, a line protocol with 16-byte lines, one whose connections are
 * stuck), observed through HTTP only, after real traffic. The write operation is opted in
 * ({@code access=unrestricted}); security is left out here (see
 * {@link RawTcpEndpointSecurityIntegrationTests}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rawtcp.transport=epoll", "rawtcp.host=127.0.0.1", "rawtcp.listeners.echo.port=0",
				"rawtcp.listeners.echo.handler=echoHandler", "rawtcp.listeners.echo.backlog=64",
				"rawtcp.listeners.echo.idle-timeout=5m", "rawtcp.listeners.echo.max-connections=50",
				"rawtcp.listeners.echo.write-buffer.low-water-mark=1KB",
				"rawtcp.listeners.echo.write-buffer.high-water-mark=2KB",
				"rawtcp.listeners.echo.write-buffer.limit=1MB", "rawtcp.listeners.lines.port=0",
				"rawtcp.listeners.lines.handler=linesHandler", "rawtcp.listeners.stuck.port=0",
				"rawtcp.listeners.stuck.handler=stuckHandler", "rawtcp.listeners.stuck.write-buffer.limit=64MB",
				"rawtcp.listeners.stuck.shutdown.grace-period=1s",
				"rawtcp.keepalive.idle=7s", "rawtcp.keepalive.interval=3s", "rawtcp.keepalive.count=4",
				"management.endpoint.rawtcp.access=unrestricted", "management.endpoints.web.exposure.include=*",
				"management.endpoint.health.show-details=always",
				"management.endpoint.health.group.readiness.include=readinessState,rawtcp",
				"management.endpoint.health.group.readiness.show-components=always" })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawTcpObservabilityIntegrationTests {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

	private static final Map<String, String> ECHO = Map.of("listener", "echo", "transport", "epoll");

	private static final Map<String, String> LINES = Map.of("listener", "lines", "transport", "epoll");

	/** What the stuck listener writes to each connection, more than the kernel buffers take. */
	private static final int STUCK_BYTES = 16 * 1024 * 1024;

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
		assertThat(scrape("rawtcp_listener_state", state("running"))).isEqualTo(1);
		HttpResponse<String> paused = post("/actuator/rawtcp/echo", "{\"action\":\"pause\"}");
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(paused.body(), "$.state")).isEqualTo("paused");
		assertThat(scrape("rawtcp_listener_state", state("paused"))).isEqualTo(1);
		assertThat(scrape("rawtcp_listener_state", state("running"))).isZero();
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
		assertThat(scrape("rawtcp_listener_state", state("running"))).isEqualTo(1);
		assertThat(scrape("rawtcp_listener_state", state("paused"))).isZero();
	}

	@Test
	void shouldCountAnOversizeLineAsAFrameErrorAndAHandlerError() throws Exception {
		double frameErrorsBefore = scrape("rawtcp_frame_errors_total", LINES);
		double handlerErrorsBefore = scrape("rawtcp_handler_errors_total", LINES);
		Socket client = connect("lines");
		client.getOutputStream().write("short\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(client.getInputStream().readNBytes(5)).isEqualTo("short".getBytes(StandardCharsets.US_ASCII));
		client.getOutputStream().write("x".repeat(17).getBytes(StandardCharsets.US_ASCII));
		assertClosedByServer(client);
		await().untilAsserted(() -> {
			assertThat(scrape("rawtcp_frame_errors_total", LINES)).isEqualTo(frameErrorsBefore + 1);
			assertThat(scrape("rawtcp_handler_errors_total", LINES)).isEqualTo(handlerErrorsBefore + 1);
		});
		assertThat(scrape("rawtcp_frame_errors_total", ECHO)).isZero();
		assertThat((Integer) JsonPath.read(get("/actuator/rawtcp/lines").body(), "$.stats.frameErrors"))
			.isEqualTo((int) frameErrorsBefore + 1);
	}

	@Test
	void shouldShowTheSettingsTheListenerEnforces() throws Exception {
		String echo = get("/actuator/rawtcp/echo").body();
		assertThat((Integer) JsonPath.read(echo, "$.settings.idleTimeoutMillis")).isEqualTo(300_000);
		assertThat((Integer) JsonPath.read(echo, "$.settings.maxConnections")).isEqualTo(50);
		assertThat((Integer) JsonPath.read(echo, "$.settings.writeBuffer.lowWaterMark")).isEqualTo(1024);
		assertThat((Integer) JsonPath.read(echo, "$.settings.writeBuffer.highWaterMark")).isEqualTo(2048);
		assertThat((Integer) JsonPath.read(echo, "$.settings.writeBuffer.limit")).isEqualTo(1024 * 1024);
		String all = get("/actuator/rawtcp").body();
		assertThat((Integer) JsonPath.read(all, "$.listeners.lines.settings.idleTimeoutMillis")).isZero();
		assertThat((Integer) JsonPath.read(all, "$.listeners.stuck.settings.writeBuffer.limit"))
			.isEqualTo(64 * 1024 * 1024);
	}

	@Test
	void shouldShowTheBytesQueuedAndThePausedReadsOfAStuckConnection() throws Exception {
		Socket stuck = new Socket();
		this.clients.add(stuck);
		stuck.setReceiveBufferSize(4096);
		stuck.connect(new InetSocketAddress("127.0.0.1", port("stuck")), 5000);
		String local = "127.0.0.1:" + stuck.getLocalPort();
		// the peer reads nothing: what the kernel buffers cannot hold stays queued in the connection
		await().untilAsserted(() -> {
			String body = get("/actuator/rawtcp/stuck").body();
			List<Integer> pending = JsonPath.read(body,
					"$.connections[?(@.remoteAddress == '" + local + "')].pendingWriteBytes");
			assertThat(pending).singleElement().satisfies((bytes) -> assertThat(bytes).isPositive()
				.isLessThanOrEqualTo(STUCK_BYTES));
			List<Boolean> readPaused = JsonPath.read(body,
					"$.connections[?(@.remoteAddress == '" + local + "')].readPaused");
			assertThat(readPaused).containsExactly(true);
		});
		Socket echo = connect();
		echo.getOutputStream().write(1);
		assertThat(echo.getInputStream().read()).isEqualTo(1);
		String echoLocal = "127.0.0.1:" + echo.getLocalPort();
		String body = get("/actuator/rawtcp/echo").body();
		assertThat(JsonPath.<List<Integer>>read(body,
				"$.connections[?(@.remoteAddress == '" + echoLocal + "')].pendingWriteBytes"))
			.containsExactly(0);
		assertThat(JsonPath.<List<Boolean>>read(body,
				"$.connections[?(@.remoteAddress == '" + echoLocal + "')].readPaused"))
			.containsExactly(false);
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
	void shouldAnswer404ForAnUnknownListenerAnd400ForAMissingOrUnknownActionSayingWhy() throws Exception {
		HttpResponse<String> unknownRead = get("/actuator/rawtcp/nope");
		assertThat(unknownRead.statusCode()).isEqualTo(404);
		assertThat((String) JsonPath.read(unknownRead.body(), "$.error"))
			.isEqualTo("No rawtcp listener named 'nope' (listeners: [echo, lines, stuck])");
		HttpResponse<String> unknownAction = post("/actuator/rawtcp/echo", "{\"action\":\"explode\"}");
		assertThat(unknownAction.statusCode()).isEqualTo(400);
		assertThat((String) JsonPath.read(unknownAction.body(), "$.error")).isEqualTo(
				"Unknown action 'explode' for rawtcp listener 'echo': expected 'pause' or 'resume'");
		HttpResponse<String> unknownListener = post("/actuator/rawtcp/nope", "{\"action\":\"pause\"}");
		assertThat(unknownListener.statusCode()).isEqualTo(404);
		assertThat((String) JsonPath.read(unknownListener.body(), "$.error"))
			.isEqualTo("No rawtcp listener named 'nope' (listeners: [echo, lines, stuck])");
		HttpResponse<String> missingAction = post("/actuator/rawtcp/echo", "{}");
		assertThat(missingAction.statusCode()).isEqualTo(400);
		assertThat((String) JsonPath.read(missingAction.body(), "$.error"))
			.isEqualTo("Missing 'action' for rawtcp listener 'echo': expected 'pause' or 'resume'");
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
				"rawtcp_handler_errors_total", "rawtcp_frame_errors_total", "rawtcp_event_loop_blocked_total",
				"rawtcp_event_loop_failures_total", "rawtcp_connections_linger_resets_total")) {
			assertThat(scrape(body, name, ECHO)).as(name).isNotNull();
		}
		Map<String, String> noListener = Map.of("listener", "none", "transport", "epoll");
		assertThat(scrape(body, "rawtcp_event_loop_blocked_total", noListener)).isZero();
		assertThat(scrape(body, "rawtcp_event_loop_failures_total", noListener)).isZero();
		for (String reason : List.of("normal", "reset", "idle", "error", "shutdown", "frame-timeout")) {
			assertThat(scrape(body, "rawtcp_connections_closed_total",
					Map.of("listener", "echo", "transport", "epoll", "reason", reason)))
				.as(reason)
				.isNotNull();
		}
		assertThat(scrape(body, "rawtcp_accept_errors_total",
				Map.of("listener", "echo", "transport", "epoll", "errno", "EMFILE")))
			.isZero();
		for (String state : List.of("running", "paused", "draining", "stopped")) {
			assertThat(scrape(body, "rawtcp_listener_state", state(state))).as(state).isNotNull();
		}
		assertThat(scrape(body, "rawtcp_listen_overflows_total", Map.of("scope", "host"))).isNotNull();
		assertThat(scrape(body, "rawtcp_listen_drops_total", Map.of("scope", "host"))).isNotNull();
	}

	private static void assertClosedByServer(Socket client) throws Exception {
		try {
			assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
		}
		catch (SocketException ex) {
			// a reset closes it too
		}
	}

	private static Map<String, String> state(String state) {
		return Map.of("listener", "echo", "transport", "epoll", "state", state);
	}

	private int echoPort() {
		return port("echo");
	}

	private int port(String listener) {
		return this.environment.getRequiredProperty("local.rawtcp." + listener + ".port", Integer.class);
	}

	private Socket connect() throws Exception {
		return connect("echo");
	}

	private Socket connect(String listener) throws Exception {
		Socket socket = new Socket("127.0.0.1", port(listener));
		socket.setSoTimeout(10_000);
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
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
	static class EchoApplication {

		@Bean
		TcpHandler linesHandler() {
			return new FramedHandler(() -> new LineDecoder(16), (connection, line) -> connection.write(line));
		}

		@Bean
		TcpHandler stuckHandler() {
			return new TcpHandler() {

				@Override
				public void onOpen(dev.rawtcp.Connection connection) {
					connection.suspendReads();
					connection.write(new byte[STUCK_BYTES]);
				}

				@Override
				public void onData(dev.rawtcp.Connection connection, java.nio.ByteBuffer data) {
				}

			};
		}

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
