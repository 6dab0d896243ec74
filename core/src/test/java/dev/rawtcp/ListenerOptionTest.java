package dev.rawtcp;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ListenerOption} and the checks {@link ListenerConfig} makes with it: each
 * value is checked once, when the configuration is built, and a failure names the option, the
 * value and the range.
 */
@Timeout(10)
class ListenerOptionTest {

	@Test
	void shouldBuildTheDocumentedDefaults() {
		ListenerConfig config = ListenerConfig.builder("echo").build();
		assertThat(config.port()).isEqualTo(7000);
		assertThat(config.backlog()).isEqualTo(1024);
		assertThat(config.keepAliveIdle()).isEqualTo(Duration.ofSeconds(15));
		assertThat(config.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(20));
		assertThat(config.receiveBufferSize()).isNull();
		assertThat(config.writeBufferLimit()).isEqualTo(16L * 1024 * 1024);
	}

	@Test
	void shouldReportOptionValueAndRangeWhenOutOfRange() {
		assertThatExceptionOfType(InvalidListenerOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder("echo").keepAliveCount(128).build())
			.satisfies((ex) -> {
				assertThat(ex.getOption()).isSameAs(ListenerOption.KEEPALIVE_COUNT);
				assertThat(ex.getValue()).isEqualTo(128);
				assertThat(ex.getReason()).isEqualTo("must be between 1 and 127");
				assertThat(ex).hasMessage("Invalid 'keepalive.count' value '128': must be between 1 and 127");
			});
	}

	@Test
	void shouldRejectDurationsThatWouldOverflowBeforeAnythingUsesThem() {
		Duration huge = Duration.ofDays(200000);
		for (ListenerOption<Duration> option : List.of(ListenerOption.IDLE_TIMEOUT, ListenerOption.USER_TIMEOUT,
				ListenerOption.SHUTDOWN_GRACE_PERIOD, ListenerOption.KEEPALIVE_IDLE, ListenerOption.KEEPALIVE_INTERVAL)) {
			assertThatExceptionOfType(InvalidListenerOptionException.class)
				.isThrownBy(() -> ListenerConfig.builder("echo").option(option, huge).build())
				.satisfies((ex) -> assertThat(ex.getOption()).isSameAs(option))
				.withMessageContaining("'200000d'");
		}
	}

	@Test
	void shouldTakeTheLargestValueOfEachRange() {
		ListenerConfig.Builder builder = ListenerConfig.builder("max");
		for (ListenerOption<?> option : ListenerOption.values()) {
			setToMaximum(builder, option);
		}
		ListenerConfig config = builder.build();
		assertThat(config.userTimeout().toMillis()).isLessThanOrEqualTo(Integer.MAX_VALUE);
		assertThat(config.idleTimeout().toNanos()).isPositive();
		assertThat(ListenerOption.USER_TIMEOUT.toKernel(config.userTimeout())).isPositive();
		assertThat(ListenerOption.RECEIVE_BUFFER_SIZE.toKernel((long) config.receiveBufferSize())).isPositive();
	}

	private static <T> void setToMaximum(ListenerConfig.Builder builder, ListenerOption<T> option) {
		if (option.maximum() != null) {
			builder.option(option, option.maximum());
		}
	}

	@Test
	void shouldRejectHighWaterMarkBelowLowWaterMark() {
		assertThatExceptionOfType(InvalidListenerOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder("echo").writeBufferLowWaterMark(2048).writeBufferHighWaterMark(1024)
				.build())
			.satisfies((ex) -> assertThat(ex.getOption()).isSameAs(ListenerOption.WRITE_BUFFER_HIGH_WATER_MARK))
			.withMessageContaining("must not be below write-buffer.low-water-mark (2048B)");
	}

	@Test
	void shouldRejectAMissingValueOnlyWhereTheKernelHasNoDefault() {
		assertThatExceptionOfType(InvalidListenerOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder("echo").option(ListenerOption.BACKLOG, null).build())
			.withMessageContaining("must be set");
		assertThat(ListenerConfig.builder("echo").receiveBufferSize(null).build().receiveBufferSize()).isNull();
	}

	@Test
	void shouldEncodeValuesAsTheKernelTakesThem() {
		assertThat(ListenerOption.KEEPALIVE_IDLE.toKernel(Duration.ofMillis(1500))).isEqualTo(2);
		assertThat(ListenerOption.USER_TIMEOUT.toKernel(Duration.ofSeconds(7))).isEqualTo(7000);
		assertThat(ListenerOption.TCP_NO_DELAY.toKernel(true)).isEqualTo(1);
		assertThat(ListenerOption.TCP_NO_DELAY.toJdk(false)).isEqualTo(false);
		assertThat(ListenerOption.KEEPALIVE_COUNT.toJdk(4)).isEqualTo(4);
		assertThat(ListenerOption.SEND_BUFFER_SIZE.fromKernel(4096)).isEqualTo(4096);
		assertThat(ListenerOption.REUSE_PORT.fromKernel(1)).isEqualTo(true);
	}

