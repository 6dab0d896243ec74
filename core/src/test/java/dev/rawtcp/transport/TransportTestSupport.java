package dev.rawtcp.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.Connection;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;

/**
 * What every transport-neutral real-socket test needs: a group of the transport under test
 * with two loops, listeners on 127.0.0.1 port 0, plain {@link Socket} clients, and
 * cleanup. Subclass per transport by implementing {@link #transport()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportTestSupport {

	/** Echo every byte, event-loop style. */
	protected static final TcpHandler ECHO = (connection, data) -> connection.write(data);

	/** Echo every byte, thread-per-connection style, flushing after each read. */
	protected static final TcpStreamHandler STREAM_ECHO = (stream) -> {
		InputStream in = stream.input();
		OutputStream out = stream.output();
		byte[] buffer = new byte[8192];
		int n;
		while ((n = in.read(buffer)) >= 0) {
			out.write(buffer, 0, n);
			out.flush();
		}
	};

	private final List<EventLoopGroup> groups = new ArrayList<>();

	private final List<Socket> clients = new ArrayList<>();

	private EventLoopGroup group;

	/** @return the transport under test ({@link Transport#NIO} or {@link Transport#EPOLL}) */
	protected abstract Transport transport();

	/** @return this test's group, created on first use with two loops */
	@org.junit.jupiter.api.BeforeEach
	void transportAvailable() {
		org.junit.jupiter.api.Assumptions.assumeTrue(transport() != Transport.EPOLL || dev.rawtcp.epoll.Epoll.isAvailable(),
				"epoll unavailable here");
	}

	protected EventLoopGroup group() {
		if (this.group == null) {
			this.group = newGroup();
		}
		return this.group;
	}

	/** @return a new group of the transport under test with two loops, closed after the test */
	protected EventLoopGroup newGroup() {
		EventLoopGroup created = EventLoopGroups.create(transport(), 2);
		this.groups.add(created);
		return created;
	}

	/**
	 * Close a group made by a subclass after the test.
	 * @param created the group
	 */
	protected final void track(EventLoopGroup created) {
		this.groups.add(created);
	}

	/**
	 * A configuration on 127.0.0.1, port 0.
	 * @param name the listener name
	 * @return a builder
	 */
	protected static ListenerConfig.Builder config(String name) {
		return ListenerConfig.builder(name).host("127.0.0.1").port(0);
	}

	protected Listener bind(ListenerConfig.Builder config, TcpHandler handler) {
		return group().bind(config.build(), handler);
	}

	protected Listener bind(ListenerConfig.Builder config, TcpStreamHandler handler) {
		return group().bind(config.build(), handler);
	}

	/**
	 * Connect a client with a 10 s read timeout, closed after the test.
	 * @param listener the listener
	 * @return the connected socket
	 */
	protected Socket connect(Listener listener) throws IOException {
		Socket socket = new Socket();
		this.clients.add(socket);
		socket.connect(new InetSocketAddress("127.0.0.1", listener.port()), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	@AfterEach
	void closeEverything() {
		for (Socket client : this.clients) {
			try {
				client.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
		for (EventLoopGroup created : this.groups) {
			created.close();
		}
	}

	/**
	 * Deterministic random bytes.
	 * @param size how many
	 * @param seed the seed
	 * @return the bytes
	 */
	protected static byte[] random(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/**
	 * Send {@code payload} from another thread while reading its echo on this one.
	 * @param socket the client
	 * @param payload the bytes
	 * @return the bytes read back, {@code payload.length} of them unless the stream ended early
	 */
	protected static byte[] echo(Socket socket, byte[] payload) throws Exception {
		CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
			try {
				socket.getOutputStream().write(payload);
				socket.getOutputStream().flush();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}, (task) -> new Thread(task, "test-writer").start());
		byte[] received = socket.getInputStream().readNBytes(payload.length);
		writing.get(10, TimeUnit.SECONDS);
		return received;
	}

	/**
	 * Read until end of stream or reset.
	 * @param socket the client
	 * @return what was read
	 */
	protected static byte[] readToEnd(Socket socket) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[65536];
		try {
			InputStream in = socket.getInputStream();
			int n;
			while ((n = in.read(buffer)) >= 0) {
				received.write(buffer, 0, n);
			}
		}
		catch (SocketException ex) {
			// reset: the server is gone, which is what the caller waits for
		}
		return received.toByteArray();
	}

	/**
	 * Whether the server closed the connection (a read returns end of stream or a reset);
	 * then close this side too, so that a lingering server side ends at once.
	 * @param socket the client
	 * @return {@code true} if closed; {@code false} if a byte arrived
	 */
	protected static boolean closedByServer(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read() < 0;
		}
		catch (SocketException ex) {
			return true;
		}
		finally {
			socket.close();
		}
	}

	/** @return names of the live threads of rawtcp ({@code rawtcp-} prefix) */
	protected static Set<String> rawtcpThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
				.filter((name) -> name.startsWith("rawtcp-")).collect(Collectors.toSet());
	}

	/**
	 * An echo handler that also reports every connection it opens.
	 * @param opened told about each new connection, on its loop
	 * @return the handler
	 */
	protected static TcpHandler echoReportingOpens(Consumer<Connection> opened) {
		return new TcpHandler() {

			@Override
			public void onOpen(Connection connection) {
				opened.accept(connection);
			}

			@Override
			public void onData(Connection connection, ByteBuffer data) {
				connection.write(data);
			}

		};
	}

	/** @return a heap buffer of {@code size} bytes, for writes from handlers */
	protected static ByteBuffer filler(int size) {
		return ByteBuffer.wrap(random(size, size));
	}

}
