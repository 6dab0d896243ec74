package dev.rawtcp.autoconfigure.metrics;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.CloseReason;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerShard;
import dev.rawtcp.ListenerState;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TlsHandshakeFailure;
import dev.rawtcp.TlsStats;
import dev.rawtcp.autoconfigure.BundleTlsEngines;
import dev.rawtcp.autoconfigure.ReloadableSslBundle;
import dev.rawtcp.proxy.ProxyHeaderError;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the meters of one listener (tags {@code listener} and {@code transport}). The state
 * gauge has one series per {@link ListenerState} (tag {@code state}), 1 for the current one.
 * Counters
 * read the listener's {@link ListenerStats} when scraped, so the transport's hot path only
 * touches its {@code LongAdder}s; the accept-queue gauges read {@code TCP_INFO} of the
 * listening socket when scraped and are only registered where the transport can read it; a
 * sharded listener also has one {@code rawtcp.accept.queue.shard.size} per listening socket
 * (tag {@code shard}), the listener's {@code rawtcp.accept.queue.size} being their sum.
 */
public final class RawTcpListenerMetrics implements MeterBinder {

	/** The {@code errno} tag value summing every errno outside {@link ListenerStats#KNOWN_ACCEPT_ERRNOS}. */
	public static final String OTHER_ERRNO = "OTHER";

	private static final long SHARD_SNAPSHOT_NANOS = 100_000_000L;

	private final Listener listener;

	private final Tags tags;

	private final List<Meter> meters = new CopyOnWriteArrayList<>();

	private volatile @Nullable List<ListenerShard> shardSnapshot;

	private volatile long shardSnapshotNanos;

	/**
	 * Create a binder for a listener.
	 * @param listener the listener
	 * @param extraTags tags added to every meter
	 */
	public RawTcpListenerMetrics(Listener listener, Iterable<Tag> extraTags) {
		this.listener = listener;
		this.tags = Tags.of(extraTags)
			.and(RawTcpMeters.ListenerTags.LISTENER.asString(), listener.name())
			.and(RawTcpMeters.ListenerTags.TRANSPORT.asString(), listener.transport().tagValue());
	}

	/**
	 * The listener whose meters this binds.
	 * @return the listener
	 */
	public Listener getListener() {
		return this.listener;
	}

	/**
	 * The meters registered so far, in every registry bound.
	 * @return the meters
	 */
	public List<Meter> getMeters() {
		return List.copyOf(this.meters);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ListenerStats stats = this.listener.stats();
		for (ListenerState state : ListenerState.values()) {
			gauge(registry, RawTcpMeters.LISTENER_STATE, this.listener,
					Tags.of(RawTcpMeters.StateTags.STATE.asString(), state.value()),
					(l) -> (l.state() == state) ? 1 : 0);
		}
		gauge(registry, RawTcpMeters.CONNECTIONS_ACTIVE, stats, Tags.empty(), ListenerStats::active);
		counter(registry, RawTcpMeters.CONNECTIONS_ACCEPTED, Tags.empty(), ListenerStats::accepted);
		for (CloseReason reason : CloseReason.values()) {
			counter(registry, RawTcpMeters.CONNECTIONS_CLOSED,
					Tags.of(RawTcpMeters.ClosedTags.REASON.asString(), reason.tagValue()),
					(s) -> s.closed(reason));
		}
		counter(registry, RawTcpMeters.CONNECTIONS_REJECTED, Tags.empty(), ListenerStats::rejected);
		counter(registry, RawTcpMeters.BYTES_RECEIVED, Tags.empty(), ListenerStats::bytesReceived);
		counter(registry, RawTcpMeters.BYTES_SENT, Tags.empty(), ListenerStats::bytesSent);
		counter(registry, RawTcpMeters.HANDLER_ERRORS, Tags.empty(), ListenerStats::handlerErrors);
		counter(registry, RawTcpMeters.FRAME_ERRORS, Tags.empty(), ListenerStats::frameErrors);
		counter(registry, RawTcpMeters.LINGER_RESETS, Tags.empty(), ListenerStats::lingerResets);
		counter(registry, RawTcpMeters.EVENT_LOOP_BLOCKED, Tags.empty(), ListenerStats::loopBlocked);
		counter(registry, RawTcpMeters.EVENT_LOOP_FAILURES, Tags.empty(), ListenerStats::loopFailures);
		for (String errno : ListenerStats.KNOWN_ACCEPT_ERRNOS) {
			counter(registry, RawTcpMeters.ACCEPT_ERRORS, errnoTag(errno), (s) -> s.acceptErrors(errno));
		}
		counter(registry, RawTcpMeters.ACCEPT_ERRORS, errnoTag(OTHER_ERRNO), RawTcpListenerMetrics::otherAcceptErrors);
		ServerTls tls = this.listener.config().tls();
		if (tls != null) {
			bindTls(registry, tls);
		}
		if (this.listener.config().proxyProtocol() != null) {
			for (ProxyHeaderError reason : ProxyHeaderError.values()) {
				counter(registry, RawTcpMeters.PROXY_HEADER_ERRORS,
						Tags.of(RawTcpMeters.ProxyHeaderTags.REASON.asString(), reason.tag()),
						(s) -> s.proxyHeaderErrors(reason));
			}
		}
		if (this.listener.effectiveBacklog().isPresent()) {
			gauge(registry, RawTcpMeters.ACCEPT_QUEUE_SIZE, this.listener, Tags.empty(),
					(l) -> valueOf(l.acceptQueueSize()));
			gauge(registry, RawTcpMeters.ACCEPT_QUEUE_LIMIT, this.listener, Tags.empty(),
					(l) -> valueOf(l.effectiveBacklog()));
			if (this.listener.config().acceptSharding() == AcceptSharding.PER_LOOP) {
				for (ListenerShard shard : this.listener.shards()) {
					int index = shard.index();
					gauge(registry, RawTcpMeters.ACCEPT_QUEUE_SHARD_SIZE, this,
							Tags.of(RawTcpMeters.ShardTags.SHARD.asString(), Integer.toString(index)),
							(binder) -> binder.shardQueueSize(index));
				}
			}
		}
	}

