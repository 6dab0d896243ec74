package dev.rawtcp.benchmarks;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The report's arithmetic and its CSV, which {@code --report} reads back: no server runs here.
 */
class ReportTest {

	private static Measurement stream(int round, ServerKind server, double mbPerSecond, double serverCpu,
			double clientCpu) {
		return new Measurement(round, server, Scenario.STREAM_8_16K,
				Map.of("secs", "3.000", "mb_per_s", Double.toString(mbPerSecond), "server_cpu_s",
						Double.toString(serverCpu), "client_cpu_s", Double.toString(clientCpu), "errors", "0"),
				null);
	}

	@Test
	void shouldDivideByTheCpuOfBothProcesses() {
		Measurement m = stream(1, ServerKind.RAWTCP_EPOLL, 3000, 2.0, 3.0);
		assertThat(m.perServerCpuSecond()).isCloseTo(4500, within(1e-9));
		assertThat(m.perCpuSecondOfBoth()).isCloseTo(1800, within(1e-9));
	}

	@Test
	void shouldShowTheSameWorkPerByteWhenOneServerSleepsAndTheOtherDoesNot() {
		// the same total CPU per byte, shared differently: the sleeping server loses in wall clock and
		// wins per server CPU second; the ratio over both processes says they cost the same
		List<Measurement> runs = List.of(stream(1, ServerKind.NETTY_EPOLL, 3500, 3.0, 2.83),
				stream(1, ServerKind.RAWTCP_EPOLL, 3000, 2.0, 3.0));
		Report report = new Report(runs, List.of(ServerKind.NETTY_EPOLL, ServerKind.RAWTCP_EPOLL),
				List.of(Scenario.STREAM_8_16K), Map.of());
		assertThat(report.ratio(Scenario.STREAM_8_16K, ServerKind.RAWTCP_EPOLL, ServerKind.NETTY_EPOLL,
				Measurement::throughput)).isCloseTo(0.857, within(0.001));
		assertThat(report.ratio(Scenario.STREAM_8_16K, ServerKind.RAWTCP_EPOLL, ServerKind.NETTY_EPOLL,
				Measurement::perServerCpuSecond)).isCloseTo(1.286, within(0.001));
		assertThat(report.ratio(Scenario.STREAM_8_16K, ServerKind.RAWTCP_EPOLL, ServerKind.NETTY_EPOLL,
				Measurement::perCpuSecondOfBoth)).isCloseTo(1.0, within(0.001));
		assertThat(report.render())
			.contains("| stream 8 conns 16 KiB chunks | 0.86 (1.29) |")
			.contains("### Ratios per second of server and load-generator CPU together")
			.contains("| stream 8 conns 16 KiB chunks | 1.00 |");
	}

	@Test
	void shouldReadBackWhatItWrote() {
		Measurement ok = stream(2, ServerKind.RAWTCP_NIO_TPC, 3344.61, 2.98, 2.97);
		Measurement failed = new Measurement(3, ServerKind.NETTY_NIO, Scenario.CHURN_64, Map.of(),
				"timed out, after 60 s, see netty-nio-round3.log");
		Report report = new Report(List.of(ok, failed), List.of(ServerKind.RAWTCP_NIO_TPC, ServerKind.NETTY_NIO),
				List.of(Scenario.STREAM_8_16K, Scenario.CHURN_64), Map.of());

		List<Measurement> back = Report.parse(report.csv());

		assertThat(back).hasSize(2);
		assertThat(back.get(0).round()).isEqualTo(2);
		assertThat(back.get(0).server()).isEqualTo(ServerKind.RAWTCP_NIO_TPC);
		assertThat(back.get(0).scenario()).isEqualTo(Scenario.STREAM_8_16K);
		assertThat(back.get(0).ok()).isTrue();
		assertThat(back.get(0).throughput()).isEqualTo(3344.61);
		assertThat(back.get(0).perCpuSecondOfBoth()).isEqualTo(ok.perCpuSecondOfBoth());
		assertThat(back.get(1).ok()).isFalse();
		assertThat(back.get(1).failure()).isEqualTo("timed out, after 60 s, see netty-nio-round3.log");
		assertThat(new Report(back, List.of(ServerKind.RAWTCP_NIO_TPC, ServerKind.NETTY_NIO),
				List.of(Scenario.STREAM_8_16K, Scenario.CHURN_64), Map.of()).render()).isEqualTo(report.render());
	}

}
