package dev.rawtcp.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link BufferPool}: reuse, the bound on what it keeps, its counters, and that no buffer is
 * ever lent to two holders at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BufferPoolTest {

	private final AtomicInteger allocations = new AtomicInteger();

	private BufferPool pool(int slots) {
		return new BufferPool(64, slots, (size) -> {
			this.allocations.incrementAndGet();
			return new StreamBuffer(ByteBuffer.allocate(size), 0);
		});
	}

	@Test
	void shouldAllocateWhenEmptyAndReuseWhatWasGivenBack() {
		BufferPool pool = pool(4);
		StreamBuffer first = pool.take();
		assertThat(first.buffer().capacity()).isEqualTo(64);
		assertThat(pool.lent()).isEqualTo(1);
		pool.give(first);
		assertThat(pool.lent()).isZero();
		assertThat(pool.pooled()).isEqualTo(1);
		assertThat(pool.take()).isSameAs(first);
		assertThat(this.allocations).hasValue(1);
		assertThat(pool.allocated()).isEqualTo(1);
	}

	@Test
	void shouldKeepAtMostItsSlotsAndDropTheRest() {
		BufferPool pool = pool(4);
		List<StreamBuffer> taken = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			taken.add(pool.take());
		}
		assertThat(pool.lent()).isEqualTo(6);
		taken.forEach(pool::give);
		assertThat(pool.lent()).isZero();
		assertThat(pool.pooled()).isEqualTo(4);
		assertThat(pool.dropped()).isEqualTo(2);
		Set<StreamBuffer> again = Collections.newSetFromMap(new IdentityHashMap<>());
		for (int i = 0; i < 4; i++) {
			again.add(pool.take());
		}
		assertThat(again).hasSize(4).allMatch((buffer) -> taken.contains(buffer));
		assertThat(this.allocations).hasValue(6);
	}

	@Test
	void shouldRefuseSlotsThatAreNotAPowerOfTwo() {
		assertThatIllegalArgumentException().isThrownBy(() -> pool(6));
		assertThatIllegalArgumentException().isThrownBy(() -> pool(0));
	}

	@Test
	void shouldNeverLendOneBufferToTwoThreadsAtOnce() throws Exception {
		BufferPool pool = pool(8);
		int threads = 8;
		int rounds = 20_000;
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger corrupted = new AtomicInteger();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			byte mark = (byte) (t + 1);
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				// bounded in count and in time: on a loaded machine fewer rounds still race the same way
				long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
				for (int i = 0; i < rounds && (i < 100 || System.nanoTime() - stopAt < 0); i++) {
					StreamBuffer held = pool.take();
					ByteBuffer buffer = held.buffer();
					for (int k = 0; k < buffer.capacity(); k++) {
						buffer.put(k, mark);
					}
					Thread.yield();
					for (int k = 0; k < buffer.capacity(); k++) {
						if (buffer.get(k) != mark) {
							corrupted.incrementAndGet();
							break;
						}
					}
					pool.give(held);
				}
			}, "pool-test-" + t);
			workers.add(worker);
			worker.start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join(TimeUnit.SECONDS.toMillis(120));
			assertThat(worker.isAlive()).isFalse();
		}
		assertThat(corrupted).hasValue(0);
		assertThat(pool.lent()).isZero();
		assertThat(pool.pooled()).isLessThanOrEqualTo(8);
		assertThat(pool.allocated()).isLessThanOrEqualTo(threads + 8);
	}

}
