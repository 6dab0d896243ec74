package dev.rawtcp.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.util.unit.DataSize;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.autoconfigure.RawTcpProperties.ListenerProperties;
import dev.rawtcp.autoconfigure.RawTcpServer.Registration;

/**
 * Turns {@link RawTcpProperties} and the handler beans into validated
 * {@link Registration registrations}: per-listener values fall back to the top-level ones,
 * and every error names the property key the user has to change.
 */
final class ListenerRegistrations {

	static final String DEFAULT_LISTENER = "default";

	private static final Log logger = LogFactory.getLog(ListenerRegistrations.class);

	private static final Pattern CONFIG_ERROR = Pattern.compile("Invalid '([a-z.-]+)' value '(.*)': (.*)",
			Pattern.DOTALL);

	private final RawTcpProperties properties;

	private final ListableBeanFactory beanFactory;

	private final List<RawTcpListenerCustomizer> customizers;

	ListenerRegistrations(RawTcpProperties properties, ListableBeanFactory beanFactory,
			List<RawTcpListenerCustomizer> customizers) {
		this.properties = properties;
		this.beanFactory = beanFactory;
		this.customizers = customizers;
	}

	/**
	 * Resolve every configured listener.
	 * @return the registrations, in configuration order
	 */
	List<Registration> resolve() {
		Map<String, ListenerProperties> configured = this.properties.getListeners();
		if (configured.isEmpty() && this.properties.getPort() == null) {
			logger.info("rawtcp: no listener is bound because neither rawtcp.port nor rawtcp.listeners.<name>.port "
					+ "is set");
			return List.of();
		}
		List<Resolved> resolved = new ArrayList<>();
		if (configured.isEmpty()) {
			resolved.add(new Resolved(DEFAULT_LISTENER, null).resolve());
		}
		else {
			configured.forEach((name, listener) -> resolved.add(new Resolved(name, listener).resolve()));
		}
		checkDistinctAddresses(resolved);
		return resolved.stream().map((listener) -> listener.registration).toList();
	}

	private void checkDistinctAddresses(List<Resolved> resolved) {
		for (int i = 0; i < resolved.size(); i++) {
			ListenerConfig config = resolved.get(i).registration.config();
			for (int j = 0; j < i; j++) {
				ListenerConfig other = resolved.get(j).registration.config();
				if (config.port() != 0 && config.port() == other.port() && overlap(config.host(), other.host())
						&& !(config.reusePort() && other.reusePort())) {
					throw new InvalidRawTcpConfigurationException(resolved.get(i).keyOf("port"), config.port(),
							"listener '" + config.name() + "' would bind " + config.host() + ":" + config.port()
									+ ", which listener '" + other.name() + "' binds already ("
									+ other.host() + ":" + other.port() + "); give each listener its own port");
				}
			}
		}
	}

	private static boolean overlap(String host, String other) {
		return host.equals(other) || isWildcard(host) || isWildcard(other);
	}

	private static boolean isWildcard(String host) {
		return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0") || host.equals("[::]");
	}

	private List<String> handlerBeanNames() {
		Set<String> names = new LinkedHashSet<>();
		names.addAll(List.of(this.beanFactory.getBeanNamesForType(TcpHandler.class)));
		names.addAll(List.of(this.beanFactory.getBeanNamesForType(TcpStreamHandler.class)));
		return List.copyOf(names);
	}

	private boolean isHandlerBean(String name) {
		return this.beanFactory.containsBean(name) && (this.beanFactory.isTypeMatch(name, TcpHandler.class)
				|| this.beanFactory.isTypeMatch(name, TcpStreamHandler.class));
	}

	/**
	 * One listener being resolved; remembers which property key each value came from.
	 */
	private final class Resolved {

		private final String name;

		private final @Nullable ListenerProperties listener;

		private final String prefix;

		private final Map<String, String> keys = new HashMap<>();

