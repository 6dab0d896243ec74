package dev.rawtcp.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoopCalls}: each outcome is told apart, and a task whose call timed out
 * never runs afterwards.
 */
@Timeout(30)
class LoopCallsTest {

	@Test
	void shouldNeverRunATaskWhoseCallTimedOut() throws Exception {
		ExecutorService loop = Executors.newSingleThreadExecutor();
		try {
			Thread loopThread = loop.submit(Thread::currentThread).get();
			CountDownLatch busy = new CountDownLatch(1);
			loop.execute(() -> await(busy));
			AtomicBoolean ran = new AtomicBoolean();
			CallOutcome<Boolean> outcome = LoopCalls.call(loop, loopThread, () -> ran.getAndSet(true), 1);
			assertThat(outcome.kind()).isEqualTo(CallOutcome.Kind.TIMED_OUT);
			assertThat(outcome.describe()).contains(loopThread.getName()).contains("will not run it");
			busy.countDown();
			// the queue is FIFO: once this ran, the cancelled task had its turn
			loop.submit(() -> {
			}).get();
			assertThat(ran).as("the cancelled task ran").isFalse();
		}
		finally {
			loop.shutdownNow();
		}
	}

	@Test
	void shouldTellALoopThatIsGoneBeforeTheCall() throws Exception {
		Thread ended = new Thread(() -> {
		}, "ended-loop");
		ended.start();
		ended.join();
		AtomicBoolean ran = new AtomicBoolean();
		CallOutcome<Boolean> outcome = LoopCalls.call(Runnable::run, ended, () -> ran.getAndSet(true), 1000);
		assertThat(outcome.kind()).isEqualTo(CallOutcome.Kind.LOOP_GONE);
		assertThat(ran).isFalse();
	}

	@Test
	void shouldTellALoopThatEndsWhileTheCallerWaits() throws Exception {
		LinkedBlockingQueue<Runnable> neverRun = new LinkedBlockingQueue<>();
		CountDownLatch end = new CountDownLatch(1);
		Thread loopThread = new Thread(() -> await(end), "ending-loop");
		loopThread.start();
		AtomicBoolean ran = new AtomicBoolean();
		CompletableFuture<CallOutcome<Boolean>> call = CompletableFuture
			.supplyAsync(() -> LoopCalls.call(neverRun::add, loopThread, () -> ran.getAndSet(true), 60_000));
		while (neverRun.isEmpty()) {
			Thread.onSpinWait();
		}
		end.countDown();
		assertThat(call.get(20, TimeUnit.SECONDS).kind()).isEqualTo(CallOutcome.Kind.LOOP_GONE);
		neverRun.poll().run();
		assertThat(ran).as("a task of a gone loop ran").isFalse();
	}

	@Test
	void shouldKeepTheFailureOfTheTask() throws Exception {
		ExecutorService loop = Executors.newSingleThreadExecutor();
		try {
			Thread loopThread = loop.submit(Thread::currentThread).get();
			java.io.IOException failure = new java.io.IOException("epoll_ctl failed: EBADF (test)");
			CallOutcome<Object> outcome = LoopCalls.call(loop, loopThread, () -> {
				throw failure;
			}, 10_000);
			assertThat(outcome.kind()).isEqualTo(CallOutcome.Kind.FAILURE);
			assertThat(outcome.failure()).isSameAs(failure);
			assertThat(outcome.valueOrNull()).isNull();
		}
		finally {
			loop.shutdownNow();
		}
	}

	@Test
	void shouldReturnANullResultAsAResult() throws Exception {
		ExecutorService loop = Executors.newSingleThreadExecutor();
		try {
			Thread loopThread = loop.submit(Thread::currentThread).get();
			CallOutcome<Object> outcome = LoopCalls.call(loop, loopThread, () -> null, 10_000);
			assertThat(outcome.kind()).isEqualTo(CallOutcome.Kind.RESULT);
			assertThat(outcome.valueOrNull()).isNull();
		}
		finally {
			loop.shutdownNow();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
