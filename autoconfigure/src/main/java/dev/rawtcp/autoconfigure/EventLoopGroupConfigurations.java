package dev.rawtcp.autoconfigure;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.EventLoopGroups;

/**
 * The event-loop group variants, imported in order of precedence: the native transport
 * where jnr-ffi is on the classpath, else the JDK's NIO.
 */
final class EventLoopGroupConfigurations {

	static final String JNR_FFI_CLASS = "jnr.ffi.LibraryLoader";

	/** Most event-loop threads: each holds direct buffers of its own (see docs/configuration.md). */
	static final int MAX_THREADS = 256;

	private EventLoopGroupConfigurations() {
	}

	private static int threads(RawTcpProperties properties) {
		int threads = properties.getEventLoop().getThreads();
		if (threads < 0 || threads > MAX_THREADS) {
			throw new InvalidRawTcpConfigurationException("rawtcp.event-loop.threads", threads,
					"must be between 0 and " + MAX_THREADS + " (0 uses the number of available processors)");
		}
		return threads;
	}

	private static Duration blockedThreshold(RawTcpProperties properties) {
		Duration threshold = properties.getEventLoop().getBlockedThreshold();
		if (threshold == null || (!threshold.isZero() && (threshold.compareTo(EventLoopGroups.MIN_BLOCKED_THRESHOLD) < 0
				|| threshold.compareTo(EventLoopGroups.MAX_BLOCKED_THRESHOLD) > 0))) {
			throw new InvalidRawTcpConfigurationException("rawtcp.event-loop.blocked-threshold", threshold,
					"must be 0 (off) or between 10ms and 1h");
		}
		return threshold;
	}

	/**
	 * With jnr-ffi: the transport of {@code rawtcp.transport}, {@code auto} choosing epoll
	 * where it works.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = JNR_FFI_CLASS)
	static class NativeTransportConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		EventLoopGroup rawTcpEventLoopGroup(RawTcpProperties properties) {
			return EventLoopGroups.create(properties.getTransport(), threads(properties), blockedThreshold(properties));
		}

	}

	/**
	 * Without jnr-ffi: NIO, whatever {@code rawtcp.transport} says unless it insists on epoll.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(JNR_FFI_CLASS)
	static class NioTransportConfiguration {

		private static final Log logger = LogFactory.getLog(NioTransportConfiguration.class);

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		EventLoopGroup rawTcpEventLoopGroup(RawTcpProperties properties) {
			if (properties.getTransport() == Transport.EPOLL) {
				throw new InvalidRawTcpConfigurationException("rawtcp.transport", Transport.EPOLL.tagValue(),
						"the epoll transport needs jnr-ffi on the classpath (com.github.jnr:jnr-posix); "
								+ "add it or use 'auto' or 'nio'");
			}
			logger.info("rawtcp transport '" + properties.getTransport().tagValue()
					+ "' uses nio: jnr-ffi is not on the classpath");
			return EventLoopGroups.create(Transport.NIO, threads(properties), blockedThreshold(properties));
		}

	}

}
