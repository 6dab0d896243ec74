package dev.rawtcp.autoconfigure;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.rawtcp.EventLoopGroup;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for rawtcp servers: an {@link EventLoopGroup} and a {@link RawTcpServer} binding the
 * listeners of {@link RawTcpProperties} to the application's handler beans.
 */
@AutoConfiguration
@ConditionalOnClass(EventLoopGroup.class)
@ConditionalOnBooleanProperty(name = "rawtcp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RawTcpProperties.class)
@Import({ EventLoopGroupConfigurations.NativeTransportConfiguration.class,
		EventLoopGroupConfigurations.NioTransportConfiguration.class })
public final class RawTcpAutoConfiguration {

	@Bean
	@ConfigurationPropertiesBinding
	static ProxyProtocolShorthandConverter rawTcpProxyProtocolShorthandConverter() {
		return new ProxyProtocolShorthandConverter();
	}

	@Bean
	@ConditionalOnMissingBean
	RawTcpServer rawTcpServer(RawTcpProperties properties, EventLoopGroup rawTcpEventLoopGroup,
			ListableBeanFactory beanFactory, ObjectProvider<RawTcpListenerCustomizer> customizers) {
		ListenerRegistrations registrations = new ListenerRegistrations(properties, beanFactory,
				customizers.orderedStream().toList());
		return new RawTcpServer(rawTcpEventLoopGroup, registrations.resolve());
	}

}
