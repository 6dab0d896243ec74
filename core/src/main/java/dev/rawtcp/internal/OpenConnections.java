package dev.rawtcp.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The open connections of one listener, by id, and a way to wait until none is left (the
 * drain of a graceful stop). Thread-safe. Internal.
 *
 * @param <C> the connection type
 */
public final class OpenConnections<C> {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final Map<Long, C> connections = new ConcurrentHashMap<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition empty = this.lock.newCondition();

	/**
	 * Add a connection.
	 * @param id its id
	 * @param connection the connection
	 */
	public void add(long id, C connection) {
		this.connections.put(id, connection);
	}

	/**
	 * Remove a connection.
	 * @param id its id
	 * @return whether it was there (so that its close is counted once)
	 */
	public boolean remove(long id) {
		return remove(id, () -> {
		});
	}

	/**
	 * Remove a connection, running {@code onRemoval} before anyone can see it gone: whoever
	 * {@link #awaitEmpty waits} for the last connection then also sees what {@code onRemoval} did
	 * (its close counted).
	 * @param id its id
	 * @param onRemoval what to do, once, if it was there
	 * @return whether it was there
	 */
	public boolean remove(long id, Runnable onRemoval) {
		boolean[] removed = new boolean[1];
		this.connections.computeIfPresent(id, (key, connection) -> {
			onRemoval.run();
			removed[0] = true;
			return null;
		});
		if (!removed[0]) {
			return false;
		}
		if (this.connections.isEmpty()) {
			this.lock.lock();
			try {
				this.empty.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
		return true;
	}

	/** @return a live view of the open connections */
	public Collection<C> values() {
		return this.connections.values();
	}

	/** @return the number of open connections */
	public int size() {
		return this.connections.size();
	}

	/** @return whether no connection is open */
	public boolean isEmpty() {
		return this.connections.isEmpty();
	}

	/**
	 * Wait until every connection is removed, the deadline passes, or {@code keepWaiting}
	 * says to give up (e.g. the event loops died).
	 * @param deadlineNanos a {@link System#nanoTime()} deadline
	 * @param keepWaiting checked about every 50 ms
	 * @return whether no connection is left
	 */
	public boolean awaitEmpty(long deadlineNanos, BooleanSupplier keepWaiting) {
		this.lock.lock();
		try {
			while (!this.connections.isEmpty()) {
				long remaining = deadlineNanos - System.nanoTime();
				if (remaining <= 0 || !keepWaiting.getAsBoolean()) {
					return false;
				}
				this.empty.awaitNanos(Math.min(remaining, POLL_NANOS));
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.connections.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
	}

}
