package dev.rawtcp.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A rolling restart of two instances of the sample behind a real HAProxy (tcp mode, health
 * checks on the readiness group of each instance's management port), as {@code docs/deployment.md} describes it:
 * while clients open connection after connection through HAProxy, instance A is stopped
 * (readiness delay, then drain) and replaced on the same ports, then instance B. Every
 * connection HAProxy accepted gets its full echo, and HAProxy itself counts no failed
 * connection to a server, no retry and no redispatch. Skipped, saying so, where HAProxy is
 * not installed (Debian package {@code haproxy}; {@code .ci/run} installs it).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RollingRestartBehindHaproxyTests {

	/**
	 * The instances' readiness delay: many times HAProxy's detection time (two failed checks
	 * 100 ms apart), so that HAProxy has stopped sending before the drain even on a loaded machine.
	 */
	private static final String READINESS_DELAY = "3s";

	/** Exchanges per client thread at most; the loop stops earlier once both restarts are done. */
	private static final int MAX_EXCHANGES = 20_000;

	private static String haproxy;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private Process haproxyProcess;

	private int statsPort;

	@BeforeAll
	static void findHaproxy() {
		haproxy = Haproxy.find();
		assumeTrue(haproxy != null, "haproxy is not installed (Debian package haproxy): rolling restart not tested");
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		// the HAProxy this test started, by its own process handle (its PID), nothing else
		Haproxy.stop(this.haproxyProcess);
	}

	@Test
	void shouldLoseNoConnectionThatHaproxySentDuringARollingRestart(@TempDir Path dir) throws Exception {
		Instance a = new Instance("a", Haproxy.freePort(), Haproxy.freePort());
		Instance b = new Instance("b", Haproxy.freePort(), Haproxy.freePort());
		int frontendPort = Haproxy.freePort();
		this.statsPort = Haproxy.freePort();
		a.context = start(a);
		b.context = start(b);
		startHaproxy(dir, frontendPort, a, b);
		awaitServer(a, "UP");
		awaitServer(b, "UP");

		AtomicBoolean done = new AtomicBoolean();
		AtomicInteger exchanges = new AtomicInteger();
		Queue<String> failures = new ConcurrentLinkedQueue<>();
		List<CompletableFuture<Void>> clients = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			int client = i;
			clients.add(CompletableFuture
				.runAsync(() -> exchangeUntilDone(frontendPort, client, done, exchanges, failures)));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> exchanges.get() >= 50);

		int beforeRestarts = exchanges.get();
		restart(a);
		int afterA = exchanges.get();
		restart(b);
		int afterB = exchanges.get();
		await().atMost(Duration.ofSeconds(30)).until(() -> exchanges.get() >= afterB + 50);
		done.set(true);
		CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

		System.out.printf("rolling restart behind HAProxy: %d exchanges (%d before the restarts, %d while A was "
				+ "replaced, %d while B was), %d failed%n", exchanges.get(), beforeRestarts, afterA - beforeRestarts,
				afterB - afterA, failures.size());
		assertThat(failures).as("failed exchanges through HAProxy (of %d)", exchanges.get()).isEmpty();
		assertThat(afterA).as("exchanges completed while A was replaced").isGreaterThan(beforeRestarts);
		assertThat(afterB).as("exchanges completed while B was replaced").isGreaterThan(afterA);
		for (Instance instance : List.of(a, b)) {
			Map<String, String> stats = serverStats(instance.name);
			assertThat(stats.get("econ")).as("HAProxy's failed connections to %s", instance.name).isEqualTo("0");
			assertThat(stats.get("eresp")).as("HAProxy's response errors from %s", instance.name).isEqualTo("0");
			assertThat(stats.get("wretr")).as("HAProxy's retries to %s", instance.name).isEqualTo("0");
			assertThat(stats.get("wredis")).as("HAProxy's redispatches from %s", instance.name).isEqualTo("0");
			assertThat(Long.parseLong(stats.get("stot"))).as("connections HAProxy sent to %s", instance.name)
				.isPositive();
		}
	}

	/**
	 * Stop an instance (readiness delay, then drain), wait until HAProxy has taken it out, then
	 * start its replacement on the same ports and wait until HAProxy sends to it again.
	 */
	private void restart(Instance instance) throws Exception {
		ConfigurableApplicationContext old = instance.context;
		CompletableFuture<Void> closing = CompletableFuture.runAsync(old::close);
		awaitServer(instance, "DOWN");
		closing.get(60, TimeUnit.SECONDS);
		instance.context = start(instance);
		awaitServer(instance, "UP");
	}

	private ConfigurableApplicationContext start(Instance instance) {
		// command-line arguments: they win over the sample's application.yml
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleEchoApplication.class).run(
				"--server.port=0", "--server.address=127.0.0.1", "--management.server.port=" + instance.managementPort,
				"--management.server.address=127.0.0.1", "--rawtcp.host=127.0.0.1",
				"--rawtcp.listeners.echo.port=" + instance.echoPort, "--rawtcp.listeners.upper.port=0",
				"--rawtcp.listeners.secure-echo.port=0", "--sample.dev-tls.directory=target/test-dev-tls",
				"--rawtcp.shutdown.readiness-delay=" + READINESS_DELAY, "--rawtcp.shutdown.grace-period=10s",
				"--management.endpoint.health.group.readiness.include=readinessState,rawtcp",
				"--spring.jmx.enabled=false");
		this.contexts.add(context);
		return context;
	}

	private void startHaproxy(Path dir, int frontendPort, Instance a, Instance b) throws IOException {
		// retries 0 and no redispatch: a connection sent to an instance that refuses it fails the client
		String config = """
				global
				    maxconn 2000

				defaults
				    mode tcp
				    retries 0
				    timeout connect 2s
				    timeout client 10s
				    timeout server 10s
				    timeout check 2s

				frontend echo
				    bind 127.0.0.1:%d
				    default_backend instances

				backend instances
				    balance roundrobin
				    option httpchk GET /actuator/health/readiness
				    default-server inter 100ms fall 2 rise 2
				    server a 127.0.0.1:%d check port %d
				    server b 127.0.0.1:%d check port %d

				listen stats
				    bind 127.0.0.1:%d
				    mode http
				    timeout client 10s
				    stats enable
				    stats uri /stats
				""".formatted(frontendPort, a.echoPort, a.managementPort, b.echoPort, b.managementPort, this.statsPort);
		this.haproxyProcess = Haproxy.start(haproxy, dir, config);
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			assertThat(this.haproxyProcess.isAlive()).as("haproxy: %s", Files.readString(dir.resolve("haproxy.log")))
				.isTrue();
			return statsCsv().contains("instances");
		});
	}

	private void awaitServer(Instance instance, String status) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.until(() -> serverStats(instance.name).get("status").startsWith(status));
	}

	/**
	 * One row of HAProxy's CSV statistics: the backend's server of that name, by column.
	 */
	private Map<String, String> serverStats(String server) throws Exception {
		List<String> lines = statsCsv().lines().toList();
		String[] header = lines.get(0).replaceFirst("^# ", "").split(",", -1);
		for (String line : lines) {
			String[] values = line.split(",", -1);
			if (values.length > 1 && values[0].equals("instances") && values[1].equals(server)) {
				Map<String, String> row = new HashMap<>();
				for (int i = 0; i < Math.min(header.length, values.length); i++) {
					row.put(header[i], values[i]);
				}
				return row;
			}
		}
		throw new IllegalStateException("No server " + server + " in HAProxy's statistics");
	}

	private String statsCsv() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.statsPort + "/stats;csv"))
			.timeout(Duration.ofSeconds(5))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
	}

	/**
	 * Short echo exchanges, each over a new connection through HAProxy, until told to stop
	 * (bounded in count): every exchange must get back exactly what it sent.
	 */
	private static void exchangeUntilDone(int port, int client, AtomicBoolean done, AtomicInteger exchanges,
			Queue<String> failures) {
		for (int i = 0; i < MAX_EXCHANGES && !done.get(); i++) {
			String sent = "client " + client + " exchange " + i + "\n";
			try {
				String received = exchange(port, sent);
				if (received.equals(sent)) {
					exchanges.incrementAndGet();
				}
				else {
					failures.add("exchange " + client + "/" + i + ": got " + received.length() + " of " + sent.length()
							+ " bytes");
				}
			}
			catch (IOException ex) {
				failures.add("exchange " + client + "/" + i + ": " + ex);
			}
			try {
				// pace the loop: a few hundred connections a second are plenty, and spare ephemeral ports
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static String exchange(int port, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(bytes);
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(bytes.length), StandardCharsets.US_ASCII);
		}
	}

	/**
	 * An instance's fixed ports (its replacement binds the same ones) and its running context.
	 */
	private static final class Instance {

		final String name;

		final int echoPort;

		final int managementPort;

		ConfigurableApplicationContext context;

		Instance(String name, int echoPort, int managementPort) {
			this.name = name;
			this.echoPort = echoPort;
			this.managementPort = managementPort;
		}

	}

}
