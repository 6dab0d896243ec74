package dev.rawtcp.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LoopWatchdog} checked by hand against a clock the test moves, watching a real thread
 * that is blocked for real.
 */
class LoopWatchdogTest {

	private long now = TimeUnit.HOURS.toNanos(1);

	private final Logger logger = (Logger) LoggerFactory.getLogger(LoopWatchdog.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private final Thread blocked = new Thread(() -> {
		try {
			this.release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}, "test-loop");

	@BeforeEach
	void capture() {
		this.appender.start();
		this.logger.addAppender(this.appender);
		this.blocked.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.blocked.getState() == Thread.State.WAITING);
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.logger.detachAppender(this.appender);
		this.release.countDown();
		this.blocked.join();
	}

	@Test
	void shouldWarnOncePerEpisodeWithTheStackAndTheListener() {
		FakeLoop loop = new FakeLoop();
		LoopWatchdog watchdog = new LoopWatchdog(Duration.ofSeconds(2), () -> this.now);
		watchdog.watch(loop);
		loop.busySince = this.now;
		loop.listener = "chat";
		this.now += TimeUnit.MILLISECONDS.toNanos(1999);
		watchdog.check();
		assertThat(warnings()).as("under the threshold").isEmpty();
		this.now += TimeUnit.MILLISECONDS.toNanos(1);
		watchdog.check();
		this.now += TimeUnit.SECONDS.toNanos(3);
		watchdog.check();
		assertThat(warnings()).as("one episode, one WARN").hasSize(1);
		ILoggingEvent warning = warnings().get(0);
		assertThat(warning.getFormattedMessage()).contains("test-loop", "listener 'chat'", "2000 ms");
		assertThat(warning.getThrowableProxy().getStackTraceElementProxyArray())
			.as("the blocked thread's own stack").isNotEmpty()
			.anySatisfy((frame) -> assertThat(frame.getSTEAsString()).contains("CountDownLatch.await"));
		assertThat(loop.counted).containsExactly("chat");

		loop.busySince = 0;
		this.now += TimeUnit.SECONDS.toNanos(10);
		watchdog.check();
		loop.busySince = this.now;
		loop.listener = null;
		this.now += TimeUnit.SECONDS.toNanos(5);
		watchdog.check();
		assertThat(warnings()).as("a second episode, a second WARN").hasSize(2);
		assertThat(loop.counted).containsExactly("chat", null);
	}

	@Test
	void shouldStayQuietWhileTheLoopPolls() {
		FakeLoop loop = new FakeLoop();
		LoopWatchdog watchdog = new LoopWatchdog(Duration.ofSeconds(2), () -> this.now);
		watchdog.watch(loop);
		for (int i = 0; i < 100; i++) {
			loop.busySince = (i % 2 == 0) ? this.now : 0;
			this.now += TimeUnit.MILLISECONDS.toNanos(500);
			watchdog.check();
		}
		assertThat(warnings()).isEmpty();
		assertThat(loop.counted).isEmpty();
	}

	private List<ILoggingEvent> warnings() {
		return this.appender.list.stream().filter((e) -> e.getLevel() == Level.WARN).toList();
	}

	private final class FakeLoop implements LoopWatchdog.Watched {

		volatile long busySince;

		volatile @Nullable String listener;

		final List<@Nullable String> counted = new ArrayList<>();

		@Override
		public Thread thread() {
			return LoopWatchdogTest.this.blocked;
		}

		@Override
		public long busySince() {
			return this.busySince;
		}

		@Override
		public @Nullable String listenerInHand() {
			return this.listener;
		}

		@Override
		public void blocked(@Nullable String listener) {
			this.counted.add(listener);
		}

	}

}
