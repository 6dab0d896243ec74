package dev.rawtcp.epoll;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerState;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What only the epoll transport can do: read back what the kernel made of the listener.
 */
class EpollKernelFactsTest extends EpollTestSupport {

	private Listener bind(ListenerConfig.Builder config, TcpHandler handler) {
		group(2);
		return this.group.bind(config.host("127.0.0.1").port(0).build(), handler);
	}

	private static int somaxconn() throws Exception {
		return Integer.parseInt(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
	}

	@Test
	void shouldEchoThroughSyscallBuiltListener() throws Exception {
		Listener listener = bind(ListenerConfig.builder("echo"), (c, data) -> c.write(data));
		assertThat(listener.transport()).isEqualTo(Transport.EPOLL);
		try (Socket socket = new Socket("127.0.0.1", listener.port())) {
			socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
			byte[] reply = socket.getInputStream().readNBytes(6);
			assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("hello\n");
		}
	}

	@Test
	void shouldReportTheBacklogTheKernelApplied() throws Exception {
		Listener listener = bind(ListenerConfig.builder("b").backlog(77), (c, data) -> c.write(data));
		assertThat(listener.configuredBacklog()).isEqualTo(77);
		assertThat(listener.effectiveBacklog()).hasValue(77);
	}

	@Test
	void shouldReportBacklogClampedToSomaxconn() throws Exception {
		int somaxconn = somaxconn();
		assumeTrue(somaxconn < 65535, "somaxconn too large to exceed");
		Listener listener = bind(ListenerConfig.builder("big").backlog(somaxconn + 1000), (c, data) -> c.write(data));
		assertThat(listener.effectiveBacklog()).hasValue(somaxconn);
	}

	@Test
	void shouldQueueConnectionsInTheKernelWhilePaused() throws Exception {
		List<Connection> opened = new CopyOnWriteArrayList<>();
		Listener listener = bind(ListenerConfig.builder("q"), new TcpHandler() {
			@Override
			public void onOpen(Connection connection) {
				opened.add(connection);
			}

			@Override
			public void onData(Connection connection, java.nio.ByteBuffer data) {
				connection.write(data);
			}
		});
		listener.pause();
		assertThat(listener.state()).isEqualTo(ListenerState.PAUSED);
		List<Socket> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 5; i++) {
				clients.add(new Socket("127.0.0.1", listener.port()));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.acceptQueueSize().orElse(-1) == 5);
			assertThat(opened).isEmpty();
			listener.resume();
			await().atMost(Duration.ofSeconds(5)).until(() -> opened.size() == 5);
			assertThat(listener.acceptQueueSize()).hasValue(0);
			assertThat(listener.stats().accepted()).isEqualTo(5);
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	@Test
	void shouldApplyKeepaliveReadBackFromAcceptedSockets() throws Exception {
		List<SocketOptionsView> seen = new CopyOnWriteArrayList<>();
		Listener listener = bind(ListenerConfig.builder("ka").keepAliveIdle(Duration.ofMillis(1500))
			.keepAliveInterval(Duration.ofSeconds(7)).keepAliveCount(4).userTimeout(Duration.ofSeconds(20)),
				new TcpHandler() {
					@Override
					public void onOpen(Connection connection) {
						seen.add(connection.socketOptions());
					}

					@Override
					public void onData(Connection connection, java.nio.ByteBuffer data) {
					}
				});
		try (Socket socket = new Socket("127.0.0.1", listener.port())) {
			await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
		}
		SocketOptionsView accepted = seen.get(0);
		assertThat(accepted.keepAlive()).isTrue();
		assertThat(accepted.keepAliveIdleSeconds()).isEqualTo(2);
		assertThat(accepted.keepAliveIntervalSeconds()).isEqualTo(7);
		assertThat(accepted.keepAliveCount()).isEqualTo(4);
		assertThat(accepted.tcpNoDelay()).isTrue();
		assertThat(accepted.userTimeoutMillis()).isEqualTo(20000);
		SocketOptionsView listening = listener.socketOptions();
		assertThat(listening.keepAliveIdleSeconds()).isEqualTo(accepted.keepAliveIdleSeconds());
		assertThat(listening.keepAliveIntervalSeconds()).isEqualTo(accepted.keepAliveIntervalSeconds());
		assertThat(listening.keepAliveCount()).isEqualTo(accepted.keepAliveCount());
	}

	@Test
	void shouldEchoLinesOnThreadPerConnection() throws Exception {
		group(2);
		Listener listener = this.group.bind(ListenerConfig.builder("upper").host("127.0.0.1").port(0).build(),
				(dev.rawtcp.TcpStreamHandler) (stream) -> {
					InputStream in = stream.input();
					OutputStream out = stream.output();
					int b;
					while ((b = in.read()) != -1) {
						out.write(Character.toUpperCase(b));
						if (b == '\n') {
							out.flush();
						}
					}
				});
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", listener.port()));
			socket.getOutputStream().write("abc\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ABC\n");
			socket.getOutputStream().write("xyz\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("XYZ\n");
			socket.shutdownOutput();
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void shouldReadTcpInfoOfAnAcceptedConnection() throws Exception {
		List<dev.rawtcp.TcpInfo> infos = new CopyOnWriteArrayList<>();
		Listener listener = bind(ListenerConfig.builder("info"), (c, data) -> {
			c.tcpInfo().ifPresent(infos::add);
			c.write(data);
		});
		try (Socket socket = new Socket("127.0.0.1", listener.port())) {
			for (int i = 0; i < 10; i++) {
				socket.getOutputStream().write(i);
				assertThat(socket.getInputStream().read()).isEqualTo(i);
			}
		}
		assertThat(infos).isNotEmpty();
		dev.rawtcp.TcpInfo last = infos.get(infos.size() - 1);
		assertThat(last.state()).isEqualTo(1); // TCP_ESTABLISHED
		assertThat(last.rttMicros()).isPositive();
		assertThat(last.bytesReceived()).isGreaterThanOrEqualTo(9);
	}

	@Test
	void shouldServeIpv6Loopback() throws Exception {
		assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/if_inet6")), "no IPv6");
		group(1);
		Listener listener;
		try {
			listener = this.group.bind(ListenerConfig.builder("v6").host("::1").port(0).build(), (c, d) -> c.write(d));
		}
		catch (dev.rawtcp.ListenerBindException ex) {
			assumeTrue(false, "::1 not bindable here: " + ex.getMessage());
			return;
		}
		try (Socket socket = new Socket("::1", listener.port())) {
			socket.getOutputStream().write(42);
			assertThat(socket.getInputStream().read()).isEqualTo(42);
		}
		assertThat(listener.localAddress().getAddress()).isInstanceOf(java.net.Inet6Address.class);
	}

	@Test
	void shouldFailWithPortInUseNamingListenerAndPort() throws Exception {
		try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
			group(1);
			ListenerConfig config = ListenerConfig.builder("clash").host("127.0.0.1").port(taken.getLocalPort()).build();
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.group.bind(config, (c, d) -> c.write(d)))
				.isInstanceOf(dev.rawtcp.PortInUseException.class)
				.hasMessageContaining("clash")
				.hasMessageContaining(String.valueOf(taken.getLocalPort()))
				.hasMessageContaining("Address already in use");
		}
	}

}
