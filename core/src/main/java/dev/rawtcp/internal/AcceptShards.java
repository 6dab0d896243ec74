package dev.rawtcp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

import dev.rawtcp.ListenerShard;
import dev.rawtcp.ListenerState;

/**
 * The listening sockets of a listener (one, or one per loop when accepting is sharded), each
 * driven on the loop that accepts on it: accept interest on and off (pause, resume, the
 * back-off after a failed accept) and closing. Pause, resume and stop act on every shard, in
 * index order. Internal.
 */
final class AcceptShards {

	private final AbstractListener listener;

	private final List<AcceptShard> shards;

	AcceptShards(AbstractListener listener, List<? extends AbstractEventLoop> loops) {
		if (loops.isEmpty()) {
			throw new IllegalArgumentException("A listener needs at least one accept loop");
		}
		this.listener = listener;
		List<AcceptShard> made = new ArrayList<>(loops.size());
		for (int i = 0; i < loops.size(); i++) {
			made.add(new AcceptShard(i, loops.get(i)));
		}
		this.shards = List.copyOf(made);
	}

	List<AcceptShard> all() {
		return this.shards;
	}

	/** @return the shard accepting on {@code loop}, or {@code null} (a listener has at most one per loop) */
	@Nullable AcceptShard on(Loop loop) {
		for (AcceptShard shard : this.shards) {
			if (shard.loop() == loop) {
				return shard;
			}
		}
		return null;
	}

	/** Accept on a shard or not, as the listener's state and the shard's back-off say. Its loop only. */
	void sync(AcceptShard shard) {
		setAccepting(shard, this.listener.state() == ListenerState.RUNNING && !shard.backingOff);
	}

	private void setAccepting(AcceptShard shard, boolean on) {
		if (shard.closed || shard.accepting == on) {
			return;
		}
		if (this.listener.setAcceptInterest(shard, on)) {
			shard.accepting = on;
		}
	}

	/** Stop accepting on a shard for {@link ListenerLog#ACCEPT_BACKOFF_NANOS}. Its loop only. */
	void backOff(AcceptShard shard) {
		if (shard.backingOff) {
			return;
		}
		// the level stays readable while fds are exhausted: stop watching it rather than spin
		shard.backingOff = true;
		setAccepting(shard, false);
		shard.loop().schedule(ListenerLog.ACCEPT_BACKOFF_NANOS, () -> {
			shard.backingOff = false;
			sync(shard);
		});
	}

	/**
	 * Register a shard's socket on its loop and wait until it accepts.
	 * @return the outcome; a registration that timed out was cancelled and never runs
	 */
	CallOutcome<Object> start(AcceptShard shard, Callable<?> register) {
		return shard.loop().callOutcome(() -> {
			register.call();
			shard.accepting = true;
			return null;
		}, 5000);
	}

	/** Run a task on every shard's loop in turn, waiting for each. */
	void onEveryLoop(String what, Consumer<AcceptShard> task) {
		for (AcceptShard shard : this.shards) {
			CallOutcome<Object> outcome = shard.loop().callOutcome(() -> {
				task.accept(shard);
				return null;
			}, 5000);
			if (!outcome.isResult()) {
				throw new IllegalStateException("Listener '" + this.listener.name() + "' could not " + what
						+ describe(shard) + ": " + outcome.describe(), outcome.failure());
			}
		}
	}

	/** Close a shard's socket. Its loop only (or once that loop is dead). */
	void close(AcceptShard shard) {
		if (!shard.closed) {
			shard.closed = true;
			shard.accepting = false;
			this.listener.closeListeningSocket(shard);
		}
	}

	/** Close the sockets accepted on a loop that is exiting. */
	void closeOn(Loop loop) {
		AcceptShard shard = on(loop);
		if (shard != null) {
			close(shard);
		}
	}

	/**
	 * Close every socket, each on its loop, in index order (a stop). New connects to a closed
	 * shard go to the shards still open; once the last is closed they are refused.
	 * @param logger the transport's logger
	 */
	void closeAll(Logger logger) {
		for (AcceptShard shard : this.shards) {
			CallOutcome<Boolean> closed = shard.loop().callOutcome(() -> {
				close(shard);
				this.listener.listeningSocketClosedByStop(shard);
				return Boolean.TRUE;
			}, 5000);
			switch (closed.kind()) {
				case LOOP_GONE -> close(shard);
				case TIMED_OUT -> {
					logger.warn("Listener '{}'{}: {}; the listening socket closes when it does", this.listener.name(),
							describe(shard), closed.describe());
					shard.loop().execute(() -> {
						close(shard);
						this.listener.listeningSocketClosedByStop(shard);
					});
				}
				case FAILURE -> logger.warn("Listener '{}'{}: closing the listening socket failed",
						this.listener.name(), describe(shard), closed.failure());
				default -> {
				}
			}
		}
	}

	/** @return the sum of the shards' accept queues; empty if any cannot be read */
	OptionalInt acceptQueueSize() {
		int sum = 0;
		for (AcceptShard shard : this.shards) {
			OptionalInt size = this.listener.acceptQueueSize(shard);
			if (size.isEmpty()) {
				return OptionalInt.empty();
			}
			sum += size.getAsInt();
		}
		return OptionalInt.of(sum);
	}

	/** @return a snapshot of every shard */
	List<ListenerShard> describe() {
		List<ListenerShard> result = new ArrayList<>(this.shards.size());
		for (AcceptShard shard : this.shards) {
			OptionalInt size = this.listener.acceptQueueSize(shard);
			result.add(new ListenerShard(shard.index(), shard.loop().thread().getName(),
					size.isPresent() ? size.getAsInt() : null, shard.accepted()));
		}
		return result;
	}

	private String describe(AcceptShard shard) {
		return (this.shards.size() > 1) ? " (shard " + shard.index() + ")" : "";
	}

}
