package dev.rawtcp.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two wake-up protocols of a thread-per-connection handler, each on its own, against a
 * fake owner and a fake poller: the handler is a real thread that parks, the reports come
 * from the test thread at whatever moment, and no report may be lost.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StreamReadinessTest {

	private static final int READ = AbstractConnection.READ;

	private static final int WRITE = AbstractConnection.WRITE;

	private final FakeOwner owner = new FakeOwner();

	private final FakePoller poller = new FakePoller();

	// Edge triggered (epoll)

	@Test
	void shouldParkAnEdgeTriggeredReaderUntilTheLoopReportsAnEdge() throws Exception {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		Handler handler = wouldBlockOnRead(readiness);
		handler.awaitParked();
		assertThat(handler.result).isNotDone();
		readiness.loopReported(false, true, false);
		readiness.wakeFor(false, true);
		assertThat(handler.result).isNotDone();
		readiness.loopReported(true, false, false);
		readiness.wakeFor(true, false);
		assertThat(handler.result.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldNotLoseAnEdgeReportedBetweenTheReadAndThePark() throws Exception {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		bind(readiness, Thread.currentThread());
		int seq = readiness.readSequence();
		readiness.afterRead(seq, 0, 100);
		// the report lands after the read found nothing, before the handler waits
		assertThat(readiness.pollerReported(true, false, false)).isTrue();
		assertThat(readiness.awaitReadable(0)).isTrue();
	}

	@Test
	void shouldSkipTheReadAfterAShortOneUntilTheSequenceMovesOrThePeerHangsUp() {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		bind(readiness, Thread.currentThread());
		int seq = readiness.readSequence();
		readiness.afterRead(seq, 10, 100);
		assertThat(readiness.knownEmpty(readiness.readSequence())).isTrue();
		readiness.loopReported(true, false, false);
		assertThat(readiness.knownEmpty(readiness.readSequence())).isFalse();
		readiness.afterRead(readiness.readSequence(), 10, 100);
		assertThat(readiness.knownEmpty(readiness.readSequence())).isTrue();
		readiness.loopReported(false, false, true);
		assertThat(readiness.knownEmpty(readiness.readSequence())).as("end of stream is only seen by reading")
			.isFalse();
	}

	@Test
	void shouldHandPollerReportsToTheLoopWhileItFlushesOrTheConnectionCloses() {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		bind(readiness, Thread.currentThread());
		assertThat(readiness.pollerReported(true, true, false)).isTrue();
		assertThat(readiness.queueChanged(true)).as("first bytes queued: flush once more").isTrue();
		assertThat(readiness.queueChanged(true)).isFalse();
		assertThat(readiness.pollerReported(false, true, false)).isFalse();
		assertThat(readiness.queueChanged(false)).isFalse();
		assertThat(readiness.pollerReported(false, true, false)).isTrue();
		this.owner.open = false;
		assertThat(readiness.pollerReported(true, false, false)).isFalse();
		assertThat(readiness.loopInterest()).isZero();
	}

	@Test
	void shouldWakeAWaitingReaderWhenTheConnectionStopsReading() throws Exception {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		Handler handler = wouldBlockOnRead(readiness);
		handler.awaitParked();
		this.owner.readsOpen = false;
		readiness.wake();
		assertThat(handler.result.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldGiveUpAtTheReadDeadline() throws Exception {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		bind(readiness, Thread.currentThread());
		readiness.afterRead(readiness.readSequence(), 0, 100);
		assertThat(readiness.awaitReadable(System.nanoTime() - 1)).isFalse();
	}

	@Test
	void shouldParkAWriterUntilWritableAndReturnWhenClosed() throws Exception {
		EdgeTriggeredReadiness readiness = new EdgeTriggeredReadiness();
		Handler writer = wouldBlockOnWrite(readiness);
		writer.awaitParked();
		readiness.loopReported(true, false, false);
		readiness.wakeFor(true, false);
		assertThat(writer.result).isNotDone();
		readiness.pollerReported(false, true, false);
		assertThat(writer.result.get(10, TimeUnit.SECONDS)).isTrue();
		Handler second = wouldBlockOnWrite(readiness);
		second.awaitParked();
		this.owner.writesOpen = false;
		readiness.wake();
		assertThat(second.result.get(10, TimeUnit.SECONDS)).isTrue();
	}

	// Level triggered (nio)

	@Test
	void shouldWaitThroughTheLoopWithoutAPoller() throws Exception {
		LevelTriggeredReadiness readiness = new LevelTriggeredReadiness();
		Handler handler = wouldBlockOnRead(readiness);
		handler.awaitParked();
		assertThat(this.owner.asked).hasValue(1);
		assertThat(readiness.loopInterest()).isEqualTo(READ);
		readiness.loopReported(true, false, false);
		readiness.wakeFor(true, false);
		assertThat(handler.result.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(readiness.loopInterest()).isZero();
		Handler writer = wouldBlockOnWrite(readiness);
		writer.awaitParked();
		assertThat(this.owner.asked).hasValue(2);
		assertThat(readiness.loopInterest()).isEqualTo(WRITE);
		readiness.loopReported(false, true, false);
		readiness.wakeFor(false, true);
		assertThat(writer.result.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(readiness.queueChanged(true)).isFalse();
	}

	@Test
	void shouldWakeAReaderCaughtUpWhenThePollerReportsTheLevel() throws Exception {
		LevelTriggeredReadiness readiness = new LevelTriggeredReadiness();
		readiness.usePoller(this.poller);
		Handler handler = wouldBlockOnRead(readiness);
		handler.awaitParked();
		assertThat(this.poller.calls).as("read interest stays armed while the handler keeps up").isEmpty();
		assertThat(readiness.pollerReported(true, false, false)).isTrue();
		assertThat(handler.result.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.owner.asked).hasValue(0);
	}

	@Test
	void shouldDisarmReadsWhileAReportIsUnreadAndRearmAtTheNextWait() throws Exception {
		LevelTriggeredReadiness readiness = new LevelTriggeredReadiness();
		readiness.usePoller(this.poller);
		bind(readiness, Thread.currentThread());
		// the handler has not read what the first report said: the next report takes the interest away
		assertThat(readiness.pollerReported(true, false, false)).isTrue();
		readiness.pollerReported(true, false, false);
		assertThat(this.poller.calls).containsExactly("disarm 1");
		// the handler reads everything, finds the socket empty, and waits: it arms again before it parks
		int seq = readiness.readSequence();
		readiness.afterRead(seq, 0, 100);
		Handler handler = wouldBlockOnRead(readiness);
		handler.awaitParked();
		assertThat(this.poller.calls).containsExactly("disarm 1", "arm 1");
		readiness.pollerReported(true, false, false);
		assertThat(handler.result.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldArmWritesForEachWaitAndDisarmThemAtEachReport() throws Exception {
		LevelTriggeredReadiness readiness = new LevelTriggeredReadiness();
		readiness.usePoller(this.poller);
		for (int i = 1; i <= 2; i++) {
			Handler writer = wouldBlockOnWrite(readiness);
			writer.awaitParked();
			assertThat(this.poller.calls).last().isEqualTo("arm 2");
			readiness.pollerReported(false, true, false);
			assertThat(writer.result.get(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.poller.calls).hasSize(2 * i).last().isEqualTo("disarm 2");
		}
	}

	@Test
	void shouldWakeTheReaderAndWaitThroughTheLoopOnceThePollerFailed() throws Exception {
		LevelTriggeredReadiness readiness = new LevelTriggeredReadiness();
		readiness.usePoller(this.poller);
		Handler handler = wouldBlockOnRead(readiness);
		handler.awaitParked();
		this.poller.works = false;
		readiness.pollerFailed();
		assertThat(handler.result.get(10, TimeUnit.SECONDS)).isTrue();
		readiness.afterRead(readiness.readSequence(), 0, 100);
		Handler next = wouldBlockOnRead(readiness);
		next.awaitParked();
		assertThat(this.owner.asked).hasValue(1);
		readiness.loopReported(true, false, false);
		readiness.wakeFor(true, false);
		assertThat(next.result.get(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shouldLoseNoReportWhenThePollerAndTheReaderRace() throws Exception {
		LevelTriggeredReadiness readiness = new LevelTriggeredReadiness();
		readiness.usePoller(this.poller);
		for (int i = 0; i < 50; i++) {
			readiness.afterRead(readiness.readSequence(), 0, 100);
			Handler handler = wouldBlockOnRead(readiness);
			// the poller keeps reporting the level until the reader caught up with one report
			Awaitility.await()
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(1))
				.atMost(10, TimeUnit.SECONDS)
				.until(() -> {
					readiness.pollerReported(true, false, false);
					return handler.result.isDone();
				});
			assertThat(handler.result.get()).isTrue();
		}
	}

	private void bind(StreamReadiness readiness, Thread handler) {
		readiness.bind(this.owner);
		readiness.handlerThread(handler);
	}

	private Handler wouldBlockOnRead(SequencedReadiness readiness) {
		return new Handler(readiness, true);
	}

	private Handler wouldBlockOnWrite(SequencedReadiness readiness) {
		readiness.afterWrite(readiness.writeSequence(), 0);
		return new Handler(readiness, false);
	}

	/** A handler thread that waits once. */
	private final class Handler {

		final CompletableFuture<Boolean> result = new CompletableFuture<>();

		private final Thread thread;

		Handler(SequencedReadiness readiness, boolean read) {
			if (read) {
				readiness.afterRead(readiness.readSequence(), 0, 100);
			}
			this.thread = new Thread(() -> {
				try {
					if (read) {
						this.result.complete(readiness.awaitReadable(0));
					}
					else {
						readiness.awaitWritable();
						this.result.complete(true);
					}
				}
				catch (IOException | RuntimeException ex) {
					this.result.completeExceptionally(ex);
				}
			}, "handler");
			bind(readiness, this.thread);
			this.thread.start();
		}

		void awaitParked() {
			Awaitility.await()
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(1))
				.atMost(10, TimeUnit.SECONDS)
				.until(() -> this.thread.getState() == Thread.State.WAITING || this.result.isDone());
		}

	}

	private static final class FakeOwner implements StreamReadiness.Owner {

		volatile boolean open = true;

		volatile boolean readsOpen = true;

		volatile boolean writesOpen = true;

		final AtomicInteger asked = new AtomicInteger();

		@Override
		public boolean isOpen() {
			return this.open;
		}

		@Override
		public boolean readsOpen() {
			return this.readsOpen;
		}

		@Override
		public boolean writesOpen() {
			return this.writesOpen;
		}

		@Override
		public void askLoop() {
			this.asked.incrementAndGet();
		}

	}

	/** The poller side of the level-triggered strategy: records what is armed and disarmed. */
	private static final class FakePoller implements ReadinessPoller {

		volatile boolean works = true;

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public boolean works() {
			return this.works;
		}

		@Override
		public void arm(int ops) {
			this.calls.add("arm " + ops);
		}

		@Override
		public void disarm(int ops) {
			this.calls.add("disarm " + ops);
		}

	}

}
