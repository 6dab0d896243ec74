package dev.rawtcp.transport;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.AbstractEventLoopGroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code event-loop.blocked-threshold} as {@link EventLoopGroups#create(Transport, int, Duration)}
 * takes it: checked with a message naming it, and zero switches the watchdog off.
 */
class BlockedThresholdTest {

	@Test
	void shouldRejectAThresholdOutOfRangeNamingTheProperty() {
		for (Duration invalid : new Duration[] { Duration.ofMillis(5), Duration.ofHours(2), Duration.ofSeconds(-1) }) {
			assertThatIllegalArgumentException().isThrownBy(() -> EventLoopGroups.create(Transport.NIO, 1, invalid))
				.withMessageContaining("'event-loop.blocked-threshold'")
				.withMessageContaining("must be 0 (off) or between 10ms and 1h");
		}
	}

	@Test
	void shouldStartNoWatchdogThreadWhenTheThresholdIsZero() {
		try (EventLoopGroup group = EventLoopGroups.create(Transport.NIO, 1, Duration.ZERO)) {
			group.bind(ListenerConfig.builder("off").host("127.0.0.1").port(0).build(), (connection, data) -> {
			});
			assertThat(threadNames()).doesNotContain(watchdogName(group));
		}
	}

	@Test
	void shouldStartOneWatchdogThreadWithTheLoopsAndEndItWithThem() {
		String watchdog;
		try (EventLoopGroup group = EventLoopGroups.create(Transport.NIO, 2, Duration.ofSeconds(1))) {
			group.bind(ListenerConfig.builder("on").host("127.0.0.1").port(0).build(), (connection, data) -> {
			});
			watchdog = watchdogName(group);
			assertThat(threadNames()).containsOnlyOnce(watchdog);
		}
		Awaitility.await().until(() -> !threadNames().contains(watchdog));
	}

	/** @return the name the group's watchdog thread has: its loops' prefix, then "watchdog" */
	private static String watchdogName(EventLoopGroup group) {
		String loop = ((AbstractEventLoopGroup<?>) group).loop(0).thread.getName();
		return loop.substring(0, loop.lastIndexOf('-') + 1) + "watchdog";
	}

	private static List<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
	}

}
