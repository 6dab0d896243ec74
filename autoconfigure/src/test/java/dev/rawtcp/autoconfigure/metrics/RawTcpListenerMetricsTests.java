package dev.rawtcp.autoconfigure.metrics;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;
import dev.rawtcp.transport.EventLoopGroups;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawTcpListenerMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final List<Socket> clients = new ArrayList<>();

	private EventLoopGroup group;

	@AfterEach
	void close() throws Exception {
		for (Socket client : this.clients) {
			client.close();
		}
		if (this.group != null) {
			this.group.close();
		}
	}

	private Listener bindEcho(Transport transport) {
		this.group = EventLoopGroups.create(transport, 2);
		Listener listener = this.group.bind(
				ListenerConfig.builder("echo").host("127.0.0.1").port(0).backlog(64).build(),
				(connection, data) -> connection.write(data));
		new RawTcpListenerMetrics(listener, Tags.empty()).bindTo(this.registry);
		return listener;
	}

	private Socket connect(Listener listener) throws Exception {
		Socket socket = new Socket("127.0.0.1", listener.port());
		this.clients.add(socket);
		return socket;
	}

	private double gauge(String name) {
		return this.registry.get(name).tags("listener", "echo", "transport", "epoll").gauge().value();
	}

	private double counter(String name, String... tags) {
		return this.registry.get(name).tags("listener", "echo", "transport", "epoll").tags(tags).functionCounter()
			.count();
	}

	@Test
	void shouldShowConnectionsWaitingInTheKernelAcceptQueueWhilePaused() throws Exception {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		Listener listener = bindEcho(Transport.EPOLL);
		assertThat(gauge("rawtcp.accept.queue.limit")).isEqualTo(64);
		listener.pause();
		for (int i = 0; i < 5; i++) {
			connect(listener);
		}
		await().untilAsserted(() -> assertThat(gauge("rawtcp.accept.queue.size")).isEqualTo(5));
		assertThat(counter("rawtcp.connections.accepted")).isZero();
		listener.resume();
		await().untilAsserted(() -> {
			assertThat(gauge("rawtcp.accept.queue.size")).isZero();
			assertThat(counter("rawtcp.connections.accepted")).isEqualTo(5);
			assertThat(gauge("rawtcp.connections.active")).isEqualTo(5);
		});
	}

	@Test
	void shouldShowEachShardsAcceptQueueAndTheirSum() throws Exception {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		this.group = EventLoopGroups.create(Transport.EPOLL, 2);
		Listener listener = this.group.bind(ListenerConfig.builder("echo").host("127.0.0.1").port(0).backlog(64)
			.acceptSharding(AcceptSharding.PER_LOOP).build(), (connection, data) -> connection.write(data));
		new RawTcpListenerMetrics(listener, Tags.empty()).bindTo(this.registry);
		assertThat(this.registry.get("rawtcp.accept.queue.shard.size").gauges()).hasSize(2);
		listener.pause();
		for (int i = 0; i < 24; i++) {
			connect(listener);
		}
		await().untilAsserted(() -> assertThat(gauge("rawtcp.accept.queue.size")).isEqualTo(24));
		double shard0 = shardGauge("0");
		double shard1 = shardGauge("1");
		assertThat(shard0 + shard1).isEqualTo(24);
		assertThat(shard0).isPositive();
		assertThat(shard1).isPositive();
		listener.resume();
		await().untilAsserted(() -> assertThat(shardGauge("0") + shardGauge("1")).isZero());
	}

	private double shardGauge(String shard) {
		return this.registry.get("rawtcp.accept.queue.shard.size").tags("listener", "echo", "transport", "epoll")
			.tag("shard", shard).gauge().value();
	}

	@Test
	void shouldRegisterNoShardGaugeWithoutSharding() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		bindEcho(Transport.EPOLL);
		assertThat(this.registry.find("rawtcp.accept.queue.shard.size").meters()).isEmpty();
	}

	@Test
	void shouldCountEchoedBytesBothWays() throws Exception {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		Listener listener = bindEcho(Transport.EPOLL);
		byte[] payload = new byte[100_000];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		Socket client = connect(listener);
		OutputStream out = client.getOutputStream();
		InputStream in = client.getInputStream();
		Thread writer = new Thread(() -> {
			try {
				out.write(payload);
				out.flush();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		writer.start();
		assertThat(in.readNBytes(payload.length)).isEqualTo(payload);
		writer.join();
		await().untilAsserted(() -> {
			assertThat(counter("rawtcp.bytes.received")).isEqualTo(payload.length);
			assertThat(counter("rawtcp.bytes.sent")).isEqualTo(payload.length);
		});
		assertThat(this.registry.get("rawtcp.bytes.received").functionCounter().getId().getBaseUnit())
			.isEqualTo("bytes");
	}

	@Test
	void shouldCountAResetConnectionUnderReasonReset() throws Exception {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		Listener listener = bindEcho(Transport.EPOLL);
		Socket graceful = connect(listener);
		Socket reset = connect(listener);
		await().until(() -> counter("rawtcp.connections.accepted") == 2);
		reset.setSoLinger(true, 0);
		reset.close();
		graceful.close();
		await().untilAsserted(() -> {
			assertThat(counter("rawtcp.connections.closed", "reason", "reset")).isEqualTo(1);
			assertThat(counter("rawtcp.connections.closed", "reason", "normal")).isEqualTo(1);
			assertThat(gauge("rawtcp.connections.active")).isZero();
		});
		assertThat(counter("rawtcp.connections.closed", "reason", "error")).isZero();
	}

	@Test
	void shouldRegisterEveryKnownErrnoAndOtherUpFront() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		bindEcho(Transport.EPOLL);
		for (String errno : ListenerStats.KNOWN_ACCEPT_ERRNOS) {
			assertThat(counter("rawtcp.accept.errors", "errno", errno)).isZero();
		}
		assertThat(counter("rawtcp.accept.errors", "errno", "OTHER")).isZero();
		assertThat(counter("rawtcp.handler.errors")).isZero();
		assertThat(counter("rawtcp.connections.rejected")).isZero();
	}

	@Test
	void shouldShowTheCurrentStateAsTheOneSeriesAtOne() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
		Listener listener = bindEcho(Transport.EPOLL);
		assertThat(states()).containsExactly(1.0, 0.0, 0.0, 0.0);
		listener.pause();
		assertThat(states()).containsExactly(0.0, 1.0, 0.0, 0.0);
		listener.resume();
		assertThat(states()).containsExactly(1.0, 0.0, 0.0, 0.0);
		listener.stop(Duration.ZERO);
		assertThat(states()).containsExactly(0.0, 0.0, 0.0, 1.0);
		assertThat(counter("rawtcp.frame.errors")).isZero();
		assertThat(counter("rawtcp.connections.linger.resets")).isZero();
	}

	/** The state gauge's values for running, paused, draining and stopped. */
	private List<Double> states() {
		return Stream.of("running", "paused", "draining", "stopped")
			.map((state) -> this.registry.get("rawtcp.listener.state")
				.tags("listener", "echo", "transport", "epoll", "state", state)
				.gauge()
				.value())
			.toList();
	}

	@Test
	void shouldNotRegisterKernelOnlyGaugesOnNio() {
		try {
			this.group = EventLoopGroups.create(Transport.NIO, 1);
		}
		catch (UnsupportedOperationException ex) {
			assumeTrue(false, "nio transport not available yet");
		}
		Listener listener = this.group.bind(ListenerConfig.builder("echo").host("127.0.0.1").port(0).build(),
				(connection, data) -> connection.write(data));
		new RawTcpListenerMetrics(listener, Tags.empty()).bindTo(this.registry);
		assertThat(this.registry.find("rawtcp.accept.queue.size").meters()).isEmpty();
		assertThat(this.registry.find("rawtcp.accept.queue.limit").meters()).isEmpty();
		assertThat(this.registry.get("rawtcp.connections.accepted").tags("transport", "nio").functionCounter())
			.isNotNull();
	}

}
