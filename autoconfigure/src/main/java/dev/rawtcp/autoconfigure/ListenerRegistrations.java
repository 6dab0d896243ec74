package dev.rawtcp.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

import dev.rawtcp.InvalidListenerOptionException;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerOption;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ServerTls;
import dev.rawtcp.ServerTls.ClientAuth;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.autoconfigure.RawTcpProperties.ListenerProperties;
import dev.rawtcp.autoconfigure.RawTcpProperties.ServerNameSslBundle;
import dev.rawtcp.autoconfigure.RawTcpServer.Registration;
import dev.rawtcp.proxy.ProxyHeaderDecoder;
import dev.rawtcp.proxy.ProxyProtocolMode;
import dev.rawtcp.proxy.ProxyProtocolPolicy;
import dev.rawtcp.proxy.TrustedSources;

/**
 * Turns {@link RawTcpProperties} and the handler beans into {@link Registration
 * registrations}: per-listener values fall back to the top-level ones, each
 * {@link ListenerOption} read by its key. Values are checked by the options themselves, in
 * core; a failure becomes an {@link InvalidRawTcpConfigurationException} naming the property
 * the value came from, which Spring Boot reports with the value's origin (file and line).
 */
final class ListenerRegistrations {

	static final String DEFAULT_LISTENER = "default";

	/** The longest {@code proxy-protocol.header-timeout}, as for the other time-outs. */
	private static final Duration MAX_PROXY_HEADER_TIMEOUT = Duration.ofDays(24);

	private static final Log logger = LogFactory.getLog(ListenerRegistrations.class);

	private final RawTcpProperties properties;

	private final ListableBeanFactory beanFactory;

	private final List<RawTcpListenerCustomizer> customizers;

	private final ListenerSslBundles sslBundles;

	ListenerRegistrations(RawTcpProperties properties, ListableBeanFactory beanFactory,
			List<RawTcpListenerCustomizer> customizers, ListenerSslBundles sslBundles) {
		this.properties = properties;
		this.beanFactory = beanFactory;
		this.customizers = customizers;
		this.sslBundles = sslBundles;
	}

	/**
	 * Resolve every configured listener. The top-level values are checked first, whether a
	 * listener inherits them or not: they are the defaults, and the server's own grace period.
	 * @return the registrations, in configuration order
	 */
	List<Registration> resolve() {
		Resolved defaults = new Resolved(DEFAULT_LISTENER, null);
		defaults.config(false);
		Map<String, ListenerProperties> configured = this.properties.getListeners();
		if (configured.isEmpty() && this.properties.getPort() == null) {
			logger.info("rawtcp: no listener is bound because neither rawtcp.port nor rawtcp.listeners.<name>.port "
					+ "is set");
			return List.of();
		}
		List<Resolved> resolved = new ArrayList<>();
		if (configured.isEmpty()) {
			resolved.add(defaults.resolve());
		}
		else {
			configured.forEach((name, listener) -> resolved.add(new Resolved(name, listener).resolve()));
		}
		checkDistinctAddresses(resolved);
		return resolved.stream().map((listener) -> listener.registration()).toList();
	}