	@Test
	void shouldSetKeepAliveDetailsOnlyWithKeepAliveAndUserTimeoutOnlyWhenNotZero() {
		ListenerConfig off = ListenerConfig.builder("off").keepAlive(false).build();
		assertThat(ListenerOption.KEEPALIVE.isSetIn(off)).isTrue();
		assertThat(ListenerOption.KEEPALIVE_IDLE.isSetIn(off)).isFalse();
		assertThat(ListenerOption.KEEPALIVE_COUNT.isSetIn(off)).isFalse();
		assertThat(ListenerOption.USER_TIMEOUT.isSetIn(off)).isFalse();
		assertThat(ListenerOption.RECEIVE_BUFFER_SIZE.isSetIn(off)).isFalse();
		ListenerConfig on = ListenerConfig.builder("on").userTimeout(Duration.ofSeconds(3)).receiveBufferSize(65536)
			.build();
		assertThat(ListenerOption.KEEPALIVE_IDLE.isSetIn(on)).isTrue();
		assertThat(ListenerOption.USER_TIMEOUT.isSetIn(on)).isTrue();
		assertThat(ListenerOption.RECEIVE_BUFFER_SIZE.isSetIn(on)).isTrue();
	}

	@Test
	void shouldDescribeEverySocketOptionForBothTransports() {
		Set<String> keys = new HashSet<>();
		for (ListenerOption<?> option : ListenerOption.values()) {
			assertThat(keys.add(option.key())).as(option.key()).isTrue();
			assertThat(validatesItsDefault(option)).as(option.key()).isTrue();
		}
		assertThat(ListenerOption.socketOptions()).allSatisfy((option) -> {
			assertThat(option.kernel()).isNotNull();
			assertThat(option.placement()).isNotEqualTo(ListenerOption.Placement.NONE);
		});
		assertThat(ListenerOption.socketOptions()).filteredOn((option) -> option.jdkOption() == null)
			.containsExactly(ListenerOption.USER_TIMEOUT, ListenerOption.DEFER_ACCEPT,
					ListenerOption.FAST_OPEN_QUEUE_LENGTH);
	}

	@Test
	void shouldRoundDeferAcceptUpToWholeSecondsAndLeaveZeroUnset() {
		assertThat(ListenerOption.DEFER_ACCEPT.toKernel(Duration.ofMillis(1))).isEqualTo(1);
		assertThat(ListenerOption.DEFER_ACCEPT.toKernel(Duration.ofMillis(2500))).isEqualTo(3);
		assertThat(ListenerOption.DEFER_ACCEPT.isSetIn(ListenerConfig.builder("off").build())).isFalse();
		assertThat(ListenerOption.FAST_OPEN_QUEUE_LENGTH.isSetIn(ListenerConfig.builder("off").build())).isFalse();
		ListenerConfig on = ListenerConfig.builder("on").deferAccept(Duration.ofSeconds(5)).fastOpenQueueLength(8).build();
		assertThat(ListenerOption.DEFER_ACCEPT.isSetIn(on)).isTrue();
		assertThat(ListenerOption.FAST_OPEN_QUEUE_LENGTH.isSetIn(on)).isTrue();
		assertThatExceptionOfType(InvalidListenerOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder("long").deferAccept(Duration.ofHours(2)).build())
			.withMessage("Invalid 'defer-accept' value '2h': must be between 0s and 1h");
		assertThatExceptionOfType(InvalidListenerOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder("negative").fastOpenQueueLength(-1).build())
			.withMessage("Invalid 'fast-open.queue-length' value '-1': must be between 0 and 65535");
	}

	@Test
	void shouldRejectCpuSteeringWithoutSharding() {
		assertThatExceptionOfType(InvalidListenerOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder("steer").acceptShardingCpuSteering(true).build())
			.satisfies((ex) -> assertThat(ex.getOption()).isEqualTo(ListenerOption.ACCEPT_SHARDING_CPU_STEERING))
			.withMessageContaining("accept-sharding per-loop");
		ListenerConfig sharded = ListenerConfig.builder("steer").acceptSharding(AcceptSharding.PER_LOOP)
			.acceptShardingCpuSteering(true).build();
		assertThat(sharded.acceptShardingCpuSteering()).isTrue();
		assertThat(sharded.toString()).contains("accept-sharding=per-loop");
		assertThat(ListenerOption.ACCEPT_SHARDING.range()).isEqualTo("one of off, per-loop");
	}

	private static <T> boolean validatesItsDefault(ListenerOption<T> option) {
		return option.validate(option.defaultValue()) == option.defaultValue();
	}

	@Test
	void shouldCompareByValueAndRebuildEqual() {
		ListenerConfig config = ListenerConfig.builder("echo").backlog(77).idleTimeout(Duration.ofMinutes(2)).build();
		assertThat(config.toBuilder().build()).isEqualTo(config).hasSameHashCodeAs(config);
		assertThat(config.toBuilder().backlog(78).build()).isNotEqualTo(config);
		assertThat(config.toString()).contains("backlog=77").contains("idle-timeout=2m");
	}

	@Test
	void shouldReadAViewThroughTheDescriptors() {
		SocketOptionsView view = SocketOptionsView.read((option) -> (option == ListenerOption.KEEPALIVE_COUNT) ? 4
				: (option == ListenerOption.TCP_NO_DELAY) ? Boolean.TRUE : null);
		assertThat(view.keepAliveCount()).isEqualTo(4);
		assertThat(view.tcpNoDelay()).isTrue();
		assertThat(view.keepAlive()).isNull();
		assertThat(SocketOptionsView.UNREADABLE).isEqualTo(new SocketOptionsView(null, null, null, null, null, null,
				null, null, null, null, null, null));
	}

}
