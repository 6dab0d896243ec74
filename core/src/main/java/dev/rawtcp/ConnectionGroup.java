package dev.rawtcp;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A set of open connections to send the same bytes to, e.g. the members of a chat room.
 * Thread-safe and lock-free: members can be added, removed and written to from any event
 * loop or thread at once, and a broadcast puts the bytes on each member's own write queue
 * (a member on another event loop is written by its own loop), so no callback ever waits
 * for another. Made for event-loop handlers: a thread-per-connection handler writes through
 * its stream, and bytes written to its connection from elsewhere could land in the middle of
 * what the stream writes.
 * <p>
 * A member leaves the group when it closes:
 * <ul>
 * <li>at the close itself for the connections of a handler wrapped by
 * {@link #track(TcpHandler)}, which also adds each of them when it opens;</li>
 * <li>otherwise as soon as the group notices it: a broadcast skips and removes closed
 * members, and {@link #add(Connection)} sweeps them whenever the group has doubled in size
 * since the last sweep, so closed members never outnumber the open ones for long.</li>
 * </ul>
 *
 * <pre>{@code
 * ConnectionGroup room = new ConnectionGroup();
 * LineEncoder out = new LineEncoder();
 * TcpHandler chat = room.track(FramedHandler.lines(1024,
 *         (connection, line) -> room.broadcast(out.encode(line), (member) -> member != connection)));
 * }</pre>
 */
public final class ConnectionGroup implements Iterable<Connection> {

	private static final int MIN_SWEEP_SIZE = 64;

	private final Set<Connection> members = ConcurrentHashMap.newKeySet();

	/** The size at which {@link #add} sweeps closed members; racy updates only move a sweep. */
	private volatile int sweepAt = MIN_SWEEP_SIZE;

	/**
	 * Add an open connection.
	 * @param connection the connection
	 * @return {@code true} if it was added; {@code false} if it is a member already or closed
	 */
	public boolean add(Connection connection) {
		Objects.requireNonNull(connection, "'connection' must not be null");
		if (!connection.isOpen() || !this.members.add(connection)) {
			return false;
		}
		if (this.members.size() >= this.sweepAt) {
			sweep();
		}
		if (!connection.isOpen()) {
			// closed while being added: its handler's onClose may have run already
			this.members.remove(connection);
			return false;
		}
		return true;
	}

	/**
	 * Remove a connection.
	 * @param connection the connection
	 * @return {@code true} if it was a member
	 */
	public boolean remove(Connection connection) {
		return this.members.remove(connection);
	}

	/**
	 * Whether a connection is a member.
	 * @param connection the connection
	 * @return {@code true} if it is
	 */
	public boolean contains(Connection connection) {
		return this.members.contains(connection);
	}

	/**
	 * The number of members, closed members not removed yet included (none for a tracked
	 * handler).
	 * @return the number of members
	 */
	public int size() {
		return this.members.size();
	}

	/**
	 * Whether the group has no members.
	 * @return {@code true} if it has none
	 */
	public boolean isEmpty() {
		return this.members.isEmpty();
	}

	/**
	 * Send the buffer's remaining bytes to every open member; see
	 * {@link Connection#write(ByteBuffer)} (each member gets its own copy, queued if its
	 * socket would block, and a member whose queue goes over the listener's write-buffer
	 * limit is closed).
	 * @param data the bytes; the position is moved to the limit
	 * @return the number of members written to
	 */
	public int broadcast(ByteBuffer data) {
		return broadcast(data, (member) -> true);
	}

	/**
	 * Send bytes to every open member; see {@link #broadcast(ByteBuffer)}.
	 * @param data the bytes
	 * @return the number of members written to
	 */
	public int broadcast(byte[] data) {
		return broadcast(ByteBuffer.wrap(data));
	}

	/**
	 * Send the buffer's remaining bytes to the open members that match a filter, e.g.
	 * {@code member -> member != sender}, or {@code Connection::isWritable} to skip members
	 * that do not keep up; see {@link #broadcast(ByteBuffer)}.
	 * @param data the bytes; the position is moved to the limit
	 * @param filter which members to write to
	 * @return the number of members written to
	 */
	public int broadcast(ByteBuffer data, Predicate<? super Connection> filter) {
		Objects.requireNonNull(data, "'data' must not be null");
		Objects.requireNonNull(filter, "'filter' must not be null");
		int written = 0;
		for (Iterator<Connection> it = this.members.iterator(); it.hasNext();) {
			Connection member = it.next();
			if (!member.isOpen()) {
				it.remove();
			}
			else if (filter.test(member)) {
				member.write(data.duplicate());
				written++;
			}
		}
		data.position(data.limit());
		return written;
	}

	/**
	 * Wrap a handler so that each of its connections is a member of this group from just
	 * before its {@code onOpen} until just before its {@code onClose}; a broadcast from
	 * {@code onClose} reaches the others only.
	 * @param handler the handler
	 * @return a handler that keeps the group's membership and delegates every callback
	 */
	public TcpHandler track(TcpHandler handler) {
		return new TrackingHandler(this, Objects.requireNonNull(handler, "'handler' must not be null"));
	}

	/**
	 * The members, as a weakly consistent view (it reflects some of the changes made while
	 * iterating, never fails, and cannot remove).
	 * @return an iterator over the members
	 */
	@Override
	public Iterator<Connection> iterator() {
		return Collections.unmodifiableSet(this.members).iterator();
	}

	private void sweep() {
		this.members.removeIf((member) -> !member.isOpen());
		this.sweepAt = Math.max(MIN_SWEEP_SIZE, 2 * this.members.size());
	}

	@Override
	public String toString() {
		return "ConnectionGroup[" + this.members.size() + " members]";
	}

	/** Adds every connection of a handler to a group on open and removes it on close. */
	private static final class TrackingHandler implements TcpHandler {

		private final ConnectionGroup group;

		private final TcpHandler handler;

		TrackingHandler(ConnectionGroup group, TcpHandler handler) {
			this.group = group;
			this.handler = handler;
		}

		@Override
		public void onOpen(Connection connection) throws Exception {
			this.group.add(connection);
			this.handler.onOpen(connection);
		}

		@Override
		public void onData(Connection connection, ByteBuffer data) throws Exception {
			this.handler.onData(connection, data);
		}

		@Override
		public void onInputClosed(Connection connection) throws Exception {
			this.handler.onInputClosed(connection);
		}

		@Override
		public void onWritabilityChanged(Connection connection, boolean writable) throws Exception {
			this.handler.onWritabilityChanged(connection, writable);
		}

		@Override
		public void onClose(Connection connection, CloseReason reason) {
			this.group.remove(connection);
			this.handler.onClose(connection, reason);
		}

		@Override
		public String toString() {
			return "TrackingHandler[" + this.handler + "]";
		}

	}

}
