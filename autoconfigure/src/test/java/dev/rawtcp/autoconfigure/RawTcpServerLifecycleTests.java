package dev.rawtcp.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerState;
import dev.rawtcp.Transport;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandler;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;
import dev.rawtcp.internal.AbstractEventLoopGroup;
import dev.rawtcp.transport.EventLoopGroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server's lifecycle as Spring Boot's web server has it: it never shuts down a group it
 * did not make, it serves again after a context {@code stop()} then {@code start()}, and with
 * no listener no event-loop thread starts. Real contexts, real sockets on 127.0.0.1.
 */
@Timeout(60)
class RawTcpServerLifecycleTests {

	private final ApplicationContextRunner echo = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RawTcpAutoConfiguration.class))
		.withUserConfiguration(EchoHandlerConfiguration.class)
		.withPropertyValues("rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1");

	@Test
	void shouldNeverShutDownAGroupTheApplicationSupplied() throws Exception {
		try (EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 1)) {
			this.echo.withBean("userGroup", EventLoopGroup.class, () -> group,
					(definition) -> definition.setDestroyMethodName(""))
				.withPropertyValues("rawtcp.listeners.echo.port=0")
				.run((context) -> {
					assertThat(context.getBean(RawTcpServer.class).getEventLoopGroup()).isSameAs(group);
					assertEchoes(port(context, "echo"));
					context.stop();
					assertThat(group.isAlive()).as("alive after the server stopped").isTrue();
				});
			assertThat(group.isAlive()).as("alive after the context closed").isTrue();
			assertThat(group.listeners()).isEmpty();
			Listener listener = group.bind(ListenerConfig.builder("after").host("127.0.0.1").port(0).build(),
					new EchoHandler());
			assertEchoes(listener.port());
		}
	}

	@Test
	void shouldServeOnANewEphemeralPortAfterContextStopThenStart() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0").run((context) -> {
			RawTcpServer server = context.getBean(RawTcpServer.class);
			int first = port(context, "echo");
			assertEchoes(first);
			Listener stopped = server.getListener("echo").orElseThrow();
			context.stop();
			assertThat(server.isRunning()).isFalse();
			assertThat(stopped.state()).isEqualTo(ListenerState.STOPPED);
			assertThat(server.getEventLoopGroup().isAlive()).isTrue();
			context.start();
			assertThat(server.isRunning()).isTrue();
			Listener again = server.getListener("echo").orElseThrow();
			assertThat(again).isNotSameAs(stopped);
			assertThat(again.state()).isEqualTo(ListenerState.RUNNING);
			assertThat(port(context, "echo")).as("published again").isEqualTo(again.port());
			assertEchoes(again.port());
		});
	}

	@Test
	void shouldServeOnTheSamePortAfterContextStopThenStart() throws Exception {
		int port = freePort();
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=" + port).run((context) -> {
			assertEchoes(port);
			context.stop();
			assertThatExceptionOfType(ConnectException.class).as("refused while stopped")
				.isThrownBy(() -> connect(port).close());
			context.start();
			assertThat(port(context, "echo")).isEqualTo(port);
			assertEchoes(port);
		});
	}

	@Test
	void shouldStartNoEventLoopWithoutAListener() {
		this.echo.run((context) -> {
			assertThat(context.getBean(RawTcpServer.class).isRunning()).isTrue();
			AbstractEventLoopGroup<?> group = (AbstractEventLoopGroup<?>) context.getBean(EventLoopGroup.class);
			assertThat(group.isStarted()).as("loops started").isFalse();
			assertThat(group.streamBuffers().allocated()).isZero();
			assertThat(group.isAlive()).isTrue();
		});
	}

	@Test
	void shouldStartTheEventLoopsWithTheFirstListener() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0").run((context) -> {
			AbstractEventLoopGroup<?> group = (AbstractEventLoopGroup<?>) context.getBean(EventLoopGroup.class);
			assertThat(group.isStarted()).isTrue();
			assertEchoes(port(context, "echo"));
		});
	}

	private static int port(AssertableApplicationContext context, String name) {
		Integer port = context.getEnvironment().getProperty("local.rawtcp." + name + ".port", Integer.class);
		assertThat(port).isNotNull().isPositive();
		return port;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void assertEchoes(int port) throws IOException {
		byte[] message = "hello again".getBytes(StandardCharsets.US_ASCII);
		try (Socket socket = connect(port)) {
			socket.getOutputStream().write(message);
			socket.shutdownOutput();
			InputStream in = socket.getInputStream();
			assertThat(in.readAllBytes()).isEqualTo(message);
		}
	}

}
