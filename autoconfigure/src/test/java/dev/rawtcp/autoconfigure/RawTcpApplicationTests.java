package dev.rawtcp.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerState;
import dev.rawtcp.PortInUseException;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole applications started with {@link org.springframework.boot.SpringApplication}: startup
 * failures reported by the failure analyzers, and graceful shutdown over real sockets.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(90)
class RawTcpApplicationTests {

	private static SpringApplicationBuilder application(String... properties) {
		return new SpringApplicationBuilder(CountingEchoApplication.class).web(WebApplicationType.NONE)
			.properties("rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1")
			.properties(properties);
	}

	@Test
	void shouldFailStartupWithAnalysisWhenPortIsInUse(CapturedOutput output) throws Exception {
		try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			int port = held.getLocalPort();
			assertThatExceptionOfType(Exception.class)
				.isThrownBy(() -> application("rawtcp.listeners.echo.port=" + port).run())
				.satisfies((ex) -> assertThat(hasCause(ex, PortInUseException.class)).isTrue());
			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("rawtcp listener 'echo' could not bind 127.0.0.1:" + port + ": port " + port
						+ " is already in use.")
				.contains("or change rawtcp.listeners.echo.port to a free port");
		}
	}

	@Test
	void shouldStopAlreadyBoundListenersWhenALaterOneCannotBind() throws Exception {
		try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			CountingEchoApplication.lastServer = null;
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> application("rawtcp.listeners.first.port=0",
					"rawtcp.listeners.second.port=" + held.getLocalPort())
				.run());
			RawTcpServer server = CountingEchoApplication.lastServer;
			assertThat(server).isNotNull();
			assertThat(server.getListener("first")).get()
				.satisfies((listener) -> assertThat(listener.state()).isEqualTo(ListenerState.STOPPED));
			assertThat(server.getFailures()).containsOnlyKeys("second");
			assertThat(server.getEventLoopGroup().isAlive()).isFalse();
		}
	}

	@Test
	void shouldFailStartupWithAnalysisOfInvalidProperty(CapturedOutput output) {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> application("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.keepalive.count=0").run());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '0' for configuration property 'rawtcp.listeners.echo.keepalive.count'")
			.contains("must be between 1 and 127");
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = Transport.class, names = { "EPOLL", "NIO" })
	void shouldEchoEveryByteReadBeforeClosingOnShutdown(Transport transport) throws Exception {
		assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll is not available here");
		ConfigurableApplicationContext context = application("rawtcp.transport=" + transport.tagValue(),
				"rawtcp.listeners.echo.port=0", "rawtcp.shutdown.grace-period=20s")
			.run();
		CountingEchoHandler handler = context.getBean(CountingEchoHandler.class);
		Listener listener = context.getBean(RawTcpServer.class).getListener("echo").orElseThrow();
		int port = context.getEnvironment().getRequiredProperty("local.rawtcp.echo.port", Integer.class);
		AtomicBoolean stopWriting = new AtomicBoolean();
		AtomicLong written = new AtomicLong();
		// a thread each: the common pool may have a single thread on a small machine
		ExecutorService threads = Executors.newFixedThreadPool(3);
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(30_000);
			Future<?> writer = threads.submit(() -> write(socket, stopWriting, written));
			Future<byte[]> reader = threads.submit(() -> readToEnd(socket));
			await().atMost(Duration.ofSeconds(20)).until(() -> handler.bytes.get() > 256 * 1024);
			Future<?> closing = threads.submit(context::close);
			await().atMost(Duration.ofSeconds(20)).until(() -> listener.state() != ListenerState.RUNNING);
			stopWriting.set(true);
			closing.get(30, TimeUnit.SECONDS);
			writer.get(30, TimeUnit.SECONDS);
			byte[] echoed = reader.get(30, TimeUnit.SECONDS);
			assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
			assertThat(listener.transport()).isEqualTo(transport);
			assertThat((long) echoed.length).isEqualTo(handler.bytes.get()).isPositive().isLessThanOrEqualTo(written.get());
			for (int i = 0; i < echoed.length; i++) {
				if (echoed[i] != pattern(i)) {
					throw new AssertionError("Byte " + i + " of the echo is " + echoed[i] + ", sent " + pattern(i));
				}
			}
		}
		finally {
			context.close();
			threads.shutdownNow();
		}
	}

	private static byte pattern(long i) {
		return (byte) (i % 251);
	}

	private static void write(Socket socket, AtomicBoolean stop, AtomicLong written) {
		byte[] chunk = new byte[4096];
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
		try {
			OutputStream out = socket.getOutputStream();
			while (!stop.get() && System.nanoTime() < deadline && written.get() < 1L << 30) {
				for (int i = 0; i < chunk.length; i++) {
					chunk[i] = pattern(written.get() + i);
				}
				out.write(chunk);
				written.addAndGet(chunk.length);
			}
			socket.shutdownOutput();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Writing failed after " + written.get() + " bytes", ex);
		}
	}

	private static byte[] readToEnd(Socket socket) {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[65536];
		try {
			InputStream in = socket.getInputStream();
			int n;
			while ((n = in.read(buffer)) != -1) {
				received.write(buffer, 0, n);
			}
			return received.toByteArray();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Reading failed after " + received.size() + " bytes", ex);
		}
	}

	private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Echoes every byte and counts the bytes it was given; stops reading while the peer
	 * does not keep up (so the write queue stays under its limit).
	 */
	static final class CountingEchoHandler implements TcpHandler {

		final AtomicLong bytes = new AtomicLong();

		@Override
		public void onData(Connection connection, ByteBuffer data) {
			this.bytes.addAndGet(data.remaining());
			connection.write(data);
			if (!connection.isWritable()) {
				connection.suspendReads();
			}
		}

		@Override
		public void onWritabilityChanged(Connection connection, boolean writable) {
			if (writable) {
				connection.resumeReads();
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class CountingEchoApplication {

		static volatile RawTcpServer lastServer;

		@Bean
		CountingEchoHandler countingEchoHandler() {
			return new CountingEchoHandler();
		}

		@Bean
		static org.springframework.beans.factory.config.BeanPostProcessor serverRecorder() {
			return new org.springframework.beans.factory.config.BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof RawTcpServer server) {
						lastServer = server;
					}
					return bean;
				}

			};
		}

	}

}
