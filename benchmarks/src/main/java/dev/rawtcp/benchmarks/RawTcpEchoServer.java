package dev.rawtcp.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStream;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.EventLoopGroups;

/**
 * rawtcp echo server: {@code epoll} or {@code nio} transport, {@code event-loop} mode
 * (a {@link TcpHandler} writing back what it is given) or {@code thread-per-connection}
 * mode (a {@link TcpStreamHandler} copying input to output, flushing when no more input is
 * buffered), with {@code -Dthreads=N} event loops; a third argument {@code sharded} gives the
 * listener one listening socket per loop ({@code accept-sharding: per-loop}).
 * <p>
 * Socket settings match the peers: {@code TCP_NODELAY} on, keepalive off (Netty and the C
 * server do not set it), backlog 4096, no connection limit in reach.
 */
public final class RawTcpEchoServer {

	/** The stream is buffered (64 KiB each way, lent while in use), so the handler only needs a small staging array. */
	private static final int BUFFER_SIZE = 1024;

	private RawTcpEchoServer() {
	}

	/**
	 * Start the server on an ephemeral port of 127.0.0.1.
	 * @param args the transport ({@code epoll} or {@code nio}) and the mode
	 * ({@code event-loop} or {@code thread-per-connection}), optionally {@code sharded}
	 * @throws Exception if it cannot start
	 */
	public static void main(String[] args) throws Exception {
		Transport transport = (args.length > 0 && args[0].equals("nio")) ? Transport.NIO : Transport.EPOLL;
		boolean threadPerConnection = args.length > 1 && args[1].equals("thread-per-connection");
		boolean sharded = args.length > 2 && args[2].equals("sharded");
		ListenerConfig.Builder config = ListenerConfig.builder("echo")
			.host("127.0.0.1")
			.port(0)
			.backlog(4096)
			.tcpNoDelay(true)
			.keepAlive(false)
			.maxConnections(1_000_000)
			.shutdownGracePeriod(Duration.ZERO)
			.acceptSharding(sharded ? AcceptSharding.PER_LOOP : AcceptSharding.OFF);
		try (EventLoopGroup group = EventLoopGroups.create(transport, ServerControl.threads())) {
			Listener listener = threadPerConnection
					? group.bind(config.mode(ListenerMode.THREAD_PER_CONNECTION).build(),
							RawTcpEchoServer::copyInputToOutput)
					: group.bind(config.mode(ListenerMode.EVENT_LOOP).build(), (connection, data) -> connection.write(data));
			ServerControl.serve(listener.port());
		}
	}

	private static void copyInputToOutput(TcpStream stream) throws Exception {
		InputStream in = stream.input();
		OutputStream out = stream.output();
		byte[] buffer = new byte[BUFFER_SIZE];
		int n;
		while ((n = in.read(buffer)) != -1) {
			out.write(buffer, 0, n);
			if (in.available() == 0) {
				out.flush();
			}
		}
	}

}
