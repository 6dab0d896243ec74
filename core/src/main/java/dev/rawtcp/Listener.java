package dev.rawtcp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A bound listening socket and the connections it accepted.
 */
public interface Listener {

	/** @return the listener's name */
	String name();

	/** @return the configuration it was bound with */
	ListenerConfig config();

	/** @return the transport serving it ({@link Transport#EPOLL} or {@link Transport#NIO}) */
	Transport transport();

	/** @return the resolved mode ({@link ListenerMode#EVENT_LOOP} or {@link ListenerMode#THREAD_PER_CONNECTION}) */
	ListenerMode mode();

	/** @return the address actually bound (with the real port when 0 was asked) */
	InetSocketAddress localAddress();

	/** @return the port actually bound */
	default int port() {
		return localAddress().getPort();
	}

	/** @return the state now */
	ListenerState state();

	/**
	 * Stop accepting, on every shard. The sockets stay bound and listening, so new
	 * connections complete their handshake and wait in the kernel's accept queues.
	 */
	void pause();

	/**
	 * Accept again after {@link #pause()}.
	 */
	void resume();

	/** @return the backlog passed to {@code listen(2)} as configured */
	default int configuredBacklog() {
		return config().backlog();
	}

	/**
	 * The backlog the kernel applied: {@code min(backlog, net.core.somaxconn)}, read back
	 * from {@code TCP_INFO} ({@code tcpi_sacked}) of the listening socket.
	 * @return the effective backlog, empty where the transport cannot read it
	 */
	OptionalInt effectiveBacklog();

	/**
	 * Connections in the kernel's accept queue now ({@code tcpi_unacked} of the listening
	 * socket, summed over the {@link #shards() shards}), read when called.
	 * @return the queue length, empty where the transport cannot read it
	 */
	OptionalInt acceptQueueSize();

	/**
	 * The listening sockets: one, or one per event loop with {@link AcceptSharding#PER_LOOP}
	 * (each with its own accept queue, of {@link #effectiveBacklog()} connections at most).
	 * @return the shards in index order, read when called
	 */
	List<ListenerShard> shards();

	/** @return options of the listening socket as read back from the kernel; accepted sockets inherit them */
	SocketOptionsView socketOptions();

	/** @return open connections now */
	int activeConnections();

	/**
	 * Snapshot open connections.
	 * @param limit the most to return
	 * @return at most {@code limit} snapshots
	 */
	List<ConnectionInfo> connections(int limit);

	/** @return the listener's counters */
	ListenerStats stats();

	/**
	 * Stop accepting, let open connections finish and flush for up to {@code gracePeriod},
	 * then close what remains and unbind. Blocks until done: when it returns, every
	 * connection is closed and counted in {@link #stats()}.
	 * <p>
	 * Called on an event-loop thread of the listener's group (from a {@link TcpHandler}), it
	 * does not wait, since that loop must itself run the drain: it starts the stop, as
	 * {@link #stopAsync(Duration)} does, and returns at once.
	 * @param gracePeriod the time connections are given
	 */
	void stop(Duration gracePeriod);

	/**
	 * Start {@link #stop(Duration) stopping} and return at once. Calling it again, or calling
	 * {@code stop} while a stop runs, joins the stop already running (its grace period holds).
	 * @param gracePeriod the time connections are given
	 * @return a future completed when the listener has stopped
	 */
	CompletableFuture<Void> stopAsync(Duration gracePeriod);

}
