package dev.rawtcp.autoconfigure.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.rawtcp.ListenerState;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.epoll.Epoll;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code SecurityFilterChain} of docs/observability.md, over real HTTP with Spring
 * Security's auto-configuration: the documented {@code curl -u ... -X POST} pauses a
 * listener for a user with role {@code RAWTCP_ADMIN}, is refused (403) for a user who may
 * only read, and (401) without credentials. No CSRF token is sent, as with {@code curl}.
 */
@SpringBootTest(classes = RawTcpEndpointSecurityIntegrationTests.SecuredApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rawtcp.transport=epoll", "rawtcp.host=127.0.0.1", "rawtcp.listeners.echo.port=0",
				"management.endpoints.web.exposure.include=health,rawtcp",
				"management.endpoint.rawtcp.access=unrestricted" })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawTcpEndpointSecurityIntegrationTests {

	private static final String PAUSE = "{\"action\":\"pause\"}";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int webPort;

	@Autowired
	private RawTcpServer server;

	@BeforeAll
	static void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
	}

	@AfterEach
	void resume() {
		this.server.getListener("echo").orElseThrow().resume();
	}

	@Test
	void shouldPauseTheListenerForTheAdminRoleWithoutACsrfToken() throws Exception {
		HttpResponse<String> response = post("ops", "ops-secret", PAUSE);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(response.body(), "$.state")).isEqualTo("paused");
		assertThat(echoState()).isEqualTo(ListenerState.PAUSED);
	}

	@Test
	void shouldRefuseThePauseWithoutCredentials() throws Exception {
		assertThat(post(null, null, PAUSE).statusCode()).isEqualTo(401);
		assertThat(post("ops", "wrong", PAUSE).statusCode()).isEqualTo(401);
		assertThat(echoState()).isEqualTo(ListenerState.RUNNING);
	}

	@Test
	void shouldRefuseThePauseForAUserWhoMayOnlyRead() throws Exception {
		assertThat(post("viewer", "viewer-secret", PAUSE).statusCode()).isEqualTo(403);
		assertThat(echoState()).isEqualTo(ListenerState.RUNNING);
		HttpResponse<String> listener = get("viewer", "viewer-secret");
		assertThat(listener.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(listener.body(), "$.state")).isEqualTo("running");
		assertThat(get(null, null).statusCode()).isEqualTo(401);
	}

	private ListenerState echoState() {
		return this.server.getListener("echo").orElseThrow().state();
	}

	private HttpResponse<String> post(@Nullable String user, @Nullable String password, String json)
			throws Exception {
		HttpRequest.Builder request = request(user, password).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(@Nullable String user, @Nullable String password) throws Exception {
		return this.http.send(request(user, password).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(@Nullable String user, @Nullable String password) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/actuator/rawtcp/echo"))
			.timeout(Duration.ofSeconds(10));
		if (user != null) {
			String credentials = user + ":" + password;
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return request;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SecuredApplication {

		@Bean
		TcpHandler echoHandler() {
			return (connection, data) -> connection.write(data);
		}

		// As in docs/observability.md: Actuator needs a login (HTTP Basic); pausing a listener
		// needs the role RAWTCP_ADMIN; no CSRF token for Actuator (a client, not a browser form).
		@Bean
		SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
			http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests((requests) -> requests
					.requestMatchers(EndpointRequest.to("rawtcp").withHttpMethod(HttpMethod.POST))
					.hasRole("RAWTCP_ADMIN")
					.requestMatchers(EndpointRequest.to("health"))
					.permitAll()
					.anyRequest()
					.hasRole("ACTUATOR"))
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint()));
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("ops").password("{noop}ops-secret").roles("ACTUATOR", "RAWTCP_ADMIN").build(),
					User.withUsername("viewer").password("{noop}viewer-secret").roles("ACTUATOR").build());
		}

	}

}
