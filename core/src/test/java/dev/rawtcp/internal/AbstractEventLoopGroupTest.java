package dev.rawtcp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.RawTcpException;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link AbstractEventLoopGroup}, with loops that wait on a semaphore instead of a
 * selector: lazy start, clean-up when a loop cannot be made, round robin, and a shutdown
 * from one of its own loops that never waits for itself.
 */
@Timeout(30)
class AbstractEventLoopGroupTest {

	private static final Logger logger = LoggerFactory.getLogger(AbstractEventLoopGroupTest.class);

	@Test
	void shouldStartNoLoopUntilTheFirstUse() {
		TestGroup group = new TestGroup(2, -1);
		assertThat(group.isStarted()).isFalse();
		assertThat(group.made).isEmpty();
		assertThat(group.isAlive()).isTrue();
		assertThat(group.threads()).isEqualTo(2);
		group.close();
		assertThat(group.made).isEmpty();
		assertThatIllegalStateException().isThrownBy(() -> group.loop(0)).withMessageContaining("shut down");
	}

	@Test
	void shouldReleaseTheLoopsAlreadyMadeWhenOneCannotBeMade() {
		TestGroup group = new TestGroup(3, 2);
		assertThatExceptionOfType(RawTcpException.class).isThrownBy(() -> group.loop(0))
			.withMessageContaining("no more file descriptors (test)");
		assertThat(group.made).hasSize(2).allSatisfy((loop) -> {
			assertThat(loop.released).as("released").isTrue();
			assertThat(loop.thread.getState()).as("never started").isEqualTo(Thread.State.NEW);
		});
		assertThat(group.isStarted()).isFalse();
	}

	@Test
	void shouldHandOutEveryLoopInTurn() {
		TestGroup group = new TestGroup(3, -1);
		try {
			List<TestLoop> turns = List.of(group.nextLoop(), group.nextLoop(), group.nextLoop(), group.nextLoop());
			assertThat(turns).containsExactly(group.loop(0), group.loop(1), group.loop(2), group.loop(0));
		}
		finally {
			group.close();
		}
	}

	@Test
	void shouldShutDownFromItsOwnLoopWithoutWaitingForIt() throws Exception {
		TestGroup group = new TestGroup(2, -1);
		TestLoop first = group.loop(0);
		CountDownLatch returned = new CountDownLatch(1);
		first.execute(() -> {
			group.shutdownGracefully(Duration.ofSeconds(60));
			returned.countDown();
		});
		assertThat(returned.await(20, TimeUnit.SECONDS)).as("the shutdown returned on the loop").isTrue();
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> !group.loop(0).thread.isAlive() && !group.loop(1).thread.isAlive());
		assertThat(group.made).allSatisfy((loop) -> assertThat(loop.released).isTrue());
		assertThat(group.isAlive()).isFalse();
		group.close();
	}

	/** A group of test loops; loop {@code failAt} cannot be made. */
	static final class TestGroup extends AbstractEventLoopGroup<TestLoop> {

		final List<TestLoop> made = new CopyOnWriteArrayList<>();

		private final int failAt;

		TestGroup(int threads, int failAt) {
			super(logger, Transport.NIO, threads,
					BufferPool.forStreams((size) -> new StreamBuffer(ByteBuffer.allocateDirect(size), 0)));
			this.failAt = failAt;
		}

		@Override
		protected TestLoop newLoop(String name, int index) throws IOException {
			if (index == this.failAt) {
				throw new IOException("no more file descriptors (test)");
			}
			TestLoop loop = new TestLoop(name);
			this.made.add(loop);
			return loop;
		}

		@Override
		protected AbstractListener newListener(List<TestLoop> acceptLoops, ListenerConfig config,
				@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
			throw new UnsupportedOperationException("no listener in this test");
		}

	}

	/** A loop that waits on a semaphore; it has no events, only tasks. */
	static final class TestLoop extends AbstractEventLoop {

		private final Semaphore wake = new Semaphore(0);

		volatile boolean released;

		TestLoop(String name) {
			super(logger, name);
		}

		@Override
		protected int select(long timeoutMillis) throws IOException {
			try {
				if (timeoutMillis < 0) {
					this.wake.acquire();
				}
				else if (timeoutMillis > 0) {
					this.wake.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted", ex);
			}
			this.wake.drainPermits();
			return 0;
		}

		@Override
		protected void processEvents(int count) {
		}

		@Override
		protected void wakeup() {
			this.wake.release();
		}

		@Override
		protected void closeEverything() {
			runRemainingTasks();
			this.released = true;
		}

	}

}
