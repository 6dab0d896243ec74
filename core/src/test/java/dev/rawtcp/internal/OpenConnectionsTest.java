package dev.rawtcp.internal;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpenConnections}: what is done on removal is done before anyone can see the
 * connection gone, and once.
 */
class OpenConnectionsTest {

	@Test
	void shouldRunWhatRemovalDoesBeforeTheConnectionIsSeenGone() {
		OpenConnections<String> connections = new OpenConnections<>();
		connections.add(1, "one");
		AtomicInteger counted = new AtomicInteger();
		boolean removed = connections.remove(1, () -> {
			assertThat(connections.isEmpty()).as("seen gone before its close was counted").isFalse();
			counted.incrementAndGet();
		});
		assertThat(removed).isTrue();
		assertThat(connections.isEmpty()).isTrue();
		assertThat(connections.awaitEmpty(System.nanoTime(), () -> true)).isTrue();
		assertThat(counted).hasValue(1);
	}

	@Test
	void shouldCountARemovalOnce() {
		OpenConnections<String> connections = new OpenConnections<>();
		connections.add(1, "one");
		AtomicInteger counted = new AtomicInteger();
		assertThat(connections.remove(1, counted::incrementAndGet)).isTrue();
		assertThat(connections.remove(1, counted::incrementAndGet)).isFalse();
		assertThat(counted).hasValue(1);
	}

}
