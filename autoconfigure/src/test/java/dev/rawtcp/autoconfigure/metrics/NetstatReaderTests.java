package dev.rawtcp.autoconfigure.metrics;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetstatReaderTests {

	@Test
	void shouldPairHeaderAndValueLinesUnderTheirPrefix() {
		Map<String, Long> counters = NetstatReader.parse("""
				TcpExt: SyncookiesSent ListenOverflows ListenDrops
				TcpExt: 3 17 18
				IpExt: InNoRoutes InOctets
				IpExt: 0 18446744073709551615
				""");
		assertThat(counters).containsEntry("TcpExtSyncookiesSent", 3L)
			.containsEntry("TcpExtListenOverflows", 17L)
			.containsEntry("TcpExtListenDrops", 18L)
			.containsEntry("IpExtInNoRoutes", 0L)
			.hasSize(5);
	}

	@Test
	void shouldResynchroniseWhenALineHasNoPartner() {
		Map<String, Long> counters = NetstatReader.parse("""
				Garbage
				TcpExt: ListenOverflows ListenDrops
				TcpExt: 5 6
				""");
		assertThat(counters).containsOnly(Map.entry("TcpExtListenOverflows", 5L), Map.entry("TcpExtListenDrops", 6L));
	}

	@Test
	void shouldReadListenCountersFromACopyOfThisMachinesProcNetNetstat() throws Exception {
		String copy;
		try (InputStream in = getClass().getResourceAsStream("/proc-net-netstat.txt")) {
			copy = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		Map<String, Long> counters = NetstatReader.parse(copy);
		assertThat(counters).containsKeys("TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtSyncookiesSent",
				"IpExtInOctets");
		assertThat(counters.get("TcpExtListenDrops")).isGreaterThanOrEqualTo(counters.get("TcpExtListenOverflows"));
		assertThat(counters.size()).isGreaterThan(100);
	}

	@Test
	void shouldReadTheLiveFileWhereItExists() {
		NetstatReader reader = new NetstatReader(NetstatReader.PROC_NET_NETSTAT);
		assumeTrue(reader.isAvailable(), "no /proc/net/netstat here");
		assertThat(reader.read("TcpExtListenOverflows")).isPresent();
		assertThat(reader.read("NoSuchCounter")).isEmpty();
	}

	@Test
	void shouldRegisterHostCountersReadAtEachScrape(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("netstat");
		Files.writeString(file, "TcpExt: ListenOverflows ListenDrops\nTcpExt: 1 2\n");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new RawTcpHostMetrics(new NetstatReader(file)).bindTo(registry);
		FunctionCounter overflows = registry.get("rawtcp.listen.overflows").tag("scope", "host").functionCounter();
		FunctionCounter drops = registry.get("rawtcp.listen.drops").tag("scope", "host").functionCounter();
		assertThat(overflows.count()).isEqualTo(1);
		assertThat(drops.count()).isEqualTo(2);
		Files.writeString(file, "TcpExt: ListenOverflows ListenDrops\nTcpExt: 41 42\n");
		assertThat(overflows.count()).isEqualTo(41);
		assertThat(drops.count()).isEqualTo(42);
	}

	@Test
	void shouldRegisterNothingWhereTheFileIsMissing(@TempDir Path dir) {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new RawTcpHostMetrics(new NetstatReader(dir.resolve("absent"))).bindTo(registry);
		assertThat(registry.getMeters()).isEmpty();
	}

}
