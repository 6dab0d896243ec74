package dev.rawtcp.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.rawtcp.Listener;
import dev.rawtcp.autoconfigure.RawTcpListenerStartedEvent;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;

/**
 * Binds a {@link RawTcpListenerMetrics} to the application's meter registries whenever a
 * listener starts. A listener started again under the same name replaces the meters of
 * the previous one.
 */
public final class RawTcpMetricsRegistrar implements ApplicationListener<RawTcpListenerStartedEvent> {

	private final ObjectProvider<MeterRegistry> registries;

	private final Map<String, RawTcpListenerMetrics> bound = new ConcurrentHashMap<>();

	/**
	 * Create a registrar.
	 * @param registries the meter registries to bind to
	 */
	public RawTcpMetricsRegistrar(ObjectProvider<MeterRegistry> registries) {
		this.registries = registries;
	}

	@Override
	public void onApplicationEvent(RawTcpListenerStartedEvent event) {
		bind(event.getListener());
	}

	/**
	 * Register the meters of a listener, replacing those of an earlier listener of that name.
	 * @param listener the listener
	 */
	public void bind(Listener listener) {
		List<MeterRegistry> targets = targetRegistries();
		RawTcpListenerMetrics metrics = new RawTcpListenerMetrics(listener, Tags.empty());
		RawTcpListenerMetrics previous = this.bound.put(listener.name(), metrics);
		if (previous != null && previous.getListener() != listener) {
			for (Meter meter : previous.getMeters()) {
				targets.forEach((registry) -> registry.remove(meter));
			}
		}
		targets.forEach(metrics::bindTo);
	}

	/**
	 * The registries to bind to: the composite registries if there are any (they feed
	 * their members), else every registry, as Spring Boot binds {@code MeterBinder} beans.
	 */
	private List<MeterRegistry> targetRegistries() {
		List<MeterRegistry> all = this.registries.orderedStream().toList();
		List<MeterRegistry> composites = all.stream()
			.filter(CompositeMeterRegistry.class::isInstance)
			.toList();
		return composites.isEmpty() ? all : composites;
	}

}
