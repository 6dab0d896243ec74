package dev.rawtcp.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small pieces both transports' loops are built from.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopSupportTest {

	@Test
	void shouldRunDueTimersInDeadlineThenSchedulingOrder() {
		LoopTimers timers = new LoopTimers();
		List<String> ran = new ArrayList<>();
		timers.schedule(20, () -> ran.add("b"));
		timers.schedule(10, () -> ran.add("a"));
		timers.schedule(20, () -> ran.add("c"));
		timers.schedule(30, () -> ran.add("late"));
		timers.schedule(15, () -> {
			throw new IllegalStateException("a failing timer (expected by the test)");
		});
		assertThat(timers.nextDeadline()).isEqualTo(10);
		timers.runDue(25);
		assertThat(ran).containsExactly("a", "b", "c");
		assertThat(timers.nextDeadline()).isEqualTo(30);
	}

	@Test
	void shouldHandOutItemsInTurn() {
		RoundRobin<String> loops = new RoundRobin<>(List.of("1", "2", "3"));
		List<String> order = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			order.add(loops.next());
		}
		assertThat(order).containsExactly("1", "2", "3", "1", "2", "3", "1");
	}

	@Test
	void shouldWaitUntilTheLastConnectionIsRemoved() throws Exception {
		OpenConnections<String> open = new OpenConnections<>();
		open.add(1, "a");
		open.add(2, "b");
		assertThat(open.awaitEmpty(System.nanoTime() + Duration.ofMillis(20).toNanos(), () -> true)).isFalse();
		CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
				() -> open.awaitEmpty(System.nanoTime() + Duration.ofSeconds(5).toNanos(), () -> true));
		assertThat(open.remove(1)).isTrue();
		assertThat(open.remove(1)).isFalse();
		assertThat(open.remove(2)).isTrue();
		assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldStopWaitingWhenTheLoopsAreGone() {
		OpenConnections<String> open = new OpenConnections<>();
		open.add(1, "a");
		assertThat(open.awaitEmpty(System.nanoTime() + Duration.ofSeconds(5).toNanos(), () -> false)).isFalse();
	}

	@Test
	void shouldKeepAttributesUntilRemoved() {
		ConnectionAttributes attributes = new ConnectionAttributes();
		assertThat((Object) attributes.get("k")).isNull();
		attributes.set("k", 42);
		assertThat((Integer) attributes.get("k")).isEqualTo(42);
		attributes.set("k", null);
		assertThat((Object) attributes.get("k")).isNull();
	}

	@Test
	void shouldRunACallOnTheLoopThreadAndReturnItsResult() throws Exception {
		java.util.concurrent.ExecutorService loop = java.util.concurrent.Executors.newSingleThreadExecutor();
		try {
			Thread loopThread = loop.submit(Thread::currentThread).get();
			CallOutcome<Boolean> onLoop = LoopCalls.call(loop, loopThread, () -> Thread.currentThread() == loopThread,
					1000);
			assertThat(onLoop.kind()).isEqualTo(CallOutcome.Kind.RESULT);
			assertThat(onLoop.valueOrNull()).isTrue();
			CallOutcome<Object> failed = LoopCalls.call(loop, loopThread, () -> {
				throw new IllegalStateException("expected by the test");
			}, 1000);
			assertThat(failed.kind()).isEqualTo(CallOutcome.Kind.FAILURE);
			assertThat(failed.failure()).isInstanceOf(IllegalStateException.class).hasMessage("expected by the test");
		}
		finally {
			loop.shutdownNow();
		}
	}

	@Test
	void shouldCallReadsBulkFrom32KiBIn100Microseconds() {
		BulkReads reads = new BulkReads();
		long t = TimeUnit.SECONDS.toNanos(1);
		assertThat(reads.bulk(t)).isFalse();
		reads.add(20_000);
		reads.add(20_000);
		assertThat(reads.bulk(t + 50_000)).as("the window is not over: the last verdict holds").isFalse();
		assertThat(reads.bulk(t + 100_000)).as("40,000 bytes in the window").isTrue();
		reads.add(30_000);
		assertThat(reads.bulk(t + 150_000)).as("the window is not over").isTrue();
		assertThat(reads.bulk(t + 200_000)).as("30,000 bytes are under 32 KiB").isFalse();
		reads.add(1_000_000);
		assertThat(reads.bulk(t + 10_000_000)).as("a long window still counts its bytes").isTrue();
	}

}
