package dev.rawtcp.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the host-wide listen-queue counters {@code rawtcp.listen.overflows} and
 * {@code rawtcp.listen.drops} (tag {@code scope=host}), read from {@code /proc/net/netstat}
 * at each scrape. Nothing is registered where the file or a counter is missing.
 */
public final class RawTcpHostMetrics implements MeterBinder {

	static final String LISTEN_OVERFLOWS = "TcpExtListenOverflows";

	static final String LISTEN_DROPS = "TcpExtListenDrops";

	private final NetstatReader netstat;

	/**
	 * Bind the counters of this host's {@code /proc/net/netstat}.
	 */
	public RawTcpHostMetrics() {
		this(new NetstatReader(NetstatReader.PROC_NET_NETSTAT));
	}

	/**
	 * Bind the counters of a file in the {@code /proc/net/netstat} format.
	 * @param netstat the reader
	 */
	public RawTcpHostMetrics(NetstatReader netstat) {
		this.netstat = netstat;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (!this.netstat.isAvailable()) {
			return;
		}
		register(registry, RawTcpMeters.LISTEN_OVERFLOWS, LISTEN_OVERFLOWS);
		register(registry, RawTcpMeters.LISTEN_DROPS, LISTEN_DROPS);
	}

	private void register(MeterRegistry registry, RawTcpMeters meter, String key) {
		if (this.netstat.read(key).isEmpty()) {
			return;
		}
		FunctionCounter.builder(meter.getName(), this.netstat, (reader) -> valueOf(reader, key))
			.description(meter.getDescription())
			.tag(RawTcpMeters.HostTags.SCOPE.asString(), "host")
			.register(registry);
	}

	private static double valueOf(NetstatReader reader, String key) {
		java.util.OptionalLong value = reader.read(key);
		return value.isPresent() ? value.getAsLong() : Double.NaN;
	}

}
