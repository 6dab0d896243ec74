package dev.rawtcp.autoconfigure;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LengthFieldDecoder;
import dev.rawtcp.codec.LengthFieldEncoder;
import dev.rawtcp.codec.LineEncoder;

import static dev.rawtcp.autoconfigure.LoopbackClients.assertClosedByServer;
import static dev.rawtcp.autoconfigure.LoopbackClients.connect;
import static dev.rawtcp.autoconfigure.LoopbackClients.lines;
import static dev.rawtcp.autoconfigure.LoopbackClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Framed handlers declared as {@code @Bean}s, with their maximum frame sizes taken from the
 * application's own properties ({@code @Value} of a {@link DataSize}), found by the
 * listeners' handler lookup and run in event-loop mode.
 */
@Timeout(60)
class FramedHandlerBeanTests {

	@Test
	void shouldServeEachListenerWithItsFramedHandlerBeanAndItsMaximumFromTheProperties() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(FramedHandlersApplication.class)
			.web(WebApplicationType.NONE)
			.run("--rawtcp.host=127.0.0.1", "--rawtcp.listeners.lines.port=0",
					"--rawtcp.listeners.lines.handler=upperCaseHandler", "--rawtcp.listeners.frames.port=0",
					"--rawtcp.listeners.frames.handler=frameEchoHandler", "--app.max-line-length=16B",
					"--app.max-frame-length=100B")) {
			RawTcpServer server = context.getBean(RawTcpServer.class);
			Listener lines = server.getListener("lines").orElseThrow();
			Listener frames = server.getListener("frames").orElseThrow();
			assertThat(lines.mode()).isEqualTo(ListenerMode.EVENT_LOOP);
			assertThat(frames.mode()).isEqualTo(ListenerMode.EVENT_LOOP);

			try (Socket client = connect(lines.port())) {
				BufferedReader replies = lines(client);
				send(client, "sixteen bytes ok\n");
				assertThat(replies.readLine()).isEqualTo("SIXTEEN BYTES OK");
				send(client, "seventeen bytes!!\n");
				assertClosedByServer(client);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> lines.stats().frameErrors() == 1);

			try (Socket client = connect(frames.port())) {
				DataOutputStream out = new DataOutputStream(client.getOutputStream());
				DataInputStream in = new DataInputStream(client.getInputStream());
				out.writeInt(100);
				out.write("ab".repeat(50).getBytes(StandardCharsets.US_ASCII));
				assertThat(in.readInt()).isEqualTo(100);
				assertThat(new String(in.readNBytes(100), StandardCharsets.US_ASCII)).isEqualTo("ab".repeat(50));
				out.writeInt(101);
				assertClosedByServer(client);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> frames.stats().frameErrors() == 1);
		}
	}

	@Test
	void shouldFailStartupWhenAMaximumFromThePropertiesIsZero() {
		SpringApplicationBuilder application = new SpringApplicationBuilder(FramedHandlersApplication.class)
			.web(WebApplicationType.NONE);
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> application.run("--rawtcp.host=127.0.0.1", "--rawtcp.listeners.frames.port=0",
					"--rawtcp.listeners.frames.handler=frameEchoHandler", "--app.max-frame-length=0B"))
			.withMessageContaining("frameEchoHandler")
			.withRootCauseInstanceOf(IllegalArgumentException.class)
			.havingRootCause()
			.withMessageContaining("'maxFrameLength' must be positive, was 0");
	}

	@Test
	void shouldFindTheOnlyFramedHandlerBeanWithoutAHandlerProperty() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SingleFramedHandlerApplication.class)
			.web(WebApplicationType.NONE)
			.run("--rawtcp.host=127.0.0.1", "--rawtcp.port=0")) {
			Listener listener = context.getBean(RawTcpServer.class).getListener("default").orElseThrow();
			assertThat(listener.mode()).isEqualTo(ListenerMode.EVENT_LOOP);
			try (Socket client = connect(listener.port())) {
				send(client, "ping\n");
				assertThat(lines(client).readLine()).isEqualTo("PING");
			}
		}
	}

	private static FramedHandler upperCase(DataSize maxLineLength) {
		LineEncoder out = new LineEncoder();
		return FramedHandler.lines(Math.toIntExact(maxLineLength.toBytes()),
				(connection, line) -> out.write(connection, line.toUpperCase(Locale.ROOT)));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FramedHandlersApplication {

		@Bean
		FramedHandler upperCaseHandler(@Value("${app.max-line-length:64KB}") DataSize maxLineLength) {
			return upperCase(maxLineLength);
		}

		@Bean
		FramedHandler frameEchoHandler(@Value("${app.max-frame-length:1MB}") DataSize maxFrameLength) {
			int max = Math.toIntExact(maxFrameLength.toBytes());
			LengthFieldEncoder out = new LengthFieldEncoder(4);
			return new FramedHandler(() -> new LengthFieldDecoder(4, max), (connection, frame) -> out.write(connection, frame));
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SingleFramedHandlerApplication {

		@Bean
		FramedHandler upperCaseHandler(@Value("${app.max-line-length:64KB}") DataSize maxLineLength) {
			return upperCase(maxLineLength);
		}

	}

}
