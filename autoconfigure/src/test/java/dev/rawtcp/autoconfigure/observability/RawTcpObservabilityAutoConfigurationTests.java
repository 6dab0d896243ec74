package dev.rawtcp.autoconfigure.observability;

import java.util.concurrent.TimeUnit;

import dev.rawtcp.TcpHandler;
import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpointAutoConfiguration;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpointWebExtension;
import dev.rawtcp.autoconfigure.health.RawTcpHealthContributorAutoConfiguration;
import dev.rawtcp.autoconfigure.health.RawTcpHealthIndicator;
import dev.rawtcp.autoconfigure.metrics.RawTcpHostMetrics;
import dev.rawtcp.autoconfigure.metrics.RawTcpMetricsAutoConfiguration;
import dev.rawtcp.autoconfigure.metrics.RawTcpMetricsRegistrar;
import dev.rawtcp.epoll.Epoll;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The observability auto-configurations back off as a Spring Boot user expects.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawTcpObservabilityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RawTcpAutoConfiguration.class,
				RawTcpEndpointAutoConfiguration.class, RawTcpHealthContributorAutoConfiguration.class,
				RawTcpMetricsAutoConfiguration.class))
		.withPropertyValues("rawtcp.transport=epoll", "rawtcp.host=127.0.0.1", "rawtcp.port=0")
		.withUserConfiguration(HandlerConfiguration.class);

	@BeforeAll
	static void epollAvailable() {
		assumeTrue(Epoll.isAvailable(), "epoll unavailable");
	}

	@Test
	void shouldRegisterHealthIndicatorByDefault() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(RawTcpHealthIndicator.class)
			.hasBean("rawtcpHealthIndicator"));
	}

	@Test
	void shouldBackOffHealthIndicatorWhenDisabled() {
		this.runner.withPropertyValues("management.health.rawtcp.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RawTcpHealthIndicator.class));
	}

	@Test
	void shouldNotCreateEndpointUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RawTcpEndpoint.class));
	}

	@Test
	void shouldCreateEndpointAndWebExtensionWhenExposedOnTheWeb() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=rawtcp")
			.run((context) -> assertThat(context).hasSingleBean(RawTcpEndpoint.class)
				.hasSingleBean(RawTcpEndpointWebExtension.class));
	}

	@Test
	void shouldShowShardsDeferAcceptAndFastOpenInTheEndpoint() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=rawtcp", "rawtcp.event-loop.threads=2",
					"rawtcp.accept-sharding=per-loop", "rawtcp.defer-accept=3s", "rawtcp.fast-open.queue-length=8")
			.run((context) -> {
				RawTcpEndpoint.ListenerDescriptor listener = context.getBean(RawTcpEndpoint.class).listener("default");
				assertThat(listener).isNotNull();
				assertThat(listener.acceptSharding().mode()).isEqualTo("per-loop");
				assertThat(listener.acceptSharding().shards()).hasSize(2)
					.allSatisfy((shard) -> assertThat(shard.acceptQueueSize()).isZero());
				assertThat(listener.socketOptions().deferAcceptSeconds()).isEqualTo(3);
				assertThat(listener.socketOptions().fastOpenQueueLength()).isEqualTo(8);
				assertThat(listener.socketOptions().reusePort()).isTrue();
			});
	}

	@Test
	void shouldNotCreateEndpointWhenAccessIsNone() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=rawtcp",
					"management.endpoint.rawtcp.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RawTcpEndpoint.class));
	}

	@Test
	void shouldNotRegisterMetricsWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RawTcpMetricsRegistrar.class)
			.doesNotHaveBean(RawTcpHostMetrics.class));
	}

	@Test
	void shouldRegisterListenerMetersOnTheMeterRegistryWhenTheListenerStarts() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(RawTcpMetricsRegistrar.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("rawtcp.connections.accepted")
				.tags("listener", "default", "transport", "epoll")
				.functionCounter()
				.count()).isZero();
			assertThat(registry.get("rawtcp.accept.queue.limit").tag("listener", "default").gauge().value())
				.isPositive();
		});
	}

	@Test
	void shouldBackOffMetricsWhenMicrometerIsAbsent() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RawTcpMetricsRegistrar.class));
	}

	@Test
	void shouldCreateNothingWhenRawTcpIsDisabled() {
		this.runner
			.withPropertyValues("rawtcp.enabled=false", "management.endpoints.web.exposure.include=rawtcp")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).doesNotHaveBean(RawTcpEndpoint.class)
				.doesNotHaveBean(RawTcpHealthIndicator.class)
				.doesNotHaveBean(RawTcpMetricsRegistrar.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		TcpHandler echoHandler() {
			return (connection, data) -> connection.write(data);
		}

	}

}
