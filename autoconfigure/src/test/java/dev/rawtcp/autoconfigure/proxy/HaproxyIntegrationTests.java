package dev.rawtcp.autoconfigure.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.jayway.jsonpath.JsonPath;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.FileSystemUtils;

import dev.rawtcp.Connection;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.autoconfigure.RawTcpListenerCustomizer;
import dev.rawtcp.proxy.ProxyHeader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * rawtcp behind a real HAProxy (the Debian package; skipped, saying so, where it is not
 * installed): one frontend per backend listener, the listeners requiring a PROXY header from
 * 127.0.0.1 only. HAProxy sends {@code send-proxy} (version 1) to an event-loop listener,
 * {@code send-proxy-v2} to a thread-per-connection one, and {@code send-proxy-v2-ssl} with TLS
 * behind it to a TLS listener, with health checks every 200 ms carrying the header
 * ({@code check-send-proxy}). The handler and the Actuator endpoint see the test client's own
 * address and port, the socket's peer being HAProxy. A spoofed header sent directly to a
 * listener that trusts only 10.0.0.0/8 is refused and counted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rawtcp.host=127.0.0.1", "rawtcp.event-loop.threads=2", "rawtcp.proxy-protocol.mode=required",
				"rawtcp.proxy-protocol.trusted-sources=127.0.0.1/32", "rawtcp.listeners.v1.port=0",
				"rawtcp.listeners.v1.handler=recordingHandler", "rawtcp.listeners.v2.port=0",
				"rawtcp.listeners.v2.handler=recordingStreamHandler", "rawtcp.listeners.ssl.port=0",
				"rawtcp.listeners.ssl.handler=recordingHandler", "rawtcp.listeners.untrusted.port=0",
				"rawtcp.listeners.untrusted.handler=recordingHandler",
				"rawtcp.listeners.untrusted.proxy-protocol.trusted-sources=10.0.0.0/8",
				"management.endpoints.web.exposure.include=rawtcp,prometheus" })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyIntegrationTests {

	private static final Duration AWAIT = Duration.ofSeconds(20);

	private static final List<String> LISTENERS = List.of("v1", "v2", "ssl");

	private static final Map<String, String> SEND_PROXY = Map.of("v1", "send-proxy", "v2", "send-proxy-v2", "ssl",
			"send-proxy-v2-ssl ssl verify none");

	private static final byte[] PING = "ping through haproxy\n".getBytes(StandardCharsets.US_ASCII);

	private static final Map<String, Integer> frontends = new ConcurrentHashMap<>();

	private static Path haproxy;

	private static Process process;

	private static Path directory;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int webPort;

	@Autowired
	private Environment environment;

	@Autowired
	private Recorder recorder;

	@BeforeAll
	static void haproxyInstalled() throws IOException {
		haproxy = Optional.of(Path.of("/usr/sbin/haproxy"))
			.filter(Files::isExecutable)
			.or(() -> Optional.of(Path.of("/usr/bin/haproxy")).filter(Files::isExecutable))
			.orElse(null);
		assumeTrue(haproxy != null, "SKIPPED: haproxy is not installed (Debian package 'haproxy', which .ci/run "
				+ "installs): the tests against a real HAProxy did not run");
		directory = Files.createTempDirectory("rawtcp-haproxy");
	}

	@BeforeEach
	void startHaproxy() throws Exception {
		if (process != null && process.isAlive()) {
			return;
		}
		StringBuilder config = new StringBuilder("""
				global
				  nbthread 1
				  maxconn 200
				defaults
				  mode tcp
				  timeout connect 5s
				  timeout client 30s
				  timeout server 30s
				  timeout check 5s
				""");
		// a check times out after 200 ms (the first TLS handshakes of a JVM can take longer on a loaded
		// machine): fall 100 keeps the server up through such misses, while checks still run every 200 ms
		for (String listener : LISTENERS) {
			int frontend = freePort();
			frontends.put(listener, frontend);
			config.append("frontend fe_").append(listener).append("\n  bind 127.0.0.1:").append(frontend)
				.append("\n  default_backend be_").append(listener)
				.append("\nbackend be_").append(listener).append("\n  server rawtcp 127.0.0.1:").append(port(listener))
				.append(' ').append(SEND_PROXY.get(listener)).append(" check inter 200ms check-send-proxy rise 1 fall 100\n");
		}
		Path file = directory.resolve("haproxy.cfg");
		Files.writeString(file, config);
		Path log = directory.resolve("haproxy.log");
		process = new ProcessBuilder(haproxy.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		for (int frontend : frontends.values()) {
			await().atMost(AWAIT).until(() -> {
				assertThat(process.isAlive()).as("haproxy running; its output: %s", read(log)).isTrue();
				try (Socket probe = new Socket()) {
					probe.connect(new InetSocketAddress("127.0.0.1", frontend), 1000);
					return true;
				}
				catch (IOException ex) {
					return false;
				}
			});
		}
	}

	@AfterAll
	static void stopHaproxy() throws Exception {
		if (process != null) {
			// only the haproxy this class started, by its PID
			process.destroy();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		if (directory != null) {
			FileSystemUtils.deleteRecursively(directory);
		}
	}

	@Test
	void shouldDeliverTheClientsAddressThroughSendProxy() throws Exception {
		assertClientAddressDelivered("v1", 1);
	}

	@Test
	void shouldDeliverTheClientsAddressThroughSendProxyV2ToAThreadPerConnectionHandler() throws Exception {
		assertClientAddressDelivered("v2", 2);
	}

	@Test
	void shouldDeliverTheClientsAddressThroughSendProxyV2SslWithTlsBehindIt() throws Exception {
		Seen seen = assertClientAddressDelivered("ssl", 2);
		assertThat(seen.tls()).as("TLS between HAProxy and rawtcp").isTrue();
		assertThat(seen.header().ssl()).as("the SSL TLV of send-proxy-v2-ssl").isNotNull();
	}

	@Test
	void shouldServeHaproxysHealthChecksAsItsOwnConnections() throws Exception {
		// version 2 checks say LOCAL; version 1 cannot, so HAProxy 2.6 names the check's own connection
		for (String listener : LISTENERS) {
			await().atMost(AWAIT).untilAsserted(() -> assertThat(this.recorder.seen(listener)).as(listener)
				.anySatisfy((seen) -> {
					assertThat(seen.remote()).isEqualTo(seen.socketRemote());
					if (seen.header().version() == 2) {
						assertThat(seen.header().command()).isEqualTo(ProxyHeader.Command.LOCAL);
						assertThat(seen.header().hasAddresses()).isFalse();
					}
				}));
		}
		String stats = get("/actuator/rawtcp/v2");
		for (String listener : LISTENERS) {
			String json = get("/actuator/rawtcp/" + listener);
			Map<String, Integer> errors = JsonPath.read(json, "$.stats.proxyHeaderErrors");
			assertThat(errors).as("PROXY header errors of %s", listener).allSatisfy((reason, count) -> assertThat(count).isZero());
		}
		assertThat((String) JsonPath.read(stats, "$.proxyProtocol.mode")).isEqualTo("required");
		assertThat((List<String>) JsonPath.read(stats, "$.proxyProtocol.trustedSources")).containsExactly("127.0.0.1/32");
	}

	@Test
	void shouldRefuseAndCountASpoofedHeaderFromAnUntrustedAddress() throws Exception {
		int port = port("untrusted");
		try (Socket spoofer = new Socket()) {
			spoofer.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			spoofer.setSoTimeout(10_000);
			spoofer.getOutputStream().write("PROXY TCP4 192.0.2.66 127.0.0.1 4444 80\r\nGET /\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			assertThat(spoofer.getInputStream().read()).as("the server closes the connection").isEqualTo(-1);
		}
		catch (SocketException ex) {
			// reset by the refusal: closed all the same
		}
		await().atMost(AWAIT).untilAsserted(() -> assertThat(
				(Integer) JsonPath.read(get("/actuator/rawtcp/untrusted"), "$.stats.proxyHeaderErrors.untrusted"))
			.isEqualTo(1));
		assertThat(this.recorder.seen("untrusted")).as("connections the handler was given").isEmpty();
		assertThat(get("/actuator/prometheus")).containsPattern(
				"rawtcp_proxy_header_errors_total\\{[^}]*listener=\"untrusted\",reason=\"untrusted\"[^}]*} 1\\.0");
	}

	private Seen assertClientAddressDelivered(String listener, int version) throws Exception {
		// HAProxy's checks went through the header (and TLS) to the handler: the server is up
		await().atMost(AWAIT).until(() -> !this.recorder.seen(listener).isEmpty());
		// HAProxy marks the server down while a check's handshake outlasts inter (200 ms), as the first TLS
		// handshakes of a cold JVM can on a loaded machine, and closes a client that comes meanwhile
		try (Socket client = await().atMost(AWAIT).until(() -> echoedThrough(listener), Objects::nonNull)) {
			InetSocketAddress clientAddress = (InetSocketAddress) client.getLocalSocketAddress();
			Seen seen = this.recorder.seen(listener)
				.stream()
				.filter((candidate) -> candidate.remote().equals(clientAddress))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no connection from " + clientAddress + " among "
						+ this.recorder.seen(listener)));
			assertThat(seen.header().version()).isEqualTo(version);
			assertThat(seen.socketRemote()).as("HAProxy's own connection").isNotEqualTo(clientAddress);
			// the endpoint lists the open connection with both addresses, while the client is still connected
			String json = get("/actuator/rawtcp/" + listener);
			List<String> remotes = JsonPath.read(json, "$.connections[*].remoteAddress");
			List<String> sockets = JsonPath.read(json,
					"$.connections[?(@.remoteAddress == '127.0.0.1:" + clientAddress.getPort() + "')].socketRemoteAddress");
			assertThat(remotes).contains("127.0.0.1:" + clientAddress.getPort());
			assertThat(sockets).containsExactly("127.0.0.1:" + seen.socketRemote().getPort());
			return seen;
		}
	}

	/**
	 * A client of the listener's frontend whose bytes came back.
	 * @return the connected client, or {@code null} if HAProxy closed it without an answer
	 */
	private @Nullable Socket echoedThrough(String listener) throws IOException {
		Socket client = new Socket();
		client.connect(new InetSocketAddress("127.0.0.1", frontends.get(listener)), 5000);
		client.setSoTimeout(10_000);
		try {
			client.getOutputStream().write(PING);
			if (Arrays.equals(client.getInputStream().readNBytes(PING.length), PING)) {
				return client;
			}
		}
		catch (SocketException ex) {
			// closed by HAProxy: no server up
		}
		client.close();
		return null;
	}

	private int port(String listener) {
		return this.environment.getRequiredProperty("local.rawtcp." + listener + ".port", Integer.class);
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + path))
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	/** A connection as a handler saw it. */
	record Seen(InetSocketAddress remote, InetSocketAddress socketRemote, ProxyHeader header, boolean tls) {

		static Seen of(Connection connection) {
			return new Seen(connection.remoteAddress(), connection.socketRemoteAddress(),
					connection.proxyHeader().orElseThrow(), connection.tls().isPresent());
		}

	}

	/** Every connection the handlers were given, by listener. */
	static final class Recorder {

		private final Map<String, Queue<Seen>> seen = new ConcurrentHashMap<>();

		void record(Connection connection) {
			this.seen.computeIfAbsent(connection.listenerName(), (name) -> new ConcurrentLinkedQueue<>())
				.add(Seen.of(connection));
		}

		List<Seen> seen(String listener) {
			return List.copyOf(this.seen.getOrDefault(listener, new ConcurrentLinkedQueue<>()));
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BackendApplication {

		/** The endpoint is read over HTTP without credentials: this test is about addresses, not security. */
		@Bean
		SecurityFilterChain openActuator(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		TcpHandler recordingHandler(Recorder recorder) {
			return new TcpHandler() {

				@Override
				public void onOpen(Connection connection) {
					recorder.record(connection);
				}

				@Override
				public void onData(Connection connection, ByteBuffer data) {
					connection.write(data);
				}

			};
		}

		@Bean
		TcpStreamHandler recordingStreamHandler(Recorder recorder) {
			return (stream) -> {
				recorder.record(stream.connection());
				InputStream in = stream.input();
				byte[] buffer = new byte[4096];
				int n;
				while ((n = in.read(buffer)) >= 0) {
					stream.output().write(buffer, 0, n);
					stream.output().flush();
				}
			};
		}

		/** TLS for the listener named {@code ssl}, from a PKCS#12 key pair made by the JDK's keytool. */
		@Bean
		RawTcpListenerCustomizer sslListener() throws Exception {
			SSLContext context = selfSignedContext();
			return (name, builder) -> {
				if (name.equals("ssl")) {
					builder.tls(ServerTls.of(context));
				}
			};
		}

		private static SSLContext selfSignedContext() throws Exception {
			Path keystore = Files.createTempDirectory("rawtcp-haproxy-tls").resolve("server.p12");
			Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
					"-genkeypair", "-alias", "rawtcp", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
					"-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "secret")
				.redirectErrorStream(true)
				.start();
			String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
				throw new IllegalStateException("keytool failed: " + output);
			}
			KeyStore store = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(keystore)) {
				store.load(in, "secret".toCharArray());
			}
			FileSystemUtils.deleteRecursively(keystore.getParent());
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(store, "secret".toCharArray());
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keys.getKeyManagers(), null, null);
			return context;
		}

	}

}
