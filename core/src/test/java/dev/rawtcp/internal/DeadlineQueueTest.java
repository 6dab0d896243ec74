package dev.rawtcp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeadlineQueue} with a clock the test moves: what a tick costs follows what expires.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeadlineQueueTest {

	private final DeadlineQueue queue = new DeadlineQueue();

	private final List<String> expired = new ArrayList<>();

	private DeadlineQueue.Entry entry(String name) {
		return new DeadlineQueue.Entry((now) -> this.expired.add(name + "@" + now));
	}

	@Test
	void shouldRestWhenNothingIsScheduled() {
		assertThat(this.queue.nextDeadline()).isEqualTo(Long.MAX_VALUE);
		assertThat(this.queue.runDue(Long.MAX_VALUE)).isZero();
		DeadlineQueue.Entry idle = entry("idle");
		this.queue.schedule(idle, 100);
		assertThat(this.queue.nextDeadline()).isEqualTo(100);
		this.queue.cancel(idle);
		assertThat(this.queue.nextDeadline()).isEqualTo(Long.MAX_VALUE);
		assertThat(idle.isScheduled()).isFalse();
	}

	@Test
	void shouldExpireOnlyWhatIsDueEarliestFirst() {
		this.queue.schedule(entry("c"), 30);
		this.queue.schedule(entry("a"), 10);
		this.queue.schedule(entry("b"), 20);
		assertThat(this.queue.runDue(9)).isZero();
		assertThat(this.queue.runDue(20)).isEqualTo(2);
		assertThat(this.expired).containsExactly("a@20", "b@20");
		assertThat(this.queue.nextDeadline()).isEqualTo(30);
		assertThat(this.queue.size()).isOne();
	}

	@Test
	void shouldMoveAScheduledEntryInsteadOfAddingIt() {
		DeadlineQueue.Entry linger = entry("linger");
		this.queue.schedule(entry("other"), 50);
		this.queue.schedule(linger, 100);
		this.queue.schedule(linger, 10);
		assertThat(this.queue.size()).isEqualTo(2);
		assertThat(this.queue.nextDeadline()).isEqualTo(10);
		this.queue.schedule(linger, 200);
		assertThat(this.queue.nextDeadline()).isEqualTo(50);
		this.queue.runDue(199);
		assertThat(this.expired).containsExactly("other@199");
	}

	@Test
	void shouldLetAnEntryScheduleItselfAgainWhenActivityMovedItsDeadline() {
		long[] lastActivity = { 0 };
		long idle = 1000;
		DeadlineQueue.Entry[] self = new DeadlineQueue.Entry[1];
		self[0] = new DeadlineQueue.Entry((now) -> {
			if (now - (lastActivity[0] + idle) >= 0) {
				this.expired.add("idle@" + now);
			}
			else {
				this.queue.schedule(self[0], lastActivity[0] + idle);
			}
		});
		this.queue.schedule(self[0], idle);
		lastActivity[0] = 700;
		assertThat(this.queue.runDue(1000)).isOne();
		assertThat(this.expired).isEmpty();
		assertThat(this.queue.nextDeadline()).isEqualTo(1700);
		assertThat(this.queue.runDue(1700)).isOne();
		assertThat(this.expired).containsExactly("idle@1700");
		assertThat(this.queue.nextDeadline()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void shouldCompareDeadlinesAcrossTheWrapOfNanoTime() {
		this.queue.schedule(entry("after"), Long.MIN_VALUE + 5);
		this.queue.schedule(entry("before"), Long.MAX_VALUE - 5);
		this.queue.runDue(Long.MAX_VALUE);
		assertThat(this.expired).containsExactly("before@" + Long.MAX_VALUE);
		this.queue.runDue(Long.MIN_VALUE + 5);
		assertThat(this.expired).hasSize(2);
	}

	@Test
	void shouldKeepHeapOrderThroughRandomSchedulesMovesAndCancels() {
		Random random = new Random(42);
		List<DeadlineQueue.Entry> entries = new ArrayList<>();
		List<Long> fired = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			DeadlineQueue.Entry e = new DeadlineQueue.Entry((now) -> fired.add(now));
			entries.add(e);
			this.queue.schedule(e, random.nextInt(10_000));
		}
		for (int i = 0; i < 2000; i++) {
			DeadlineQueue.Entry e = entries.get(random.nextInt(entries.size()));
			if (random.nextBoolean()) {
				this.queue.cancel(e);
			}
			else {
				this.queue.schedule(e, random.nextInt(10_000));
			}
		}
		int scheduled = this.queue.size();
		long previous = Long.MIN_VALUE;
		for (long now = 0; now < 10_000; now += 7) {
			long next = this.queue.nextDeadline();
			if (next != Long.MAX_VALUE) {
				assertThat(next).isGreaterThanOrEqualTo(previous);
				previous = next;
			}
			this.queue.runDue(now);
		}
		this.queue.runDue(10_000);
		assertThat(fired).hasSize(scheduled);
		assertThat(this.queue.size()).isZero();
		assertThat(entries).noneMatch(DeadlineQueue.Entry::isScheduled);
	}

	@Test
	void shouldTellAtMostABatchPerRunSoThatABurstOfDeadlinesLetsTheLoopServeInBetween() {
		List<Long> fired = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			this.queue.schedule(new DeadlineQueue.Entry((now) -> fired.add(now)), 100);
		}
		assertThat(this.queue.runDue(100)).isEqualTo(DeadlineQueue.MAX_PER_RUN);
		// the next batch waits for the pause
		assertThat(this.queue.nextDeadline()).isEqualTo(100 + DeadlineQueue.BATCH_PAUSE_NANOS);
		assertThat(this.queue.runDue(101)).isZero();
		long now = 100;
		int runs = 1;
		while (this.queue.size() > 0) {
			now += DeadlineQueue.BATCH_PAUSE_NANOS;
			assertThat(this.queue.runDue(now)).isPositive();
			runs++;
		}
		assertThat(this.queue.nextDeadline()).isEqualTo(Long.MAX_VALUE);
		assertThat(fired).hasSize(200);
		assertThat(runs).isEqualTo((200 + DeadlineQueue.MAX_PER_RUN - 1) / DeadlineQueue.MAX_PER_RUN);
	}

}
