package dev.rawtcp.autoconfigure.diagnostics;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.util.List;

import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import dev.rawtcp.ListenerBindException;
import dev.rawtcp.ListenerBindException.Kind;
import dev.rawtcp.PortInUseException;
import dev.rawtcp.TransportUnavailableException;
import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;
import dev.rawtcp.autoconfigure.TestHandlers.StreamEchoHandler;
import dev.rawtcp.autoconfigure.TestHandlers.StreamHandlerConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for rawtcp's failure analyzers, loaded from {@code META-INF/spring.factories} and
 * asked in turn, as Spring Boot's {@code FailureAnalyzers} does, about real startup failures.
 */
@Timeout(60)
class RawTcpFailureAnalyzersTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RawTcpAutoConfiguration.class))
		.withPropertyValues("rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1");

	@Test
	void shouldRegisterEveryAnalyzerInSpringFactories() {
		assertThat(analyzers()).extracting((analyzer) -> analyzer.getClass().getSimpleName())
			.contains("ListenerBindFailureAnalyzer", "MissingRawTcpPropertyFailureAnalyzer",
					"NoSuchHandlerBeanFailureAnalyzer", "NoUniqueHandlerBeanFailureAnalyzer",
					"HandlerModeMismatchFailureAnalyzer", "TransportUnavailableFailureAnalyzer",
					"UnknownSslBundleFailureAnalyzer");
	}

	@Test
	void shouldDescribeAnUnknownSslBundleNamingTheListenerTheBundleAndTheProperty() {
		FailureAnalysis analysis = analyzeStartup(this.runner
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=missing"));
		assertThat(analysis.getDescription()).contains("rawtcp listener 'secure'", "SSL bundle 'missing'",
				"'rawtcp.listeners.secure.ssl.bundle'", "no bundle is configured");
		assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.missing", "spring.ssl.bundle.jks.missing",
				"'rawtcp.listeners.secure.ssl.bundle'");
	}

	@Test
	void shouldDescribeMissingListenerPort() {
		FailureAnalysis analysis = analyzeStartup(this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.echo.backlog=3"));
		assertThat(analysis.getDescription()).startsWith("Property 'rawtcp.listeners.echo.port' is not set");
	}

	@Test
	void shouldLeaveInvalidValuesToSpringBootsAnalyzer() {
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.echo.port=70000")
			.run((context) -> assertThat(new MissingRawTcpPropertyFailureAnalyzer().analyze(context.getStartupFailure()))
				.isNull());
	}

	@Test
	void shouldDescribeUnknownHandlerBean() {
		FailureAnalysis analysis = analyzeStartup(this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.echo.port=0", "rawtcp.listeners.echo.handler=echoHandlr"));
		assertThat(analysis.getDescription()).isEqualTo("rawtcp listener 'echo' uses handler bean 'echoHandlr' "
				+ "(property 'rawtcp.listeners.echo.handler'), but no TcpHandler or TcpStreamHandler bean of that "
				+ "name exists; the handler beans are echoHandler.");
		assertThat(analysis.getAction()).contains("Change 'rawtcp.listeners.echo.handler'");
	}

	@Test
	void shouldDescribeMissingHandlerBean() {
		FailureAnalysis analysis = analyzeStartup(this.runner.withPropertyValues("rawtcp.port=0"));
		assertThat(analysis.getDescription()).isEqualTo("rawtcp listener 'default' has no handler: the context "
				+ "holds no bean of type dev.rawtcp.TcpHandler or dev.rawtcp.TcpStreamHandler.");
		assertThat(analysis.getAction()).contains("Define a TcpHandler bean");
	}

	@Test
	void shouldDescribeAmbiguousHandlerBeans() {
		FailureAnalysis analysis = analyzeStartup(
				this.runner.withUserConfiguration(EchoHandlerConfiguration.class, StreamHandlerConfiguration.class)
					.withPropertyValues("rawtcp.port=0"));
		assertThat(analysis.getDescription()).isEqualTo(
				"rawtcp listener 'default' names no handler, and 2 handler beans exist: echoHandler, streamHandler.");
		assertThat(analysis.getAction()).isEqualTo("Set 'rawtcp.handler' to one of: echoHandler, streamHandler.");
	}

	@Test
	void shouldDescribeModeMismatchNamingListenerModeAndBean() {
		FailureAnalysis analysis = analyzeStartup(this.runner.withUserConfiguration(StreamHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.upper.port=0", "rawtcp.listeners.upper.mode=event-loop"));
		assertThat(analysis.getDescription()).isEqualTo("rawtcp listener 'upper' has mode 'event-loop' (property "
				+ "'rawtcp.listeners.upper.mode'), which needs a dev.rawtcp.TcpHandler, but its handler bean "
				+ "'streamHandler' is a " + StreamEchoHandler.class.getName() + ".");
		assertThat(analysis.getAction()).startsWith("Set 'rawtcp.listeners.upper.mode' to 'auto' or "
				+ "'thread-per-connection'");
	}

	@Test
	void shouldDescribePortInUseNamingListenerAddressAndProperty() {
		FailureAnalysis analysis = analyze(new PortInUseException("echo", "127.0.0.1", 7100,
				new BindException("Address already in use")));
		assertThat(analysis.getDescription())
			.isEqualTo("rawtcp listener 'echo' could not bind 127.0.0.1:7100: port 7100 is already in use.");
		assertThat(analysis.getAction()).contains("port 7100").contains("change rawtcp.listeners.echo.port");
	}

	@Test
	void shouldPointDefaultListenerAtTopLevelPort() {
		FailureAnalysis analysis = analyze(new PortInUseException("default", "0.0.0.0", 7100,
				new BindException("Address already in use")));
		assertThat(analysis.getAction()).contains("change rawtcp.port (or rawtcp.listeners.default.port)");
	}

	@Test
	void shouldDescribePermissionDenied() {
		FailureAnalysis analysis = analyze(new ListenerBindException("echo", "0.0.0.0", 80, Kind.PERMISSION_DENIED,
				new SocketException("Permission denied")));
		assertThat(analysis.getDescription()).isEqualTo("rawtcp listener 'echo' could not bind 0.0.0.0:80: "
				+ "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE).");
		assertThat(analysis.getAction()).contains("rawtcp.listeners.echo.port").contains("1024 or above");
	}

	@Test
	void shouldDescribeAddressNotAvailable() {
		FailureAnalysis analysis = analyze(new ListenerBindException("echo", "192.0.2.1", 7000,
				Kind.ADDRESS_NOT_AVAILABLE, new BindException("Cannot assign requested address")));
		assertThat(analysis.getDescription()).contains("192.0.2.1:7000").contains("not an address of this machine");
		assertThat(analysis.getAction()).contains("rawtcp.listeners.echo.host").contains("0.0.0.0");
	}

	@Test
	void shouldDescribeOtherBindFailureWithItsMessage() {
		FailureAnalysis analysis = analyze(new ListenerBindException("echo", "127.0.0.1", 7000, Kind.OTHER,
				new IOException("bind(..) failed: Something odd")));
		assertThat(analysis.getDescription())
			.isEqualTo("rawtcp listener 'echo' could not bind 127.0.0.1:7000: bind(..) failed: Something odd.");
	}

	@Test
	void shouldDescribeUnavailableTransport() {
		FailureAnalysis analysis = analyze(new TransportUnavailableException("rawtcp transport 'epoll' is unavailable",
				new UnsatisfiedLinkError("no libc")));
		assertThat(analysis.getDescription()).isEqualTo("rawtcp transport 'epoll' is unavailable.");
		assertThat(analysis.getAction()).contains("rawtcp.transport");
	}

	private FailureAnalysis analyzeStartup(ApplicationContextRunner runner) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		runner.run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = analyze(context.getStartupFailure());
		});
		return analysis[0];
	}

	/**
	 * Ask every registered analyzer in turn, as Spring Boot does; the answer must come from rawtcp's.
	 */
	private static FailureAnalysis analyze(Throwable failure) {
		for (FailureAnalyzer analyzer : analyzers()) {
			@Nullable FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				assertThat(analyzer.getClass().getPackageName()).isEqualTo("dev.rawtcp.autoconfigure.diagnostics");
				return analysis;
			}
		}
		throw new AssertionError("No failure analyzer explained " + failure);
	}

	private static List<FailureAnalyzer> analyzers() {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
			.and(Environment.class, new StandardEnvironment());
		return SpringFactoriesLoader.forDefaultResourceLocation(RawTcpFailureAnalyzersTests.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, FailureHandler.logging(LogFactory.getLog(RawTcpFailureAnalyzersTests.class)));
	}

}