	private void bindTls(MeterRegistry registry, ServerTls tls) {
		counter(registry, RawTcpMeters.TLS_HANDSHAKES, handshakeTags("success", "none"),
				(s) -> s.tls().succeeded());
		for (TlsHandshakeFailure reason : TlsHandshakeFailure.values()) {
			counter(registry, RawTcpMeters.TLS_HANDSHAKES, handshakeTags("failure", reason.tagValue()),
					(s) -> s.tls().failed(reason));
		}
		this.meters.add(FunctionTimer
			.builder(RawTcpMeters.TLS_HANDSHAKE_TIME.getName(), this.listener.stats().tls(), TlsStats::succeeded,
					TlsStats::succeededNanos, TimeUnit.NANOSECONDS)
			.description(RawTcpMeters.TLS_HANDSHAKE_TIME.getDescription())
			.tags(this.tags)
			.register(registry));
		if (tls.engines() instanceof BundleTlsEngines engines) {
			for (ReloadableSslBundle bundle : engines.getBundles().values()) {
				this.meters.add(FunctionCounter
					.builder(RawTcpMeters.TLS_RELOADS.getName(), bundle, ReloadableSslBundle::getReloads)
					.description(RawTcpMeters.TLS_RELOADS.getDescription())
					.tags(this.tags.and(RawTcpMeters.TlsTags.BUNDLE.asString(), bundle.getName()))
					.register(registry));
			}
		}
	}

	private static Tags handshakeTags(String result, String reason) {
		return Tags.of(RawTcpMeters.TlsTags.RESULT.asString(), result, RawTcpMeters.TlsTags.REASON.asString(),
				reason);
	}

	private static Tags errnoTag(String errno) {
		return Tags.of(RawTcpMeters.AcceptErrorTags.ERRNO.asString(), errno);
	}

	private static long otherAcceptErrors(ListenerStats stats) {
		long other = 0;
		for (Map.Entry<String, Long> entry : stats.acceptErrors().entrySet()) {
			if (!ListenerStats.KNOWN_ACCEPT_ERRNOS.contains(entry.getKey())) {
				other += entry.getValue();
			}
		}
		return other;
	}

	/**
	 * One shard's accept queue, from a snapshot of every shard taken at most 100 ms ago: a scrape
	 * reads the shards' gauges one after another, and each snapshot asks every shard's loop.
	 */
	private double shardQueueSize(int index) {
		long now = System.nanoTime();
		List<ListenerShard> shards = this.shardSnapshot;
		if (shards == null || now - this.shardSnapshotNanos > SHARD_SNAPSHOT_NANOS) {
			shards = this.listener.shards();
			this.shardSnapshot = shards;
			this.shardSnapshotNanos = now;
		}
		Integer size = (index < shards.size()) ? shards.get(index).acceptQueueSize() : null;
		return (size != null) ? size : Double.NaN;
	}

	private static double valueOf(OptionalInt value) {
		// Empty once the listener is stopped: NaN (absent), never a made-up zero.
		return value.isPresent() ? value.getAsInt() : Double.NaN;
	}

	private <T> void gauge(MeterRegistry registry, RawTcpMeters meter, T target, Tags extra,
			ToDoubleFunction<T> function) {
		this.meters.add(Gauge.builder(meter.getName(), target, function)
			.description(meter.getDescription())
			.tags(this.tags.and(extra))
			.strongReference(true)
			.register(registry));
	}

	private void counter(MeterRegistry registry, RawTcpMeters meter, Tags extra,
			ToDoubleFunction<ListenerStats> function) {
		FunctionCounter.Builder<ListenerStats> builder = FunctionCounter
			.builder(meter.getName(), this.listener.stats(), function)
			.description(meter.getDescription())
			.tags(this.tags.and(extra));
		if (meter.getBaseUnit() != null) {
			builder.baseUnit(meter.getBaseUnit());
		}
		this.meters.add(builder.register(registry));
	}

}
