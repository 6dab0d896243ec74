package dev.rawtcp.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.util.Assert;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;

/**
 * The listeners of an application, bound on {@link #start()} and drained on {@link #stop()}.
 * Each bound port is published as the environment property {@code local.rawtcp.<name>.port}
 * (in this context and its parents) before a {@link RawTcpListenerStartedEvent} is published.
 * <p>
 * It starts in phase {@value #PHASE}, before lifecycle beans of the default phase, and so
 * stops after them, like Spring Boot's web server. A stop leaves the {@link EventLoopGroup}
 * running: the server never shuts down the group, which belongs to whoever made it (the
 * auto-configured group is closed with its bean, when the context closes). So a server that
 * was stopped starts again, binding every listener anew on the same group.
 * <p>
 * With a {@linkplain #setReadinessDelay(Duration) readiness delay} a stop first reports the
 * server {@linkplain #isStopping() stopping} (the {@code rawtcp} health indicator says
 * {@code OUT_OF_SERVICE}) and publishes {@link ReadinessState#REFUSING_TRAFFIC}, then keeps
 * accepting and serving for the delay, so that load balancers probing readiness stop sending
 * before the listeners drain.
 */
public class RawTcpServer implements SmartLifecycle, ApplicationContextAware {

	/**
	 * The lifecycle phase: that of Spring Boot's web server graceful shutdown.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

	/**
	 * Name of the property source holding the {@code local.rawtcp.<name>.port} properties.
	 */
	public static final String PORTS_PROPERTY_SOURCE_NAME = "rawtcp.ports";

	private static final Log logger = LogFactory.getLog(RawTcpServer.class);

	private final EventLoopGroup eventLoopGroup;

	private final List<Registration> registrations;

	private final Object monitor = new Object();

	private volatile Map<String, Listener> listeners = Collections.emptyMap();

	private final Map<String, Throwable> failures = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile boolean running;

	private volatile boolean stopping;

	private volatile Duration readinessDelay = Duration.ZERO;

	private boolean refusedTraffic;

	private @Nullable ApplicationContext applicationContext;

	/**
	 * Create a server.
	 * @param eventLoopGroup the group serving every listener; the server binds on it and never shuts it down
	 * @param registrations the listeners to bind, in order
	 */
	public RawTcpServer(EventLoopGroup eventLoopGroup, List<Registration> registrations) {
		Assert.notNull(eventLoopGroup, "'eventLoopGroup' must not be null");
		Assert.notNull(registrations, "'registrations' must not be null");
		this.eventLoopGroup = eventLoopGroup;
		this.registrations = List.copyOf(registrations);
	}

	/**
	 * Create a server.
	 * @param eventLoopGroup the group serving every listener; the server binds on it and never shuts it down
	 * @param registrations the listeners to bind, in order
	 * @param shutdownGracePeriod ignored: each listener drains for its own
	 * {@link ListenerConfig#shutdownGracePeriod()}, and the group is shut down by its owner
	 * @deprecated since 0.1.0 for removal; use {@link #RawTcpServer(EventLoopGroup, List)}
	 */
	@Deprecated(since = "0.1.0", forRemoval = true)
	public RawTcpServer(EventLoopGroup eventLoopGroup, List<Registration> registrations, Duration shutdownGracePeriod) {
		this(eventLoopGroup, registrations);
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
		this.applicationContext = applicationContext;
	}

	/**
	 * Set how long a stop keeps accepting and serving after it has reported the server
	 * {@linkplain #isStopping() stopping}, before the listeners drain.
	 * @param readinessDelay the delay; zero (the default) drains at once
	 */
	public void setReadinessDelay(Duration readinessDelay) {
		Assert.notNull(readinessDelay, "'readinessDelay' must not be null");
		Assert.isTrue(!readinessDelay.isNegative(), "'readinessDelay' must not be negative");
		this.readinessDelay = readinessDelay;
	}

	/**
	 * How long a stop keeps accepting and serving before the listeners drain.
	 * @return the readiness delay
	 */
	public Duration getReadinessDelay() {
		return this.readinessDelay;
	}

	/**
	 * Whether a stop is under way: from the start of {@link #stop()}, through the readiness
	 * delay (while the listeners still accept) and the drain, until every listener is stopped.
	 * @return whether the server is stopping
	 */
	public boolean isStopping() {
		return this.stopping;
	}

	/**
	 * The event-loop group serving the listeners.
	 * @return the group
	 */
	public EventLoopGroup getEventLoopGroup() {
		return this.eventLoopGroup;
	}

	/**
	 * The bound listeners by name, in configuration order: empty before {@link #start()},
	 * unchanged after {@link #stop()} (stopped listeners report state {@code STOPPED}).
	 * @return the listeners
	 */
	public Map<String, Listener> getListeners() {
		return this.listeners;
	}

	/**
	 * A bound listener.
	 * @param name the listener's name
	 * @return the listener, or empty if none of that name is bound
	 */
	public Optional<Listener> getListener(String name) {
		return Optional.ofNullable(this.listeners.get(name));
	}

	/**
	 * Listeners that failed to bind, by name.
	 * @return the failures
	 */
	public Map<String, Throwable> getFailures() {
		synchronized (this.failures) {
			return Map.copyOf(this.failures);
		}
	}

