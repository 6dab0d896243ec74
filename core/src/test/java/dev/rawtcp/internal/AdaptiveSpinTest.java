package dev.rawtcp.internal;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AdaptiveSpin} against a clock the test moves, so that no verdict depends on how fast a
 * loaded machine runs the test.
 */
class AdaptiveSpinTest {

	/** Starts far from 0, which the spin uses to mean "no empty run began". */
	private long now = TimeUnit.HOURS.toNanos(1);

	private void advanceMillis(long millis) {
		this.now += TimeUnit.MILLISECONDS.toNanos(millis);
	}

	private void advanceNanos(long nanos) {
		this.now += nanos;
	}

	@Test
	void shouldSpinOnlyAfterShortGapsAndLessEachTimeItSpunForNothing() {
		AdaptiveSpin spin = new AdaptiveSpin(1_000_000, () -> this.now);
		assertThat(spin.pollInsteadOfWait()).as("no gap learned yet").isFalse();
		spin.woke(this.now - TimeUnit.SECONDS.toNanos(2));
		assertThat(spin.pollInsteadOfWait()).as("a gap longer than the maximum teaches nothing").isFalse();
		spin.woke(this.now - TimeUnit.MILLISECONDS.toNanos(100));
		assertThat(spin.pollInsteadOfWait()).as("a 100 ms gap: spin 200 ms").isTrue();
		advanceMillis(150);
		assertThat(spin.pollInsteadOfWait()).as("150 ms into a 200 ms spin").isTrue();
		spin.found();
		assertThat(spin.pollInsteadOfWait()).as("found after 150 ms: spin 300 ms").isTrue();
		advanceMillis(300);
		assertThat(spin.pollInsteadOfWait()).as("spun 300 ms for nothing: wait, and halve the spin").isFalse();
		assertThat(spin.pollInsteadOfWait()).as("the halved spin, 150 ms, starts").isTrue();
		advanceMillis(149);
		assertThat(spin.pollInsteadOfWait()).as("149 ms into the halved spin").isTrue();
		advanceMillis(1);
		assertThat(spin.pollInsteadOfWait()).as("the halved spin ran out, halved again to 75 ms").isFalse();
		int halvings = 0;
		while (spin.pollInsteadOfWait()) {
			advanceMillis(1000);
			assertThat(spin.pollInsteadOfWait()).as("a spin shorter than a second runs out").isFalse();
			halvings++;
			assertThat(halvings).as("halved down to nothing in a bounded number of steps").isLessThan(40);
		}
		assertThat(halvings).as("75 ms halved below 1 µs, then none").isEqualTo(18);
		assertThat(spin.pollInsteadOfWait()).as("halved down to nothing").isFalse();
	}

	@Test
	void shouldLearnTwiceTheGapThatAFoundPollEnded() {
		AdaptiveSpin spin = new AdaptiveSpin(1_000_000, () -> this.now);
		spin.woke(this.now - 10_000);
		assertThat(spin.pollInsteadOfWait()).as("a 10 µs gap: spin 20 µs").isTrue();
		advanceNanos(15_000);
		spin.found();
		assertThat(spin.pollInsteadOfWait()).as("30 µs learned from a 15 µs wait").isTrue();
		advanceNanos(29_999);
		assertThat(spin.pollInsteadOfWait()).isTrue();
		advanceNanos(1);
		assertThat(spin.pollInsteadOfWait()).as("the 30 µs spin ran out").isFalse();
	}

	@Test
	void shouldNeverSpinLongerThanTheMaximum() {
		AdaptiveSpin spin = new AdaptiveSpin(50, () -> this.now);
		spin.woke(this.now - TimeUnit.MICROSECONDS.toNanos(40));
		assertThat(spin.pollInsteadOfWait()).as("80 µs learned, capped at 50 µs").isTrue();
		advanceNanos(TimeUnit.MICROSECONDS.toNanos(50));
		assertThat(spin.pollInsteadOfWait()).isFalse();
	}

	@Test
	void shouldNeverSpinWithAMaximumOfZero() {
		AdaptiveSpin spin = new AdaptiveSpin(0, () -> this.now);
		spin.woke(this.now - 1000);
		spin.found();
		assertThat(spin.pollInsteadOfWait()).isFalse();
	}

}