		private @Nullable Registration registration;

		Resolved(String name, @Nullable ListenerProperties listener) {
			this.name = name;
			this.listener = listener;
			this.prefix = (listener != null) ? "rawtcp.listeners." + name + "." : "rawtcp.";
		}

		Resolved resolve() {
			RawTcpProperties top = ListenerRegistrations.this.properties;
			ListenerProperties own = (this.listener != null) ? this.listener : new ListenerProperties();
			Integer port = pick("port", own.getPort(), top.getPort());
			if (port == null) {
				throw new InvalidRawTcpConfigurationException(this.prefix + "port", null,
						"listener '" + this.name + "' needs a port: set it, or set rawtcp.port for every listener");
			}
			check(port >= 0 && port <= 65535, "port", port, "must be between 0 and 65535");
			int backlog = pick("backlog", own.getBacklog(), top.getBacklog());
			check(backlog >= 1, "backlog", backlog, "must be at least 1");
			int keepAliveCount = pick("keepalive.count", own.getKeepalive().getCount(), top.getKeepalive().getCount());
			check(keepAliveCount >= 1, "keepalive.count", keepAliveCount, "must be at least 1");
			int maxConnections = pick("max-connections", own.getMaxConnections(), top.getMaxConnections());
			check(maxConnections >= 1, "max-connections", maxConnections, "must be at least 1");
			ListenerConfig.Builder builder = ListenerConfig.builder(this.name);
			PropertyMapper map = PropertyMapper.get();
			map.from(port).to(builder::port);
			map.from(pick("host", own.getHost(), top.getHost())).to(builder::host);
			map.from(backlog).to(builder::backlog);
			map.from(pick("mode", own.getMode(), top.getMode())).to(builder::mode);
			map.from(pick("reuse-address", own.getReuseAddress(), top.isReuseAddress())).to(builder::reuseAddress);
			map.from(pick("reuse-port", own.getReusePort(), top.isReusePort())).to(builder::reusePort);
			map.from(pick("tcp-no-delay", own.getTcpNoDelay(), top.isTcpNoDelay())).to(builder::tcpNoDelay);
			map.from(pick("keepalive.enabled", own.getKeepalive().getEnabled(), top.getKeepalive().isEnabled()))
				.to(builder::keepAlive);
			map.from(keepAlive("keepalive.idle", own.getKeepalive().getIdle(), top.getKeepalive().getIdle()))
				.to(builder::keepAliveIdle);
			map.from(keepAlive("keepalive.interval", own.getKeepalive().getInterval(),
					top.getKeepalive().getInterval()))
				.to(builder::keepAliveInterval);
			map.from(keepAliveCount).to(builder::keepAliveCount);
			map.from(pick("user-timeout", own.getUserTimeout(), top.getUserTimeout())).to(builder::userTimeout);
			map.from(pick("idle-timeout", own.getIdleTimeout(), top.getIdleTimeout())).to(builder::idleTimeout);
			map.from(maxConnections).to(builder::maxConnections);
			map.from(intBytes("receive-buffer-size", own.getReceiveBufferSize(), top.getReceiveBufferSize()))
				.to(builder::receiveBufferSize);
			map.from(intBytes("send-buffer-size", own.getSendBufferSize(), top.getSendBufferSize()))
				.to(builder::sendBufferSize);
			map.from(intBytes("write-buffer.low-water-mark", own.getWriteBuffer().getLowWaterMark(),
					top.getWriteBuffer().getLowWaterMark()))
				.to(builder::writeBufferLowWaterMark);
			map.from(intBytes("write-buffer.high-water-mark", own.getWriteBuffer().getHighWaterMark(),
					top.getWriteBuffer().getHighWaterMark()))
				.to(builder::writeBufferHighWaterMark);
			map.from(pick("write-buffer.limit", own.getWriteBuffer().getLimit(), top.getWriteBuffer().getLimit()))
				.as(DataSize::toBytes)
				.to(builder::writeBufferLimit);
			map.from(pick("shutdown.grace-period", own.getShutdown().getGracePeriod(),
					top.getShutdown().getGracePeriod()))
				.to(builder::shutdownGracePeriod);
			String handlerName = pick("handler", own.getHandler(), top.getHandler());
			ListenerRegistrations.this.customizers.forEach((customizer) -> customizer.customize(this.name, builder));
			ListenerConfig config = build(builder);
			this.registration = new Registration(config, handler(handlerName, config.mode()));
			return this;
		}

