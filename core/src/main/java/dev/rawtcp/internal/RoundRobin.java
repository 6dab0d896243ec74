package dev.rawtcp.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out the items of a fixed list in turn; thread-safe. Used to spread listeners and
 * connections over event loops. Internal.
 *
 * @param <T> the item type
 */
public final class RoundRobin<T> {

	private final List<T> items;

	private final AtomicInteger next = new AtomicInteger();

	/**
	 * Create a round-robin over {@code items}.
	 * @param items at least one item
	 */
	public RoundRobin(List<T> items) {
		if (items.isEmpty()) {
			throw new IllegalArgumentException("'items' must not be empty");
		}
		this.items = List.copyOf(items);
	}

	/** @return the next item */
	public T next() {
		return this.items.get(Math.floorMod(this.next.getAndIncrement(), this.items.size()));
	}

	/** @return every item, in order */
	public List<T> all() {
		return this.items;
	}

}
