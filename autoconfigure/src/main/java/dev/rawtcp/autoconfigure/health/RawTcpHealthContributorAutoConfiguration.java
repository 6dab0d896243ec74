package dev.rawtcp.autoconfigure.health;

import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.RawTcpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link RawTcpHealthIndicator}
 * (contributor name {@code rawtcp}).
 */
@AutoConfiguration(after = RawTcpAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(RawTcpServer.class)
@ConditionalOnEnabledHealthIndicator("rawtcp")
public final class RawTcpHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "rawtcpHealthIndicator", "rawtcpHealthContributor" })
	RawTcpHealthIndicator rawtcpHealthIndicator(RawTcpServer server) {
		return new RawTcpHealthIndicator(server);
	}

}
