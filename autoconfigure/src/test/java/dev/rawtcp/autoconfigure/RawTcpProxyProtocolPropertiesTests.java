package dev.rawtcp.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;
import dev.rawtcp.proxy.ProxyProtocolMode;
import dev.rawtcp.proxy.ProxyProtocolPolicy;

import static dev.rawtcp.autoconfigure.RawTcpAutoConfigurationTests.cause;
import static dev.rawtcp.autoconfigure.RawTcpAutoConfigurationTests.messages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code proxy-protocol} properties: the shorthand {@code proxy-protocol: required} and the
 * long form with {@code mode}, in properties and in YAML, top-level defaults and per-listener
 * values, validation naming the property, and the warning about untrusted sources.
 */
@Timeout(60)
class RawTcpProxyProtocolPropertiesTests {

	private final ApplicationContextRunner echo = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RawTcpAutoConfiguration.class))
		.withPropertyValues("rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1")
		.withUserConfiguration(EchoHandlerConfiguration.class);

	@Test
	void shouldLeaveTheProxyProtocolOffByDefault() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0").run((context) -> {
			ListenerConfig config = config(context, "echo");
			assertThat(config.proxyProtocol()).isNull();
			assertThat(config.proxyHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(config.proxyMaxHeaderSize()).isEqualTo(4096);
		});
	}

	@Test
	void shouldBindTheShorthandPerListener() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.proxy-protocol=required")
			.run((context) -> {
				ProxyProtocolPolicy policy = config(context, "echo").proxyProtocol();
				assertThat(policy).isNotNull();
				assertThat(policy.mode()).isEqualTo(ProxyProtocolMode.REQUIRED);
				assertThat(policy.trustedSources().isRestricted()).isFalse();
			});
	}

	@Test
	void shouldBindTheLongFormPerListener() {
		this.echo
			.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.proxy-protocol.mode=optional",
					"rawtcp.listeners.echo.proxy-protocol.trusted-sources=10.0.0.0/8,::1",
					"rawtcp.listeners.echo.proxy-protocol.header-timeout=750ms",
					"rawtcp.listeners.echo.proxy-protocol.max-header-size=1KB")
			.run((context) -> {
				ListenerConfig config = config(context, "echo");
				assertThat(config.proxyProtocol()).isNotNull();
				assertThat(config.proxyProtocol().mode()).isEqualTo(ProxyProtocolMode.OPTIONAL);
				assertThat(config.proxyProtocol().trustedSources().entries()).containsExactly("10.0.0.0/8",
						"0:0:0:0:0:0:0:1/128");
				assertThat(config.proxyHeaderTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(config.proxyMaxHeaderSize()).isEqualTo(1024);
			});
	}

	@Test
	void shouldTakeUnsetListenerValuesFromTheTopLevel() {
		this.echo
			.withPropertyValues("rawtcp.proxy-protocol.mode=required", "rawtcp.proxy-protocol.trusted-sources=192.0.2.0/24",
					"rawtcp.listeners.a.port=0", "rawtcp.listeners.b.port=0",
					"rawtcp.listeners.b.proxy-protocol.mode=optional",
					"rawtcp.listeners.b.proxy-protocol.trusted-sources=127.0.0.1",
					"rawtcp.listeners.c.port=0", "rawtcp.listeners.c.proxy-protocol=off")
			.run((context) -> {
				ProxyProtocolPolicy a = config(context, "a").proxyProtocol();
				assertThat(a).isNotNull();
				assertThat(a.mode()).isEqualTo(ProxyProtocolMode.REQUIRED);
				assertThat(a.trustedSources().entries()).containsExactly("192.0.2.0/24");
				ProxyProtocolPolicy b = config(context, "b").proxyProtocol();
				assertThat(b).isNotNull();
				assertThat(b.mode()).isEqualTo(ProxyProtocolMode.OPTIONAL);
				assertThat(b.trustedSources().entries()).containsExactly("127.0.0.1/32");
				assertThat(config(context, "c").proxyProtocol()).isNull();
			});
	}

	@Test
	void shouldBindTheShorthandFromYaml() {
		this.echo.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(yaml("""
				rawtcp:
				  listeners:
				    short:
				      port: 0
				      proxy-protocol: required
				    long:
				      port: 0
				      proxy-protocol:
				        mode: optional
				        trusted-sources:
				          - 10.0.0.0/8
				          - 127.0.0.1/32
				        header-timeout: 2s
				        max-header-size: 512B
				    plain:
				      port: 0
				      proxy-protocol: off
				"""))).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(config(context, "short").proxyProtocol().mode()).isEqualTo(ProxyProtocolMode.REQUIRED);
			ListenerConfig longForm = config(context, "long");
			assertThat(longForm.proxyProtocol().mode()).isEqualTo(ProxyProtocolMode.OPTIONAL);
			assertThat(longForm.proxyProtocol().trustedSources().entries()).containsExactly("10.0.0.0/8",
					"127.0.0.1/32");
			assertThat(longForm.proxyHeaderTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(longForm.proxyMaxHeaderSize()).isEqualTo(512);
			assertThat(config(context, "plain").proxyProtocol()).isNull();
		});
	}

	@Test
	void shouldFailNamingTheChildrenWhenAPropertiesFileMixesTheShorthandAndTheLongForm() {
		// the shorthand binds the whole object: the children would be silently lost, so they fail as unbound
		this.echo
			.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.proxy-protocol=required",
					"rawtcp.listeners.echo.proxy-protocol.trusted-sources=10.0.0.0/8")
			.run((context) -> assertThat(cause(context.getStartupFailure(), UnboundConfigurationPropertiesException.class))
				.satisfies((unbound) -> assertThat(unbound.getUnboundProperties())
					.extracting((property) -> property.getName().toString())
					.containsExactly("rawtcp.listeners.echo.proxy-protocol.trusted-sources")));
	}

	@Test
	void shouldFailNamingAnUnknownProxyProtocolKey() {
		this.echo
			.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.proxy-protocol.trusted-source=10.0.0.0/8")
			.run((context) -> assertThat(cause(context.getStartupFailure(), UnboundConfigurationPropertiesException.class))
				.satisfies((unbound) -> assertThat(unbound.getUnboundProperties())
					.extracting((property) -> property.getName().toString())
					.containsExactly("rawtcp.listeners.echo.proxy-protocol.trusted-source")));
	}

	static Stream<Arguments> invalidProperties() {
		String echo = "rawtcp.listeners.echo.";
		return Stream.of(
				Arguments.of("a host name as trusted source", echo + "proxy-protocol.trusted-sources[1]",
						"Invalid trusted source 'lb.example.com'", new String[] { echo + "port=0",
								echo + "proxy-protocol.trusted-sources=10.0.0.0/8,lb.example.com" }),
				Arguments.of("a prefix too long", "rawtcp.proxy-protocol.trusted-sources[0]", "10.0.0.0/33",
						new String[] { echo + "port=0", "rawtcp.proxy-protocol.trusted-sources=10.0.0.0/33" }),
				Arguments.of("a header time-out of 0", echo + "proxy-protocol.header-timeout", "must be positive",
						new String[] { echo + "port=0", echo + "proxy-protocol.header-timeout=0s" }),
				Arguments.of("a negative header time-out", "rawtcp.proxy-protocol.header-timeout", "must be positive",
						new String[] { "rawtcp.proxy-protocol.header-timeout=-1s" }),
				Arguments.of("a header size below a version 2 header with addresses",
						echo + "proxy-protocol.max-header-size", "must be between 52B and 65551B",
						new String[] { echo + "port=0", echo + "proxy-protocol.max-header-size=16B" }),
				Arguments.of("a header size above what version 2 can say", "rawtcp.proxy-protocol.max-header-size",
						"must be between 52B and 65551B",
						new String[] { echo + "port=0", "rawtcp.proxy-protocol.max-header-size=1MB" }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidProperties")
	void shouldFailStartupNamingTheInvalidProperty(String description, String key, String reason,
			String[] properties) {
		this.echo.withPropertyValues(properties)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.satisfies((failure) -> assertThat(cause(failure, InvalidRawTcpConfigurationException.class))
					.hasMessageContaining(key)
					.hasMessageContaining(reason)));
	}

	@Test
	void shouldFailStartupNamingAnUnknownShorthandMode() {
		this.echo.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.proxy-protocol=v2")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.satisfies((failure) -> assertThat(messages(failure)).anySatisfy((message) -> assertThat(message)
					.contains("rawtcp.listeners.echo.proxy-protocol"))
					.anySatisfy((message) -> assertThat(message).contains("expected off, optional or required"))));
	}

	@Test
	void shouldWarnOncePerListenerThatTrustsEveryPeer() {
		Logger logger = (Logger) LoggerFactory.getLogger(ListenerRegistrations.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			this.echo
				.withPropertyValues("rawtcp.proxy-protocol=optional", "rawtcp.listeners.open.port=0",
						"rawtcp.listeners.closed.port=0", "rawtcp.listeners.closed.proxy-protocol.trusted-sources=10.0.0.0/8",
						"rawtcp.listeners.off.port=0", "rawtcp.listeners.off.proxy-protocol=off")
				.run((context) -> assertThat(context).hasNotFailed());
			assertThat(appender.list).filteredOn((event) -> event.getLevel() == Level.WARN)
				.singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("listener 'open'")
					.contains("rawtcp.proxy-protocol.mode=optional")
					.contains("rawtcp.listeners.open.proxy-protocol.trusted-sources"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	private static ListenerConfig config(AssertableApplicationContext context, String name) {
		return context.getBean(RawTcpServer.class).getListener(name).orElseThrow().config();
	}

	private static PropertySource<?> yaml(String text) {
		try {
			return new YamlPropertySourceLoader()
				.load("test.yml", new ByteArrayResource(text.getBytes(StandardCharsets.UTF_8), "test.yml"))
				.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
