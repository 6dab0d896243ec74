package dev.rawtcp.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerShard;
import dev.rawtcp.ListenerState;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Accept sharding with real sockets: one listening socket per loop on one port, each loop
 * serving what it accepted, and pause, resume and stop acting on every shard. The kernel's
 * own list of listening sockets ({@code /proc/net/tcp}, what {@code ss -ltn} shows) is the
 * witness.
 */
public abstract class AbstractAcceptShardingTest extends TransportTestSupport {

	/** Threads each connection's events ran on, by the client's port. */
	private final Map<Integer, Set<String>> threadsByClientPort = new ConcurrentHashMap<>();

	private final List<Connection> opened = new CopyOnWriteArrayList<>();

	private final TcpHandler recordingEcho = new TcpHandler() {

		@Override
		public void onOpen(Connection connection) {
			record(connection);
			AbstractAcceptShardingTest.this.opened.add(connection);
		}

		@Override
		public void onData(Connection connection, ByteBuffer data) {
			record(connection);
			connection.write(data);
		}

		private void record(Connection connection) {
			AbstractAcceptShardingTest.this.threadsByClientPort
				.computeIfAbsent(connection.remoteAddress().getPort(), (port) -> ConcurrentHashMap.newKeySet())
				.add(Thread.currentThread().getName());
		}

	};

	private Listener bindSharded(String name) {
		return bind(config(name).acceptSharding(AcceptSharding.PER_LOOP), this.recordingEcho);
	}

	@Test
	void shouldListenOnOneSocketPerLoopOnOnePort() throws Exception {
		Listener listener = bindSharded("sharded");
		assertThat(ListeningSockets.acceptQueues(listener.port())).hasSize(2);
		assertThat(listener.shards()).extracting(ListenerShard::index).containsExactly(0, 1);
		assertThat(listener.shards()).extracting(ListenerShard::loop).doesNotHaveDuplicates();
		assertThat(listener.socketOptions().reusePort()).isTrue();
	}

	@Test
	void shouldListenOnOneSocketWhenNotSharded() throws Exception {
		Listener listener = bind(config("single"), this.recordingEcho);
		assertThat(ListeningSockets.acceptQueues(listener.port())).hasSize(1);
		assertThat(listener.shards()).hasSize(1);
	}

	@Test
	void shouldServeEachConnectionOnTheLoopThatAcceptedIt() throws Exception {
		Listener listener = bindSharded("spread");
		int connections = 64;
		for (int i = 0; i < connections; i++) {
			Socket socket = connect(listener);
			assertThat(echo(socket, new byte[] { (byte) i })).containsExactly((byte) i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.opened.size() == connections);
		List<ListenerShard> shards = listener.shards();
		assertThat(shards).extracting(ListenerShard::accepted).allSatisfy((accepted) -> assertThat(accepted).isPositive());
		assertThat(shards.stream().mapToLong(ListenerShard::accepted).sum()).isEqualTo(connections);
		// no hand-off: every event of a connection ran on one loop, and both loops served some
		assertThat(this.threadsByClientPort.values()).allSatisfy((threads) -> assertThat(threads).hasSize(1));
		assertThat(this.threadsByClientPort.values().stream().flatMap(Set::stream).distinct())
			.containsExactlyInAnyOrderElementsOf(shards.stream().map(ListenerShard::loop).toList());
	}

	@Test
	void shouldPauseAndResumeEveryShard() throws Exception {
		Listener listener = bindSharded("paused");
		listener.pause();
		assertThat(listener.state()).isEqualTo(ListenerState.PAUSED);
		int connections = 24;
		List<Socket> clients = new ArrayList<>();
		for (int i = 0; i < connections; i++) {
			clients.add(connect(listener));
		}
		// every connection waits in the kernel's queue of one shard or the other, none accepted
		await().atMost(Duration.ofSeconds(10))
			.until(() -> ListeningSockets.acceptQueues(listener.port()).stream().mapToInt(Integer::intValue).sum(),
					(queued) -> queued == connections);
		assertThat(ListeningSockets.acceptQueues(listener.port())).allSatisfy((queue) -> assertThat(queue).isPositive());
		assertThat(this.opened).isEmpty();
		listener.resume();
		assertThat(listener.state()).isEqualTo(ListenerState.RUNNING);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.opened.size() == connections);
		assertThat(ListeningSockets.acceptQueues(listener.port())).containsOnly(0);
		assertThat(listener.shards()).allSatisfy((shard) -> assertThat(shard.accepted()).isPositive());
		assertThat(clients).hasSize(connections);
	}

	@Test
	void shouldCloseEveryShardOnStop() throws Exception {
		Listener listener = bindSharded("stopped");
		Socket client = connect(listener);
		assertThat(echo(client, new byte[] { 7 })).containsExactly((byte) 7);
		int port = listener.port();
		listener.stop(Duration.ofMillis(200));
		assertThat(listener.state()).isEqualTo(ListenerState.STOPPED);
		assertThat(ListeningSockets.acceptQueues(port)).isEmpty();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
			try (Socket refused = new Socket()) {
				refused.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			}
		});
		assertThat(closedByServer(client)).isTrue();
	}

	@Test
	void shouldBindTheSamePortOnEveryShardWhenAPortIsGiven() throws IOException {
		int port;
		try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
			port = probe.getLocalPort();
		}
		Listener listener = bind(config("fixed").port(port).acceptSharding(AcceptSharding.PER_LOOP),
				this.recordingEcho);
		assertThat(listener.port()).isEqualTo(port);
		assertThat(ListeningSockets.acceptQueues(port)).hasSize(2);
	}

}