	private void checkDistinctAddresses(List<Resolved> resolved) {
		for (int i = 0; i < resolved.size(); i++) {
			ListenerConfig config = resolved.get(i).registration().config();
			for (int j = 0; j < i; j++) {
				ListenerConfig other = resolved.get(j).registration().config();
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
			ListenerConfig config = config(true);
			String handlerName = pick("handler", own().getHandler(), ListenerRegistrations.this.properties.getHandler());
			this.registration = new Registration(config, handler(handlerName, config.mode()));
			return this;
		}

		Registration registration() {
			Assert.state(this.registration != null, "Not resolved");
			return this.registration;
		}

		private ListenerProperties own() {
			return (this.listener != null) ? this.listener : new ListenerProperties();
		}

		/**
		 * Build the listener's configuration: each {@link ListenerOption} from the listener's
		 * property or else the top-level one, checked by the option itself.
		 * @param bound whether a listener is bound with it (else only the top-level values are
		 * checked: a missing port is no error, and the customizers are not asked)
		 */
		ListenerConfig config(boolean bound) {
			RawTcpProperties top = ListenerRegistrations.this.properties;
			ListenerProperties own = own();
			ListenerConfig.Builder builder = ListenerConfig.builder(this.name);
			for (ListenerOption<?> option : ListenerOption.values()) {
				set(builder, option, own, top);
			}
			Integer port = pick("port", own.getPort(), top.getPort());
			if (port == null && bound) {
				throw new InvalidRawTcpConfigurationException(this.prefix + "port", null,
						"listener '" + this.name + "' needs a port: set it, or set rawtcp.port for every listener");
			}
			builder.option(ListenerOption.PORT, (port != null) ? port : 0);
			PropertyMapper map = PropertyMapper.get();
			map.from(pick("host", own.getHost(), top.getHost())).to(builder::host);
			map.from(pick("mode", own.getMode(), top.getMode())).to(builder::mode);
			ServerTls tls = tls(bound);
			if (tls != null) {
				builder.tls(tls);
			}
			proxyProtocol(builder, own.getProxyProtocol(), top.getProxyProtocol(), bound);
			if (bound) {
				ListenerRegistrations.this.customizers.forEach((customizer) -> customizer.customize(this.name, builder));
			}
			try {
				return builder.build();
			}
			catch (InvalidListenerOptionException ex) {
				InvalidRawTcpConfigurationException failure = new InvalidRawTcpConfigurationException(
						keyOf(ex.getOption().key()), ex.getOption().format(ex.getValue()), ex.getReason());
				failure.initCause(ex);
				throw failure;
			}
		}

		/**
		 * The listener's TLS from {@code ssl.*}: its own values, else the top-level ones.
		 * @param bound whether a listener is bound with it (else only the values are checked
		 * and no bundle is loaded)
		 * @return the TLS settings, or {@code null} for plaintext (no bundle, or a blank one)
		 */
		private @Nullable ServerTls tls(boolean bound) {
			RawTcpProperties.Ssl top = ListenerRegistrations.this.properties.getSsl();
			ListenerProperties.Ssl own = own().getSsl();
			String bundleName = pick("ssl.bundle", own.getBundle(), top.getBundle());
			ClientAuth clientAuth = pick("ssl.client-auth", own.getClientAuth(), top.getClientAuth());
			Duration handshakeTimeout = pick("ssl.handshake-timeout", own.getHandshakeTimeout(),
					top.getHandshakeTimeout());
			List<ServerNameSslBundle> serverNames = pick("ssl.server-name-bundles", own.getServerNameBundles(),
					top.getServerNameBundles());
			if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
				throw new InvalidRawTcpConfigurationException(keyOf("ssl.handshake-timeout"), handshakeTimeout,
						"must be positive");
			}
			Map<String, String> byServerName = serverNameBundles(serverNames);
			if (!bound) {
				return null;
			}
			if (bundleName == null || bundleName.isBlank()) {
				if (!serverNames.isEmpty()) {
					throw new InvalidRawTcpConfigurationException(keyOf("ssl.server-name-bundles"),
							serverNames.size() + " entries", "needs ssl.bundle, the bundle of clients that ask for "
									+ "no host name or for one without a bundle of its own");
				}
				if (clientAuth != ClientAuth.NONE) {
					throw new InvalidRawTcpConfigurationException(keyOf("ssl.client-auth"), clientAuth.value(),
							"needs ssl.bundle: listener '" + this.name + "' serves plaintext");
				}
				return null;
			}
			ListenerSslBundles bundles = ListenerRegistrations.this.sslBundles;
			ReloadableSslBundle defaultBundle = bundles.get(this.name, keyOf("ssl.bundle"), bundleName);
			Map<String, ReloadableSslBundle> serverNameBundles = new LinkedHashMap<>();
			int index = 0;
			for (Map.Entry<String, String> entry : byServerName.entrySet()) {
				serverNameBundles.put(entry.getKey(), bundles.get(this.name,
						keyOf("ssl.server-name-bundles") + "[" + index++ + "].bundle", entry.getValue()));
			}
			if (clientAuth != ClientAuth.NONE) {
				for (ReloadableSslBundle bundle : serverNameBundles.values()) {
					checkTrustStore(bundle, clientAuth);
				}
				checkTrustStore(defaultBundle, clientAuth);
			}
			logger.info("rawtcp listener '" + this.name + "' serves TLS with SSL bundle '" + defaultBundle.getName()
					+ "', certificate " + ReloadableSslBundle.describe(defaultBundle.getCertificate())
					+ ", client-auth " + clientAuth.value()
					+ (serverNameBundles.isEmpty() ? "" : ", by host name " + byServerName));
			return ServerTls.of(new BundleTlsEngines(this.name, defaultBundle, serverNameBundles))
				.withClientAuth(clientAuth)
				.withHandshakeTimeout(handshakeTimeout);
		}

		private Map<String, String> serverNameBundles(List<ServerNameSslBundle> entries) {
			Map<String, String> byServerName = new LinkedHashMap<>();
			for (int i = 0; i < entries.size(); i++) {
				String key = keyOf("ssl.server-name-bundles") + "[" + i + "]";
				ServerNameSslBundle entry = entries.get(i);
				String serverName = entry.getServerName();
				if (serverName == null || serverName.isBlank()) {
					throw new InvalidRawTcpConfigurationException(key + ".server-name", serverName,
							"must name the host a client asks for (SNI)");
				}
				if (entry.getBundle() == null || entry.getBundle().isBlank()) {
					throw new InvalidRawTcpConfigurationException(key + ".bundle", entry.getBundle(),
							"must name the SSL bundle served to clients asking for '" + serverName + "'");
				}
				String host = serverName.trim().toLowerCase(Locale.ROOT);
				if (byServerName.put(host, entry.getBundle()) != null) {
					throw new InvalidRawTcpConfigurationException(key + ".server-name", serverName,
							"is listed twice; give each host name one bundle");
				}
			}
			return byServerName;
		}

		private void checkTrustStore(ReloadableSslBundle bundle, ClientAuth clientAuth) {
			if (bundle.getBundle().getStores().getTrustStore() == null) {
				throw new InvalidRawTcpConfigurationException(keyOf("ssl.client-auth"), clientAuth.value(),
						"needs trust material to check client certificates, but SSL bundle '" + bundle.getName()
								+ "' has no trust store (set spring.ssl.bundle.<type>." + bundle.getName()
								+ ".truststore.*)");
			}
		}

		/**
		 * The PROXY protocol settings, each from the listener or else the top level, checked
		 * here so that a failure names the property: every trusted source must be a CIDR block,
		 * the header time-out positive, the size within what a header can be.
		 */
		private void proxyProtocol(ListenerConfig.Builder builder, ListenerProperties.ProxyProtocol own,
				RawTcpProperties.ProxyProtocol top, boolean bound) {
			ProxyProtocolMode mode = pick("proxy-protocol.mode", own.getMode(), top.getMode());
			List<String> entries = pick("proxy-protocol.trusted-sources", own.getTrustedSources(),
					top.getTrustedSources());
			for (int i = 0; i < entries.size(); i++) {
				try {
					TrustedSources.of(entries.get(i));
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidRawTcpConfigurationException(keyOf("proxy-protocol.trusted-sources") + "[" + i + "]",
							entries.get(i), ex.getMessage() + "; expected an IP address literal or a CIDR block such as "
									+ "10.0.0.0/8 or 2001:db8::/32");
				}
			}
			Duration timeout = pick("proxy-protocol.header-timeout", own.getHeaderTimeout(), top.getHeaderTimeout());
			if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_PROXY_HEADER_TIMEOUT) > 0) {
				throw new InvalidRawTcpConfigurationException(keyOf("proxy-protocol.header-timeout"), timeout,
						"must be positive and at most 24d");
			}
			DataSize size = pick("proxy-protocol.max-header-size", own.getMaxHeaderSize(), top.getMaxHeaderSize());
			if (size.toBytes() < ProxyHeaderDecoder.MIN_HEADER_SIZE
					|| size.toBytes() > ProxyHeaderDecoder.MAX_HEADER_SIZE) {
				throw new InvalidRawTcpConfigurationException(keyOf("proxy-protocol.max-header-size"), size,
						"must be between " + ProxyHeaderDecoder.MIN_HEADER_SIZE + "B and "
								+ ProxyHeaderDecoder.MAX_HEADER_SIZE + "B");
			}
			if (mode == ProxyProtocolMode.OFF) {
				return;
			}
			if (bound && entries.isEmpty()) {
				logger.warn("rawtcp: listener '" + this.name + "' reads PROXY protocol headers ("
						+ keyOf("proxy-protocol.mode") + "=" + mode.name().toLowerCase(Locale.ROOT)
						+ ") from any peer: a client that reaches its port can claim any address. Set "
						+ this.prefix + "proxy-protocol.trusted-sources to the load balancers' addresses");
			}
			builder.proxyProtocol(new ProxyProtocolPolicy(mode, TrustedSources.of(entries)))
				.proxyHeaderTimeout(timeout)
				.proxyMaxHeaderSize((int) size.toBytes());
		}

		@SuppressWarnings("unchecked")
		private <T> void set(ListenerConfig.Builder builder, ListenerOption<T> option, ListenerProperties own,
				RawTcpProperties top) {
			Object value = (option == ListenerOption.KEEPALIVE_IDLE || option == ListenerOption.KEEPALIVE_INTERVAL)
					? keepAlive(option.key(), (Duration) read(own, option), (Duration) read(top, option))
					: pick(option.key(), read(own, option), read(top, option));
			builder.option(option, (T) ((value instanceof DataSize size) ? (Object) size.toBytes() : value));
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
			if (!mode.accepts(handler)) {
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

		/**
		 * The value of an option's property on a properties object, by the option's key:
		 * {@code write-buffer.low-water-mark} is {@code getWriteBuffer().getLowWaterMark()}.
		 */
		private static @Nullable Object read(Object properties, ListenerOption<?> option) {
			String path = Arrays.stream(option.key().split("\\."))
				.map(Resolved::camelCase)
				.collect(Collectors.joining("."));
			return PropertyAccessorFactory.forBeanPropertyAccess(properties).getPropertyValue(path);
		}

		private static String camelCase(String dashed) {
			StringBuilder camel = new StringBuilder();
			boolean upper = false;
			for (char c : dashed.toCharArray()) {
				if (c == '-') {
					upper = true;
				}
				else {
					camel.append(upper ? Character.toUpperCase(c) : c);
					upper = false;
				}
			}
			return camel.toString();
		}

		String keyOf(String setting) {
			return this.keys.getOrDefault(setting, this.prefix + setting);
		}

	}

}
