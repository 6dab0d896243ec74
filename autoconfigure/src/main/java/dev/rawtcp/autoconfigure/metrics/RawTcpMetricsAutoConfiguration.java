package dev.rawtcp.autoconfigure.metrics;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.RawTcpServer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the Micrometer metrics of rawtcp
 * listeners ({@link RawTcpListenerMetrics}), of what the event loops count that no listener
 * caused ({@link RawTcpEventLoopMetrics}) and of the host's listen queues ({@link RawTcpHostMetrics}).
 */
@AutoConfiguration(after = RawTcpAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ RawTcpServer.class, MeterRegistry.class })
public final class RawTcpMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RawTcpMetricsRegistrar rawTcpMetricsRegistrar(ObjectProvider<MeterRegistry> meterRegistries) {
		return new RawTcpMetricsRegistrar(meterRegistries);
	}

	@Bean
	@ConditionalOnMissingBean
	RawTcpEventLoopMetrics rawTcpEventLoopMetrics(EventLoopGroup rawTcpEventLoopGroup) {
		return new RawTcpEventLoopMetrics(rawTcpEventLoopGroup);
	}

	@Bean
	@ConditionalOnMissingBean
	RawTcpHostMetrics rawTcpHostMetrics() {
		return new RawTcpHostMetrics();
	}

}
