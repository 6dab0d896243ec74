package dev.rawtcp.transport;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.rawtcp.Connection;
import dev.rawtcp.ListenerBindException;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerState;
import dev.rawtcp.PortInUseException;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Binding: what a listener reports, typed bind failures, the mode check, and the options
 * accepted connections get.
 */
public abstract class AbstractListenerTest extends TransportTestSupport {

	@Test
	void shouldReportWhatWasBound() {
		Listener listener = bind(config("facts"), ECHO);
		assertThat(listener.transport()).isEqualTo(transport());
		assertThat(listener.mode()).isEqualTo(ListenerMode.EVENT_LOOP);
		assertThat(listener.state()).isEqualTo(ListenerState.RUNNING);
		assertThat(listener.port()).isPositive();
		assertThat(listener.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(group().listeners()).containsExactly(listener);
		assertThat(group().transport()).isEqualTo(transport());
		assertThat(group().threads()).isEqualTo(2);
		assertThat(group().isAlive()).isTrue();
	}

	@Test
	void shouldFailWithPortInUseWhenAnotherListenerHoldsThePort() {
		Listener first = bind(config("first"), ECHO);
		assertThatExceptionOfType(PortInUseException.class)
			.isThrownBy(() -> bind(config("second").port(first.port()), ECHO))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(ListenerBindException.Kind.ADDRESS_IN_USE);
				assertThat(ex.getListenerName()).isEqualTo("second");
				assertThat(ex.getPort()).isEqualTo(first.port());
				assertThat(ex.getMessage()).contains("second").contains(String.valueOf(first.port()));
			});
		assertThat(group().listeners()).containsExactly(first);
	}

	@Test
	void shouldFailWithAddressNotAvailableForAForeignAddress() {
		// 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine; nothing is sent
		assertThatExceptionOfType(ListenerBindException.class)
			.isThrownBy(() -> bind(config("foreign").host("192.0.2.1"), ECHO))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ListenerBindException.Kind.ADDRESS_NOT_AVAILABLE));
	}

	@Test
	void shouldFailWithPermissionDeniedForAPrivilegedPort() throws Exception {
		assumeTrue(!"root".equals(System.getProperty("user.name")), "root may bind privileged ports");
		// a reader: Files.readString returns only the first byte of a /proc/sys file on this kernel
		String start = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).get(0).trim();
		assumeTrue(Integer.parseInt(start) > 1, "every port is unprivileged here");
		assertThatExceptionOfType(ListenerBindException.class)
			.isThrownBy(() -> bind(config("privileged").port(1), ECHO))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ListenerBindException.Kind.PERMISSION_DENIED));
	}

	@Test
	void shouldRejectAnEventLoopHandlerOnAThreadPerConnectionListener() {
		TcpHandler handler = ECHO;
		assertThatIllegalArgumentException()
			.isThrownBy(() -> bind(config("wrong").mode(ListenerMode.THREAD_PER_CONNECTION), handler))
			.withMessageContaining("wrong")
			.withMessageContaining("thread-per-connection");
	}

	@Test
	void shouldRejectAStreamHandlerOnAnEventLoopListener() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> bind(config("wrong2").mode(ListenerMode.EVENT_LOOP), STREAM_ECHO))
			.withMessageContaining("wrong2")
			.withMessageContaining("event-loop");
	}

	@Test
	void shouldApplyKeepAliveAndNoDelayToAcceptedConnections() throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bind(config("options").keepAliveIdle(Duration.ofSeconds(30))
			.keepAliveInterval(Duration.ofMillis(4500)).keepAliveCount(4), echoReportingOpens(opened::complete));
		Socket socket = connect(listener);
		Connection connection = opened.get(10, TimeUnit.SECONDS);
		SocketOptionsView options = connection.socketOptions();
		assertThat(options.keepAlive()).isTrue();
		assertThat(options.tcpNoDelay()).isTrue();
		assertThat(options.keepAliveIdleSeconds()).isEqualTo(30);
		assertThat(options.keepAliveIntervalSeconds()).isEqualTo(5);
		assertThat(options.keepAliveCount()).isEqualTo(4);
		assertThat(connection.remoteAddress().getPort()).isEqualTo(socket.getLocalPort());
		assertThat(connection.localAddress().getPort()).isEqualTo(listener.port());
		assertThat(connection.listenerName()).isEqualTo("options");
	}

	@Test
	void shouldLeaveKeepAliveAndNoDelayOffWhenSwitchedOff() throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bind(config("options-off").keepAlive(false).tcpNoDelay(false),
				echoReportingOpens(opened::complete));
		connect(listener);
		Connection connection = opened.get(10, TimeUnit.SECONDS);
		SocketOptionsView options = connection.socketOptions();
		assertThat(options.keepAlive()).isFalse();
		assertThat(options.tcpNoDelay()).isFalse();
	}

	@Test
	void shouldApplyBufferSizesThroughTheirDescriptors() throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bind(config("buffers").receiveBufferSize(32 * 1024).sendBufferSize(32 * 1024),
				echoReportingOpens(opened::complete));
		connect(listener);
		SocketOptionsView options = opened.get(10, TimeUnit.SECONDS).socketOptions();
		// Linux doubles what it was asked for (room for its bookkeeping); epoll shows the kernel's
		// value, the JDK halves it back on Linux
		assertThat(options.receiveBufferSize()).isIn(32 * 1024, 64 * 1024);
		assertThat(options.sendBufferSize()).isEqualTo(options.receiveBufferSize());
		assertThat(listener.socketOptions().reuseAddress()).isTrue();
		assertThat(listener.socketOptions().receiveBufferSize()).isEqualTo(options.receiveBufferSize());
	}

	@Test
	void shouldListOpenConnectionsUpToTheLimit() throws Exception {
		Listener listener = bind(config("list"), ECHO);
		Socket first = connect(listener);
		connect(listener);
		connect(listener);
		first.getOutputStream().write(new byte[10]);
		assertThat(first.getInputStream().readNBytes(10)).hasSize(10);
		org.awaitility.Awaitility.await().until(() -> listener.connections(10).size() == 3);
		assertThat(listener.connections(2)).hasSize(2);
		assertThat(listener.connections(10)).anySatisfy((info) -> {
			assertThat(info.remoteAddress().getPort()).isEqualTo(first.getLocalPort());
			assertThat(info.bytesReceived()).isEqualTo(10);
			assertThat(info.bytesSent()).isEqualTo(10);
		});
	}

}
