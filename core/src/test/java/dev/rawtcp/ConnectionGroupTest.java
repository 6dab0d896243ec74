package dev.rawtcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.transport.EventLoopGroups;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.epoll.Epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link ConnectionGroup} with real connections on loopback, on two event loops so that a
 * broadcast crosses threads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionGroupTest {

	private EventLoopGroup loops = EventLoopGroups.create(Transport.AUTO, 2);

	private final ConnectionGroup room = new ConnectionGroup();

	private final List<Socket> sockets = new ArrayList<>();

	@AfterEach
	void close() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.loops.close();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = Transport.class, names = { "EPOLL", "NIO" })
	void shouldBroadcastALineToTheOtherMembersOfATrackedHandler(Transport transport) throws Exception {
		assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll is not available here");
		this.loops.close();
		this.loops = EventLoopGroups.create(transport, 2);
		LineEncoder out = new LineEncoder();
		Listener listener = this.loops.bind(config("chat"), this.room.track(FramedHandler.lines(256,
				(connection, line) -> this.room.broadcast(out.encode(line), (member) -> member != connection))));
		List<BufferedReader> clients = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			clients.add(reader(connect(listener)));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.room.size() == 3);
		send(this.sockets.get(0), "hello from 0\n");
		assertThat(clients.get(1).readLine()).isEqualTo("hello from 0");
		assertThat(clients.get(2).readLine()).isEqualTo("hello from 0");
		send(this.sockets.get(2), "hello from 2\n");
		assertThat(clients.get(0).readLine()).isEqualTo("hello from 2");
		assertThat(clients.get(1).readLine()).isEqualTo("hello from 2");
	}

	@Test
	void shouldRemoveATrackedConnectionWhenItClosesBeforeItsHandlersOnClose() throws Exception {
		Map<Long, Boolean> memberInOnClose = new ConcurrentHashMap<>();
		Listener listener = this.loops.bind(config("tracked"), this.room.track(new TcpHandler() {

			@Override
			public void onData(Connection connection, ByteBuffer data) {
			}

			@Override
			public void onClose(Connection connection, CloseReason reason) {
				memberInOnClose.put(connection.id(), ConnectionGroupTest.this.room.contains(connection));
			}

		}));
		Socket first = connect(listener);
		connect(listener);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.room.size() == 2);
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.room.size() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> memberInOnClose.size() == 1);
		assertThat(memberInOnClose.values()).containsExactly(false);
		assertThat(this.room.broadcast("x".getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);
		assertThat(this.room).allSatisfy((member) -> assertThat(member.isOpen()).isTrue());
	}

	@Test
	void shouldSkipAndRemoveClosedMembersAddedByHandWhenBroadcasting() throws Exception {
		Listener listener = this.loops.bind(config("manual"), new TcpHandler() {

			@Override
			public void onOpen(Connection connection) {
				ConnectionGroupTest.this.room.add(connection);
			}

			@Override
			public void onData(Connection connection, ByteBuffer data) {
			}

		});
		Socket first = connect(listener);
		Socket second = connect(listener);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.room.size() == 2);
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().active() == 1);
		assertThat(this.room.size()).isEqualTo(2);
		ByteBuffer data = ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.room.broadcast(data)).isEqualTo(1);
		assertThat(data.hasRemaining()).isFalse();
		assertThat(this.room.size()).isEqualTo(1);
		assertThat(second.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
	}

	@Test
	void shouldSweepClosedMembersAddedByHandOnceTheGroupHasDoubled() throws Exception {
		Listener listener = this.loops.bind(config("sweep"), new TcpHandler() {

			@Override
			public void onOpen(Connection connection) {
				ConnectionGroupTest.this.room.add(connection);
			}

			@Override
			public void onData(Connection connection, ByteBuffer data) {
			}

		});
		List<Socket> closing = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			closing.add(connect(listener));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.room.size() == 40);
		for (Socket socket : closing) {
			socket.close();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.stats().active() == 0);
		assertThat(this.room.size()).isEqualTo(40);
		for (int i = 0; i < 30; i++) {
			connect(listener);
		}
		// the 24th add finds 64 members and sweeps the 40 closed ones
		await().atMost(Duration.ofSeconds(20)).until(() -> listener.stats().active() == 30);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.room.size() == 30);
		assertThat(this.room).allSatisfy((member) -> assertThat(member.isOpen()).isTrue());
	}

	@Test
	void shouldRefuseAClosedConnection() throws Exception {
		Map<Long, Connection> closed = new ConcurrentHashMap<>();
		Listener listener = this.loops.bind(config("closed"), new TcpHandler() {

			@Override
			public void onData(Connection connection, ByteBuffer data) {
			}

			@Override
			public void onClose(Connection connection, CloseReason reason) {
				closed.put(connection.id(), connection);
			}

		});
		connect(listener).close();
		await().atMost(Duration.ofSeconds(10)).until(() -> closed.size() == 1);
		Connection connection = closed.values().iterator().next();
		assertThat(this.room.add(connection)).isFalse();
		assertThat(this.room.isEmpty()).isTrue();
	}

	private static ListenerConfig config(String name) {
		return ListenerConfig.builder(name).host("127.0.0.1").port(0).build();
	}

	private Socket connect(Listener listener) throws IOException {
		Socket socket = new Socket("127.0.0.1", listener.port());
		socket.setSoTimeout(10_000);
		this.sockets.add(socket);
		return socket;
	}

	private static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
		socket.getOutputStream().flush();
	}

}