	/**
	 * The listeners this server binds on {@link #start()}.
	 * @return the registrations, in order
	 */
	public List<Registration> getRegistrations() {
		return this.registrations;
	}

	/**
	 * Bind every listener; a listener that cannot bind stops the ones already bound and
	 * fails the start. After a {@link #stop()} it binds them again: a listener configured with
	 * port 0 gets a new ephemeral port, published again.
	 */
	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.failures.clear();
			Map<String, Listener> bound = new LinkedHashMap<>();
			for (Registration registration : this.registrations) {
				String name = registration.config().name();
				Listener listener;
				try {
					listener = registration.bind(this.eventLoopGroup);
				}
				catch (RuntimeException ex) {
					this.failures.put(name, ex);
					stopAll(bound.values(), true);
					throw ex;
				}
				bound.put(name, listener);
				this.listeners = Collections.unmodifiableMap(new LinkedHashMap<>(bound));
				publishPort(name, listener.port());
				if (this.applicationContext != null) {
					this.applicationContext.publishEvent(new RawTcpListenerStartedEvent(this, listener));
				}
			}
			this.running = true;
			if (this.refusedTraffic) {
				// restarted after a stop that took the application out of readiness
				this.refusedTraffic = false;
				publishReadiness(ReadinessState.ACCEPTING_TRAFFIC);
			}
		}
	}

	/**
	 * Stop every listener in parallel, each given its own {@code shutdown.grace-period} to
	 * let connections finish and flush. The event-loop group keeps running. With a readiness
	 * delay, the server first reports itself {@linkplain #isStopping() stopping}, publishes
	 * {@link ReadinessState#REFUSING_TRAFFIC}, and keeps accepting and serving for the delay;
	 * an interrupt ends the delay early.
	 */
	@Override
	public void stop() {
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			this.stopping = true;
			try {
				awaitReadinessDelay();
				this.running = false;
				stopAll(this.listeners.values(), false);
			}
			finally {
				this.stopping = false;
			}
		}
	}

	private void awaitReadinessDelay() {
		Duration delay = this.readinessDelay;
		if (delay.isZero()) {
			return;
		}
		this.refusedTraffic = publishReadiness(ReadinessState.REFUSING_TRAFFIC);
		logger.info("rawtcp: stopping; the listeners keep accepting for the readiness delay of " + delay.toMillis()
				+ " ms before they drain");
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.info("rawtcp: readiness delay interrupted; draining now");
		}
	}

	private boolean publishReadiness(ReadinessState state) {
		if (this.applicationContext == null) {
			return false;
		}
		AvailabilityChangeEvent.publish(this.applicationContext, this, state);
		return true;
	}

	private void stopAll(Iterable<Listener> listeners, boolean immediately) {
		List<CompletableFuture<Void>> stops = new ArrayList<>();
		for (Listener listener : listeners) {
			stops.add(listener.stopAsync(immediately ? Duration.ZERO : listener.config().shutdownGracePeriod()));
		}
		for (int i = 0; i < stops.size(); i++) {
			try {
				stops.get(i).join();
			}
			catch (RuntimeException ex) {
				logger.warn("rawtcp listener did not stop cleanly", ex);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void publishPort(String name, int port) {
		ApplicationContext context = this.applicationContext;
		while (context != null) {
			if (context.getEnvironment() instanceof ConfigurableEnvironment environment) {
				setPortProperty(environment.getPropertySources(), "local.rawtcp." + name + ".port", port);
			}
			context = context.getParent();
		}
	}

	@SuppressWarnings("unchecked")
	private static void setPortProperty(MutablePropertySources sources, String propertyName, int port) {
		PropertySource<?> source = sources.get(PORTS_PROPERTY_SOURCE_NAME);
		if (source == null) {
			source = new MapPropertySource(PORTS_PROPERTY_SOURCE_NAME, new HashMap<>());
			sources.addFirst(source);
		}
		((Map<String, Object>) source.getSource()).put(propertyName, port);
	}

	/**
	 * A listener to bind: its configuration and its handler.
	 *
	 * @param config the listener's configuration
	 * @param handler a {@link TcpHandler} or a {@link TcpStreamHandler} fitting {@code config.mode()}
	 */
	public record Registration(ListenerConfig config, Object handler) {

		/**
		 * Check that the handler fits the mode.
		 */
		public Registration {
			Assert.notNull(config, "'config' must not be null");
			Assert.isTrue(config.mode().accepts(handler), () -> "Handler of listener '" + config.name() + "' ("
					+ handler.getClass().getName() + ") does not fit mode '" + config.mode().value() + "'");
		}

		/**
		 * Bind the listener; with mode {@code auto} a handler of both types runs on the event loop.
		 * @param group the group to bind on
		 * @return the bound listener
		 */
		Listener bind(EventLoopGroup group) {
			if (this.handler instanceof TcpHandler eventLoopHandler
					&& this.config.mode() != ListenerMode.THREAD_PER_CONNECTION) {
				return group.bind(this.config, eventLoopHandler);
			}
			return group.bind(this.config, (TcpStreamHandler) this.handler);
		}

	}

}
