package dev.rawtcp.autoconfigure.proxy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.autoconfigure.RawTcpServer.Registration;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.ConnectionDescriptor;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.ListenerDescriptor;
import dev.rawtcp.autoconfigure.metrics.RawTcpListenerMetrics;
import dev.rawtcp.proxy.ProxyHeaderError;
import dev.rawtcp.proxy.ProxyProtocolMode;
import dev.rawtcp.proxy.ProxyProtocolPolicy;
import dev.rawtcp.proxy.TrustedSources;
import dev.rawtcp.transport.EventLoopGroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PROXY protocol as the meters and the {@code rawtcp} endpoint show it, without a balancer: a
 * raw socket sends the header. {@code rawtcp.proxy.header.errors} has one series per reason for a
 * listener with the protocol on and none for one without; the endpoint shows each listener's mode,
 * trusted sources and header errors, and each connection's client and socket peer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolObservabilityTests {

	private static final TcpHandler ECHO = (connection, data) -> connection.write(data);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final EventLoopGroup group = EventLoopGroups.create(Transport.NIO, 1);

	private final RawTcpServer server = new RawTcpServer(this.group,
			List.of(new Registration(config("behind-lb", ProxyProtocolMode.REQUIRED, "127.0.0.1/32"), ECHO),
					new Registration(config("strict", ProxyProtocolMode.OPTIONAL, "10.0.0.0/8"), ECHO),
					new Registration(ListenerConfig.builder("plain").host("127.0.0.1").port(0).build(), ECHO)));

	@AfterEach
	void stop() {
		this.server.stop();
		this.group.close();
	}

	@Test
	void shouldCountHeaderErrorsByReasonOnlyForListenersReadingAHeader() throws Exception {
		start();
		Listener strict = this.server.getListener("strict").orElseThrow();
		try (Socket spoofer = connect(strict)) {
			spoofer.getOutputStream().write(v1("192.0.2.66", 4444));
			assertThat(spoofer.getInputStream().read()).isEqualTo(-1);
		}
		catch (SocketException ex) {
			// reset by the refusal: closed all the same
		}
		await().untilAsserted(() -> assertThat(errors("strict", ProxyHeaderError.UNTRUSTED).count()).isEqualTo(1));
		assertThat(this.registry.find("rawtcp.proxy.header.errors").tag("listener", "strict").functionCounters())
			.hasSize(ProxyHeaderError.values().length);
		assertThat(errors("strict", ProxyHeaderError.MISSING).count()).isZero();
		assertThat(this.registry.find("rawtcp.proxy.header.errors").tag("listener", "plain").functionCounters())
			.isEmpty();
	}

	@Test
	void shouldShowTheModeTheTrustedSourcesAndBothAddressesOfEachConnection() throws Exception {
		start();
		RawTcpEndpoint endpoint = new RawTcpEndpoint(this.server);
		Listener behindLb = this.server.getListener("behind-lb").orElseThrow();
		try (Socket client = connect(behindLb)) {
			client.getOutputStream().write(v1("192.0.2.10", 4000));
			client.getOutputStream().write('x');
			assertThat(client.getInputStream().read()).isEqualTo('x');
			ListenerDescriptor listener = endpoint.listener("behind-lb");
			assertThat(listener.proxyProtocol().mode()).isEqualTo("required");
			assertThat(listener.proxyProtocol().trustedSources()).containsExactly("127.0.0.1/32");
			assertThat(listener.proxyProtocol().headerTimeoutMillis()).isEqualTo(5000);
			assertThat(listener.proxyProtocol().maxHeaderSize()).isEqualTo(4096);
			assertThat(listener.stats().proxyHeaderErrors()).containsEntry("untrusted", 0L).containsEntry("missing", 0L);
			ConnectionDescriptor connection = listener.connections().get(0);
			assertThat(connection.remoteAddress()).isEqualTo("192.0.2.10:4000");
			assertThat(connection.socketRemoteAddress()).isEqualTo("127.0.0.1:" + client.getLocalPort());
		}
		ListenerDescriptor plain = endpoint.listener("plain");
		assertThat(plain.proxyProtocol().mode()).isEqualTo("off");
		assertThat(plain.proxyProtocol().trustedSources()).isNull();
		assertThat(plain.stats().proxyHeaderErrors()).isNull();
	}

	private void start() {
		this.server.start();
		this.server.getListeners().values()
			.forEach((listener) -> new RawTcpListenerMetrics(listener, Tags.empty()).bindTo(this.registry));
	}

	private FunctionCounter errors(String listener, ProxyHeaderError reason) {
		return this.registry.get("rawtcp.proxy.header.errors")
			.tags("listener", listener, "transport", "nio", "reason", reason.tag())
			.functionCounter();
	}

	private static ListenerConfig config(String name, ProxyProtocolMode mode, String trusted) {
		return ListenerConfig.builder(name)
			.host("127.0.0.1")
			.port(0)
			.proxyProtocol(new ProxyProtocolPolicy(mode, TrustedSources.of(trusted)))
			.build();
	}

	private static Socket connect(Listener listener) throws Exception {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", listener.port()), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static byte[] v1(String client, int port) {
		return ("PROXY TCP4 " + client + " 127.0.0.1 " + port + " 7000\r\n").getBytes(StandardCharsets.US_ASCII);
	}

}
