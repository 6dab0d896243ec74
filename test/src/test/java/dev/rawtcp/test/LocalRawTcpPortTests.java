package dev.rawtcp.test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link LocalRawTcpPort} in a real {@code @SpringBootTest} with two listeners on ephemeral
 * loopback ports: on fields, constructor and method parameters, of several types.
 */
@SpringBootTest(classes = LocalRawTcpPortTests.TwoListeners.class,
		properties = { "rawtcp.host=127.0.0.1", "rawtcp.event-loop.threads=1", "rawtcp.listeners.echo.port=0",
				"rawtcp.listeners.echo.handler=echoHandler", "rawtcp.listeners.upper.port=0",
				"rawtcp.listeners.upper.handler=upperHandler" })
@Timeout(60)
class LocalRawTcpPortTests {

	private final int upperPortFromConstructor;

	@LocalRawTcpPort("echo")
	private int echoPort;

	@LocalRawTcpPort("upper")
	private Integer upperPort;

	@LocalRawTcpPort("echo")
	private String echoPortText;

	@LocalRawTcpPort("echo")
	private long echoPortLong;

	@Autowired
	private RawTcpServer server;

	@Autowired
	private ConfigurableApplicationContext context;

	LocalRawTcpPortTests(@LocalRawTcpPort("upper") int upperPort) {
		this.upperPortFromConstructor = upperPort;
	}

	@Test
	void shouldInjectTheBoundPortOfEachListenerIntoFields() {
		int echo = this.server.getListener("echo").orElseThrow().port();
		int upper = this.server.getListener("upper").orElseThrow().port();
		assertThat(echo).isPositive().isNotEqualTo(upper);
		assertThat(this.echoPort).isEqualTo(echo);
		assertThat(this.upperPort).isEqualTo(upper);
		assertThat(this.echoPortText).isEqualTo(Integer.toString(echo));
		assertThat(this.echoPortLong).isEqualTo(echo);
	}

	@Test
	void shouldInjectTheBoundPortIntoConstructorParameters() {
		assertThat(this.upperPortFromConstructor).isEqualTo(this.server.getListener("upper").orElseThrow().port());
	}

	@Test
	void shouldInjectTheBoundPortIntoTestMethodParameters(@LocalRawTcpPort("echo") int echo,
			@LocalRawTcpPort("upper") int upper) {
		assertThat(echo).isEqualTo(this.echoPort);
		assertThat(upper).isEqualTo(this.upperPort);
	}

	@Test
	void shouldReachTheListenersOnTheInjectedPorts() {
		try (TcpTestClient echo = TcpTestClient.connect(this.echoPort);
				TcpTestClient upper = TcpTestClient.connect(this.upperPort)) {
			echo.send("ping").expect("ping");
			upper.sendLine("hello").sendLine("world");
			assertThat(upper.readLine()).isEqualTo("HELLO");
			assertThat(upper.readLine()).isEqualTo("WORLD");
			upper.shutdownOutput();
			upper.expectEndOfStream();
		}
	}

	@Test
	void shouldCountTheCloseInTheStatsOfTheListenerLookedUpByName() {
		Listener echo = this.server.getListener("echo").orElseThrow();
		// the other tests' connections share the listener: let their closes be counted first
		await().atMost(Duration.ofSeconds(10)).until(() -> echo.stats().active() == 0);
		long closedBefore = echo.stats().closed(CloseReason.NORMAL);
		try (TcpTestClient client = TcpTestClient.connect(echo.port())) {
			client.send("x").expect("x");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> echo.stats().closed(CloseReason.NORMAL) == closedBefore + 1);
		assertThat(this.server.getListener("nope")).isEmpty();
	}

	@Test
	void shouldInjectThroughAnAnnotatedSetter() {
		SetterTarget target = new SetterTarget();
		this.context.getAutowireCapableBeanFactory().autowireBean(target);
		assertThat(target.port).isEqualTo(this.echoPort);
	}

	@Test
	void shouldNameTheBoundListenersWhenTheNameIsUnknown() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> this.context.getAutowireCapableBeanFactory().autowireBean(new UnknownListenerTarget()))
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("No port for @LocalRawTcpPort(\"ecoh\"): property 'local.rawtcp.ecoh.port' is not set: "
					+ "no listener of that name is bound. Bound listeners: [echo, upper]");
	}

	@Test
	void shouldDelegateEveryOtherMethodOfTheResolver() {
		for (Method method : AutowireCandidateResolver.class.getMethods()) {
			assertThat(Arrays.stream(LocalRawTcpPortAutowireCandidateResolver.class.getDeclaredMethods())
				.anyMatch((declared) -> declared.getName().equals(method.getName())
						&& Arrays.equals(declared.getParameterTypes(), method.getParameterTypes())))
				.as("%s is delegated", method)
				.isTrue();
		}
	}

	@Test
	void shouldExplainWhenAPortIsInjectedBeforeTheListenersBind() {
		SpringApplicationBuilder application = new SpringApplicationBuilder(TwoListeners.class, EarlyBean.class)
			.initializers((context) -> new LocalRawTcpPortContextCustomizerFactory.Customizer().customizeContext(context,
					null))
			.properties("rawtcp.host=127.0.0.1", "rawtcp.listeners.echo.port=0",
					"rawtcp.listeners.echo.handler=echoHandler");
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(application::run)
			.havingRootCause()
			.withMessageStartingWith("No port for @LocalRawTcpPort(\"echo\"): property 'local.rawtcp.echo.port' is "
					+ "not set and no rawtcp listener is bound yet.");
	}

	@Nested
	class NestedTests {

		@LocalRawTcpPort("upper")
		int upper;

		@Test
		void shouldInjectIntoNestedTestClasses() {
			assertThat(this.upper).isEqualTo(LocalRawTcpPortTests.this.upperPort);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TwoListeners {

		@Bean
		TcpHandler echoHandler() {
			return (connection, data) -> connection.write(data);
		}

		@Bean
		TcpStreamHandler upperHandler() {
			return (stream) -> {
				LineReader in = new LineReader(stream.input(), 1024);
				LineEncoder out = new LineEncoder();
				for (String line; (line = in.readLine()) != null;) {
					out.write(stream.output(), line.toUpperCase(Locale.ROOT));
					stream.output().flush();
				}
			};
		}

	}

	@Component
	static class EarlyBean {

		@LocalRawTcpPort("echo")
		int port;

	}

	static class SetterTarget {

		int port;

		@LocalRawTcpPort("echo")
		void port(int port) {
			this.port = port;
		}

	}

	static class UnknownListenerTarget {

		@LocalRawTcpPort("ecoh")
		int port;

	}

}
