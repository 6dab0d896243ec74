package dev.rawtcp.autoconfigure;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerState;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot application with two listeners on 127.0.0.1, port 0, talking over real sockets.
 */
@SpringBootTest(properties = { "rawtcp.host=127.0.0.1", "rawtcp.event-loop.threads=2",
		"rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.handler=echoHandler",
		"rawtcp.listeners.upper.port=0", "rawtcp.listeners.upper.handler=upperHandler" })
@Timeout(60)
class RawTcpServerIntegrationTests {

	@Value("${local.rawtcp.echo.port}")
	private int echoPort;

	@Value("${local.rawtcp.upper.port}")
	private int upperPort;

	@Autowired
	private RawTcpServer server;

	@Test
	void shouldPublishBoundPortsOfBothListeners() {
		assertThat(this.echoPort).isPositive().isEqualTo(this.server.getListener("echo").orElseThrow().port());
		assertThat(this.upperPort).isPositive().isEqualTo(this.server.getListener("upper").orElseThrow().port());
		assertThat(this.server.getListeners().values()).allSatisfy(
				(listener) -> assertThat(listener.state()).isEqualTo(ListenerState.RUNNING));
		assertThat(this.server.getFailures()).isEmpty();
	}

	@Test
	void shouldEchoThroughTcpHandlerBean() throws Exception {
		byte[] message = new byte[100_000];
		for (int i = 0; i < message.length; i++) {
			message[i] = (byte) (i % 251);
		}
		try (Socket socket = new Socket("127.0.0.1", this.echoPort)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(message);
			out.flush();
			socket.shutdownOutput();
			InputStream in = socket.getInputStream();
			assertThat(in.readAllBytes()).isEqualTo(message);
		}
		assertThat(this.server.getListener("echo").orElseThrow().mode()).isEqualTo(ListenerMode.EVENT_LOOP);
	}

	@Test
	void shouldAnswerLinesThroughTcpStreamHandlerBean() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.upperPort)) {
			socket.setSoTimeout(10_000);
			PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			out.println("hello");
			assertThat(in.readLine()).isEqualTo("HELLO");
			out.println("raw tcp");
			assertThat(in.readLine()).isEqualTo("RAW TCP");
		}
		assertThat(this.server.getListener("upper").orElseThrow().mode()).isEqualTo(ListenerMode.THREAD_PER_CONNECTION);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		EchoHandler echoHandler() {
			return new EchoHandler();
		}

		@Bean
		TcpStreamHandler upperHandler() {
			return (stream) -> {
				BufferedReader in = new BufferedReader(new InputStreamReader(stream.input(), StandardCharsets.UTF_8));
				OutputStream out = stream.output();
				String line;
				while ((line = in.readLine()) != null) {
					out.write((line.toUpperCase(Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
				}
			};
		}

	}

}
