package dev.rawtcp.autoconfigure.endpoint;

import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.RawTcpServer;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link RawTcpEndpoint} and its
 * {@link RawTcpEndpointWebExtension web extension}.
 */
@AutoConfiguration(after = RawTcpAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(RawTcpEndpoint.class)
@ConditionalOnBean(RawTcpServer.class)
public final class RawTcpEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RawTcpEndpoint rawTcpEndpoint(RawTcpServer server) {
		return new RawTcpEndpoint(server);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RawTcpEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	RawTcpEndpointWebExtension rawTcpEndpointWebExtension(RawTcpEndpoint rawTcpEndpoint) {
		return new RawTcpEndpointWebExtension(rawTcpEndpoint);
	}

}