		private ListenerConfig build(ListenerConfig.Builder builder) {
			try {
				return builder.build();
			}
			catch (IllegalArgumentException ex) {
				Matcher matcher = CONFIG_ERROR.matcher(String.valueOf(ex.getMessage()));
				if (!matcher.matches()) {
					throw new InvalidRawTcpConfigurationException(this.prefix + "*", null,
							"listener '" + this.name + "': " + ex.getMessage());
				}
				InvalidRawTcpConfigurationException failure = new InvalidRawTcpConfigurationException(
						keyOf(matcher.group(1)), matcher.group(2), matcher.group(3));
				failure.initCause(ex);
				throw failure;
			}
		}

		private Object handler(@Nullable String beanName, ListenerMode mode) {
			List<String> handlerBeans = handlerBeanNames();
			String name = beanName;
			if (name == null) {
				if (handlerBeans.isEmpty()) {
					throw new NoSuchHandlerBeanException(this.name, this.prefix + "handler", null, handlerBeans);
				}
				if (handlerBeans.size() > 1) {
					throw new NoUniqueHandlerBeanException(this.name, this.prefix + "handler", handlerBeans);
				}
				name = handlerBeans.get(0);
			}
			else if (!isHandlerBean(name)) {
				throw new NoSuchHandlerBeanException(this.name, keyOf("handler"), name, handlerBeans);
			}
			Object handler = ListenerRegistrations.this.beanFactory.getBean(name);
			if (!Registration.fits(mode, handler)) {
				throw new HandlerModeMismatchException(this.name, keyOf("mode"), mode, name, handler.getClass());
			}
			return handler;
		}

		/**
		 * The listener's own value if set, else the top-level one; records the key used.
		 */
		private <T extends @Nullable Object> T pick(String setting, @Nullable T own, T top) {
			this.keys.put(setting, (own != null) ? this.prefix + setting : "rawtcp." + setting);
			return (own != null) ? own : top;
		}

		/**
		 * Keepalive idle or interval: the listener's own value, else its period, else the
		 * top-level value, else the top-level period.
		 */
		private Duration keepAlive(String setting, @Nullable Duration own, @Nullable Duration top) {
			Duration ownPeriod = (this.listener != null) ? this.listener.getKeepalive().getPeriod() : null;
			if (own == null && ownPeriod != null) {
				this.keys.put(setting, this.prefix + "keepalive.period");
				return ownPeriod;
			}
			if (own == null && top == null) {
				this.keys.put(setting, "rawtcp.keepalive.period");
				return ListenerRegistrations.this.properties.getKeepalive().getPeriod();
			}
			return pick(setting, own, top);
		}

		private @Nullable Integer intBytes(String setting, @Nullable DataSize own, @Nullable DataSize top) {
			DataSize size = pick(setting, own, top);
			if (size == null) {
				return null;
			}
			check(size.toBytes() <= Integer.MAX_VALUE, setting, size, "must be at most " + Integer.MAX_VALUE + "B");
			return (int) size.toBytes();
		}

		private void check(boolean valid, String setting, Object value, String reason) {
			if (!valid) {
				throw new InvalidRawTcpConfigurationException(keyOf(setting), value, reason);
			}
		}

		String keyOf(String setting) {
			return this.keys.getOrDefault(setting, this.prefix + setting);
		}

	}

}
