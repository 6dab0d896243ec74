package dev.rawtcp.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.rawtcp.EventLoopGroup;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for rawtcp servers: an {@link EventLoopGroup} and a {@link RawTcpServer} binding the
 * listeners of {@link RawTcpProperties} to the application's handler beans, serving TLS from
 * Spring Boot's {@link SslBundles} where a listener names a bundle.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnClass(EventLoopGroup.class)
@ConditionalOnBooleanProperty(name = "rawtcp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RawTcpProperties.class)
@Import({ EventLoopGroupConfigurations.NativeTransportConfiguration.class,
		EventLoopGroupConfigurations.NioTransportConfiguration.class })
public final class RawTcpAutoConfiguration {

	private static final Duration MAX_READINESS_DELAY = Duration.ofMinutes(5);

	@Bean
	@ConfigurationPropertiesBinding
	static ProxyProtocolShorthandConverter rawTcpProxyProtocolShorthandConverter() {
		return new ProxyProtocolShorthandConverter();
	}

	@Bean
	@ConditionalOnMissingBean
	RawTcpServer rawTcpServer(RawTcpProperties properties, EventLoopGroup rawTcpEventLoopGroup,
			ListableBeanFactory beanFactory, ObjectProvider<RawTcpListenerCustomizer> customizers,
			ObjectProvider<SslBundles> sslBundles) {
		ListenerRegistrations registrations = new ListenerRegistrations(properties, beanFactory,
				customizers.orderedStream().toList(), new ListenerSslBundles(sslBundles.getIfAvailable()));
		RawTcpServer server = new RawTcpServer(rawTcpEventLoopGroup, registrations.resolve());
		server.setReadinessDelay(readinessDelay(properties.getShutdown().getReadinessDelay()));
		return server;
	}

	private static Duration readinessDelay(Duration delay) {
		if (delay.isNegative() || delay.compareTo(MAX_READINESS_DELAY) > 0) {
			throw new InvalidRawTcpConfigurationException("rawtcp.shutdown.readiness-delay", delay,
					"must be between 0s and 5m");
		}
		return delay;
	}

}
