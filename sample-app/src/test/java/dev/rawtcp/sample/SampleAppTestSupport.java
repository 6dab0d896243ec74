package dev.rawtcp.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.rawtcp.test.LocalRawTcpPort;
import dev.rawtcp.test.TcpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as the README runs it (its {@code application.yml}), with its three
 * listeners and the web server on ephemeral loopback ports, and its development certificate in
 * {@code target/test-dev-tls}; subclasses share one context.
 */
@SpringBootTest(classes = SampleEchoApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.port=0", "server.address=127.0.0.1", "rawtcp.host=127.0.0.1",
				"rawtcp.listeners.echo.port=0", "rawtcp.listeners.upper.port=0",
				"rawtcp.listeners.secure-echo.port=0", "sample.dev-tls.directory=target/test-dev-tls",
				"spring.ssl.bundle.watch.file.quiet-period=200ms" })
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class SampleAppTestSupport {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<TcpTestClient> clients = new ArrayList<>();

	@LocalServerPort
	int webPort;

	@LocalRawTcpPort("echo")
	int echoPort;

	@LocalRawTcpPort("upper")
	int upperPort;

	@LocalRawTcpPort("secure-echo")
	int secureEchoPort;

	@AfterEach
	void closeClients() {
		this.clients.forEach(TcpTestClient::close);
	}

	/**
	 * Connect to a listener on the loopback address; the client is closed after the test.
	 * @param port the listener's bound port
	 * @return the connected client, whose reads time out after 10 seconds
	 */
	TcpTestClient connect(int port) {
		TcpTestClient client = TcpTestClient.connect(port);
		this.clients.add(client);
		return client;
	}

	/**
	 * GET an Actuator path and expect 200.
	 * @param path e.g. {@code /actuator/rawtcp}
	 * @return the body
	 * @throws Exception if the request fails
	 */
	String get(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return response.body();
	}

	/**
	 * Scrape {@code /actuator/prometheus}.
	 * @return the parsed scrape
	 * @throws Exception if the request fails
	 */
	PrometheusScrape scrape() throws Exception {
		return PrometheusScrape.parse(get("/actuator/prometheus"));
	}

}
