package dev.rawtcp.autoconfigure.metrics;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.EventLoopStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the series of {@code rawtcp.event-loop.blocked} and {@code rawtcp.event-loop.failures}
 * that no listener caused (tag {@code listener=none}): a loop blocked by, or a throwable from, a
 * task or a timer. The series of each listener are bound with its other meters
 * ({@link RawTcpListenerMetrics}).
 */
public final class RawTcpEventLoopMetrics implements MeterBinder {

	/** The {@code listener} tag value of what no listener caused. */
	public static final String NO_LISTENER = "none";

	private final EventLoopGroup group;

	/**
	 * Create a binder for a group.
	 * @param group the event-loop group
	 */
	public RawTcpEventLoopMetrics(EventLoopGroup group) {
		this.group = group;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of(RawTcpMeters.ListenerTags.LISTENER.asString(), NO_LISTENER,
				RawTcpMeters.ListenerTags.TRANSPORT.asString(), this.group.transport().tagValue());
		EventLoopStats stats = this.group.stats();
		FunctionCounter.builder(RawTcpMeters.EVENT_LOOP_BLOCKED.getName(), stats, EventLoopStats::blocked)
			.description(RawTcpMeters.EVENT_LOOP_BLOCKED.getDescription())
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(RawTcpMeters.EVENT_LOOP_FAILURES.getName(), stats, EventLoopStats::failures)
			.description(RawTcpMeters.EVENT_LOOP_FAILURES.getDescription())
			.tags(tags)
			.register(registry);
	}

}
