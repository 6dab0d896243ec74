package dev.rawtcp.autoconfigure.health;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.autoconfigure.RawTcpServer.Registration;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.transport.EventLoopGroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawTcpHealthIndicatorTests {

	private static final TcpHandler ECHO = (connection, data) -> connection.write(data);

	private DyingEventLoopGroup group;

	private RawTcpServer server;

	@BeforeEach
	void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		this.group = new DyingEventLoopGroup(EventLoopGroups.create(Transport.EPOLL, 1));
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
		if (this.group != null) {
			this.group.close();
		}
	}

	private static Registration registration(String name, int port) {
		return new Registration(ListenerConfig.builder(name).host("127.0.0.1").port(port).build(), ECHO);
	}

	private Health health() {
		return new RawTcpHealthIndicator(this.server).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> listenerDetails(Health health, String name) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("listeners")).get(name);
	}

	@Test
	void shouldBeOutOfServiceBeforeTheServerStarts() {
		this.server = new RawTcpServer(this.group, List.of(registration("echo", 0)));
		assertThat(health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void shouldBeUpWithPerListenerDetailsWhenBoundAndAlive() {
		this.server = new RawTcpServer(this.group, List.of(registration("echo", 0), registration("other", 0)));
		this.server.start();
		Listener echo = this.server.getListener("echo").orElseThrow();
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(listenerDetails(health, "echo")).containsEntry("state", "running")
			.containsEntry("address", "127.0.0.1:" + echo.port())
			.containsEntry("activeConnections", 0);
		assertThat(listenerDetails(health, "other")).containsEntry("state", "running");
	}

	@Test
	void shouldBeOutOfServiceNamingAPausedListenerAndUpAgainWhenResumed() {
		this.server = new RawTcpServer(this.group, List.of(registration("echo", 0), registration("other", 0)));
		this.server.start();
		Listener echo = this.server.getListener("echo").orElseThrow();
		echo.pause();
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("reason", "listener 'echo' is paused");
		assertThat(listenerDetails(health, "echo")).containsEntry("state", "paused");
		assertThat(listenerDetails(health, "other")).containsEntry("state", "running");
		echo.resume();
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void shouldBeDownRatherThanOutOfServiceWhenAnotherListenerStoppedWhileOneIsPaused() {
		this.server = new RawTcpServer(this.group, List.of(registration("echo", 0), registration("other", 0)));
		this.server.start();
		this.server.getListener("echo").orElseThrow().pause();
		this.server.getListener("other").orElseThrow().stop(Duration.ZERO);
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "listener 'other' is stopped");
	}

	@Test
	void shouldBeDownNamingAListenerThatStopped() {
		this.server = new RawTcpServer(this.group, List.of(registration("echo", 0), registration("other", 0)));
		this.server.start();
		this.server.getListener("other").orElseThrow().stop(Duration.ZERO);
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "listener 'other' is stopped");
	}

	@Test
	void shouldBeDownNamingTheDeadEventLoop() {
		this.server = new RawTcpServer(this.group, List.of(registration("echo", 0)));
		this.server.start();
		this.group.dead = true;
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "an event loop of the epoll group died")
			.containsEntry("eventLoops", Map.of("threads", 1, "alive", false));
	}

	@Test
	void shouldBeDownNamingAListenerThatFailedToBind() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			this.server = new RawTcpServer(this.group,
					List.of(registration("echo", 0), registration("busy", taken.getLocalPort())));
			assertThatException().isThrownBy(this.server::start);
			Health health = health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("reason")).contains("listener 'busy' failed: ");
			assertThat(health.getDetails()).containsKey("failures");
		}
	}

	/**
	 * A real group whose loops can be declared dead: a loop thread dying is not something a
	 * test can provoke from outside (the loop survives handler errors by design).
	 */
	static final class DyingEventLoopGroup implements EventLoopGroup {

		private final EventLoopGroup delegate;

		volatile boolean dead;

		DyingEventLoopGroup(EventLoopGroup delegate) {
			this.delegate = delegate;
		}

		@Override
		public Transport transport() {
			return this.delegate.transport();
		}

		@Override
		public int threads() {
			return this.delegate.threads();
		}

		@Override
		public Listener bind(ListenerConfig config, TcpHandler handler) {
			return this.delegate.bind(config, handler);
		}

		@Override
		public Listener bind(ListenerConfig config, TcpStreamHandler handler) {
			return this.delegate.bind(config, handler);
		}

		@Override
		public List<Listener> listeners() {
			return this.delegate.listeners();
		}

		@Override
		public boolean isAlive() {
			return !this.dead && this.delegate.isAlive();
		}

		@Override
		public void shutdownGracefully(Duration gracePeriod) {
			this.delegate.shutdownGracefully(gracePeriod);
		}

	}

}
