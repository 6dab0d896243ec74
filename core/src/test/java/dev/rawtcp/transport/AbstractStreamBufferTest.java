package dev.rawtcp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpStream;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.internal.AbstractEventLoopGroup;
import dev.rawtcp.internal.BufferPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thread-per-connection streams borrow their buffers from the group's pool: every byte
 * still arrives once and in order across buffer boundaries, partial reads and many
 * connections; a handler parked with unread input or unflushed output keeps what it holds;
 * an idle connection holds nothing; every path out of a handler gives its buffers back.
 */
public abstract class AbstractStreamBufferTest extends TransportTestSupport {

	private static final int BUFFER = BufferPool.STREAM_BUFFER_SIZE;

	/** Echo through a small array, flushing when nothing more is buffered (as the benchmark does). */
	private static final TcpStreamHandler SMALL_ARRAY_ECHO = (stream) -> {
		InputStream in = stream.input();
		OutputStream out = stream.output();
		byte[] chunk = new byte[1000];
		int n;
		while ((n = in.read(chunk)) >= 0) {
			out.write(chunk, 0, n);
			if (in.available() == 0) {
				out.flush();
			}
		}
	};

	private BufferPool streamBuffers() {
		return ((AbstractEventLoopGroup<?>) group()).streamBuffers();
	}

	private void awaitNoBufferLent() {
		Awaitility.await().untilAsserted(() -> assertThat(streamBuffers().lent()).as("buffers lent").isZero());
	}

	@Test
	void shouldEchoEveryByteOfMessagesManyTimesLargerThanTheBuffer() throws Exception {
		Listener listener = bind(config("large"), SMALL_ARRAY_ECHO);
		Socket socket = connect(listener);
		byte[] payload = random(20 * BUFFER + 123, 1);
		assertThat(echo(socket, payload)).isEqualTo(payload);
		awaitNoBufferLent();
		assertThat(listener.stats().bytesReceived()).isEqualTo(payload.length);
	}

	@Test
	void shouldMoveWritesAndReadsLargerThanTheBufferInOneCall() throws Exception {
		byte[] toClient = random(3 * BUFFER + 7, 2);
		byte[] fromClient = random(5 * BUFFER + 11, 3);
		CompletableFuture<byte[]> received = new CompletableFuture<>();
		Listener listener = bind(config("one-call"), (TcpStreamHandler) (stream) -> {
			// one write of several buffers, then one read call per buffer-sized piece or less
			stream.output().write(toClient);
			stream.output().flush();
			received.complete(stream.input().readNBytes(fromClient.length));
			stream.output().write('.');
		});
		Socket socket = connect(listener);
		CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
			try {
				socket.getOutputStream().write(fromClient);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(socket.getInputStream().readNBytes(toClient.length)).isEqualTo(toClient);
		sending.get(10, TimeUnit.SECONDS);
		assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(fromClient);
		assertThat(socket.getInputStream().read()).isEqualTo('.');
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
		awaitNoBufferLent();
	}

	@Test
	void shouldReturnOnlyBufferedBytesFromAPartialRead() throws Exception {
		CompletableFuture<int[]> seen = new CompletableFuture<>();
		Listener listener = bind(config("partial"), (TcpStreamHandler) (stream) -> {
			InputStream in = stream.input();
			byte[] all = new byte[100];
			all[0] = (byte) in.read();
			int before = in.available();
			int n = in.read(all, 1, 10);
			int after = in.available();
			int done = 1 + n;
			while (done < all.length) {
				done += in.read(all, done, all.length - done);
			}
			seen.complete(new int[] { before, n, after });
			stream.output().write(all);
		});
		Socket socket = connect(listener);
		byte[] payload = random(100, 4);
		socket.getOutputStream().write(payload);
		assertThat(socket.getInputStream().readNBytes(100)).isEqualTo(payload);
		int[] counts = seen.get(10, TimeUnit.SECONDS);
		int before = counts[0];
		int n = counts[1];
		// a read takes what is buffered without waiting for more
		assertThat(n).isEqualTo((before > 0) ? Math.min(10, before) : n).isBetween(1, 10);
		if (before > 0) {
			assertThat(counts[2]).isEqualTo(before - n);
		}
	}

	@Test
	void shouldEchoEveryByteOnManyConnectionsAtOnceAndHoldNoBufferOnceIdle() throws Exception {
		Listener listener = bind(config("many").backlog(256), SMALL_ARRAY_ECHO);
		int count = 32;
		int size = 2 * BUFFER + 999;
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sockets.add(connect(listener));
		}
		List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Socket socket = sockets.get(i);
			byte[] payload = random(size, 100 + i);
			echoes.add(CompletableFuture.supplyAsync(() -> {
				try {
					return echo(socket, payload);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, (task) -> new Thread(task, "test-client").start()));
		}
		for (int i = 0; i < count; i++) {
			assertThat(echoes.get(i).get(30, TimeUnit.SECONDS)).as("connection %d", i).isEqualTo(random(size, 100 + i));
		}
		// every handler is now parked in read with everything flushed: none holds a buffer
		awaitNoBufferLent();
		assertThat(listener.activeConnections()).isEqualTo(count);
		assertThat(streamBuffers().allocated()).isPositive();
		assertThat(echo(sockets.get(0), random(10, 5))).isEqualTo(random(10, 5));
		awaitNoBufferLent();
	}

	@Test
	void shouldHoldNoBufferWhileParkedInReadBeforeAndAfterTraffic() throws Exception {
		Set<Thread> handlers = ConcurrentHashMap.newKeySet();
		Listener listener = bind(config("idle"), (TcpStreamHandler) (stream) -> {
			handlers.add(Thread.currentThread());
			SMALL_ARRAY_ECHO.handle(stream);
		});
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			sockets.add(connect(listener));
		}
		awaitAllParked(handlers, 20);
		assertThat(streamBuffers().lent()).isZero();
		for (Socket socket : sockets) {
			assertThat(echo(socket, random(64, 6))).isEqualTo(random(64, 6));
		}
		awaitAllParked(handlers, 20);
		awaitNoBufferLent();
	}

	/** Wait until {@code count} handler threads are parked (in their read). */
	private static void awaitAllParked(Set<Thread> handlers, int count) {
		Awaitility.await().until(() -> handlers.size() == count
				&& handlers.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
	}

	@Test
	void shouldKeepUnreadInputBufferedWhileTheHandlerWaitsElsewhere() throws Exception {
		CountDownLatch readOne = new CountDownLatch(1);
		CountDownLatch proceed = new CountDownLatch(1);
		Listener listener = bind(config("unread"), (TcpStreamHandler) (stream) -> {
			InputStream in = stream.input();
			int first = in.read();
			readOne.countDown();
			proceed.await();
			byte[] rest = in.readNBytes(9);
			stream.output().write(first);
			stream.output().write(rest);
		});
		Socket socket = connect(listener);
		byte[] payload = random(10, 7);
		socket.getOutputStream().write(payload);
		assertThat(readOne.await(10, TimeUnit.SECONDS)).isTrue();
		// read one byte of (at least part of) ten: the rest stays in the borrowed buffer
		assertThat(streamBuffers().lent()).isEqualTo(1);
		proceed.countDown();
		assertThat(socket.getInputStream().readNBytes(10)).isEqualTo(payload);
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
		awaitNoBufferLent();
	}

	@Test
	void shouldKeepUnflushedOutputWhileTheHandlerIsParkedInRead() throws Exception {
		AtomicInteger consumed = new AtomicInteger();
		CompletableFuture<Thread> handler = new CompletableFuture<>();
		Listener listener = bind(config("unflushed"), (TcpStreamHandler) (stream) -> {
			handler.complete(Thread.currentThread());
			stream.output().write("hello ".getBytes(StandardCharsets.US_ASCII));
			int b;
			while ((b = stream.input().read()) >= 0 && b != '\n') {
				stream.output().write(b);
				consumed.incrementAndGet();
			}
			stream.output().flush();
			stream.input().read();
		});
		Socket socket = connect(listener);
		// parked in its first read with six unflushed bytes: it holds the output buffer only
		Thread thread = handler.get(10, TimeUnit.SECONDS);
		Awaitility.await().until(() -> thread.getState() == Thread.State.WAITING);
		assertThat(streamBuffers().lent()).isEqualTo(1);
		socket.getOutputStream().write("wor".getBytes(StandardCharsets.US_ASCII));
		Awaitility.await().until(() -> consumed.get() == 3);
		// all input read, nine bytes still unflushed
		assertThat(streamBuffers().lent()).isEqualTo(1);
		assertThat(socket.getInputStream().available()).isZero();
		socket.getOutputStream().write("ld\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(new String(socket.getInputStream().readNBytes(11), StandardCharsets.US_ASCII)).isEqualTo("hello world");
		awaitNoBufferLent();
		socket.close();
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		awaitNoBufferLent();
	}

	@Test
	void shouldGiveBuffersBackWhenTheHandlerThrowsHoldingInputAndOutput() throws Exception {
		Listener listener = bind(config("throws"), (TcpStreamHandler) (stream) -> {
			stream.input().read();
			stream.output().write(random(10, 8));
			throw new IllegalStateException("boom (expected by the test)");
		});
		Socket socket = connect(listener);
		socket.getOutputStream().write(random(1000, 9));
		assertThat(closedByServer(socket)).isTrue();
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
		assertThat(listener.stats().handlerErrors()).isEqualTo(1);
		awaitNoBufferLent();
	}

	@Test
	void shouldFlushOnCloseThenRefuseWritesAndEndReads() throws Exception {
		CompletableFuture<Integer> readAfterClose = new CompletableFuture<>();
		CompletableFuture<IOException> writeAfterClose = new CompletableFuture<>();
		Listener listener = bind(config("close"), (TcpStreamHandler) (stream) -> {
			stream.input().read();
			stream.output().write("bye".getBytes(StandardCharsets.US_ASCII));
			stream.close();
			readAfterClose.complete(stream.input().read());
			try {
				stream.output().write('x');
				stream.output().flush();
				writeAfterClose.complete(null);
			}
			catch (IOException ex) {
				writeAfterClose.complete(ex);
			}
		});
		Socket socket = connect(listener);
		socket.getOutputStream().write(random(500, 10));
		assertThat(new String(readToEnd(socket), StandardCharsets.US_ASCII)).isEqualTo("bye");
		assertThat(readAfterClose.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
		assertThat(writeAfterClose.get(10, TimeUnit.SECONDS)).isNotNull();
		awaitNoBufferLent();
		assertThat(listener.stats().handlerErrors()).isZero();
	}

	@Test
	void shouldGiveTheOutputBufferBackWhenThePeerResetsAParkedWrite() throws Exception {
		CompletableFuture<IOException> failure = new CompletableFuture<>();
		CountDownLatch writing = new CountDownLatch(1);
		Listener listener = bind(config("reset"), (TcpStreamHandler) (stream) -> {
			byte[] block = random(BUFFER, 11);
			writing.countDown();
			try {
				for (int i = 0; i < 100_000; i++) {
					stream.output().write(block);
				}
				failure.complete(null);
			}
			catch (IOException ex) {
				failure.complete(ex);
			}
		});
		Socket socket = connect(listener);
		assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
		// the client reads nothing: the handler fills the socket and parks holding its output buffer
		Awaitility.await().until(() -> streamBuffers().lent() == 1);
		socket.setSoLinger(true, 0);
		socket.close();
		assertThat(failure.get(10, TimeUnit.SECONDS)).isNotNull();
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		awaitNoBufferLent();
	}

	@Test
	void shouldGiveBuffersBackWhenClosedFromAnotherThreadWhileParkedInRead() throws Exception {
		CompletableFuture<TcpStream> streams = new CompletableFuture<>();
		CompletableFuture<Integer> readResult = new CompletableFuture<>();
		Listener listener = bind(config("closed-elsewhere"), (TcpStreamHandler) (stream) -> {
			stream.output().write("unsent".getBytes(StandardCharsets.US_ASCII));
			streams.complete(stream);
			try {
				readResult.complete(stream.input().read());
			}
			catch (IOException ex) {
				readResult.complete(-2);
			}
		});
		Socket socket = connect(listener);
		TcpStream stream = streams.get(10, TimeUnit.SECONDS);
		Awaitility.await().until(() -> streamBuffers().lent() == 1);
		// another thread does not touch the handler's buffers: it only closes the connection
		stream.close();
		assertThat(readResult.get(10, TimeUnit.SECONDS)).isIn(-1, -2);
		readToEnd(socket);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		awaitNoBufferLent();
		assertThat(listener.stats().handlerErrors()).isZero();
	}

	@Test
	void shouldFlushWhatHandlersBufferedWhenTheGroupStopsGracefully() throws Exception {
		Set<Thread> handlers = ConcurrentHashMap.newKeySet();
		Listener listener = bind(config("stop"), (TcpStreamHandler) (stream) -> {
			handlers.add(Thread.currentThread());
			stream.output().write("pending".getBytes(StandardCharsets.US_ASCII));
			while (stream.input().read() >= 0) {
				// until the stop ends the input
			}
		});
		List<Socket> sockets = List.of(connect(listener), connect(listener));
		awaitAllParked(handlers, 2);
		// each parked in read with unflushed output
		assertThat(streamBuffers().lent()).isEqualTo(2);
		BufferPool pool = streamBuffers();
		CompletableFuture<Void> stopping = CompletableFuture
			.runAsync(() -> group().shutdownGracefully(Duration.ofSeconds(5)));
		for (Socket socket : sockets) {
			assertThat(new String(readToEnd(socket), StandardCharsets.US_ASCII)).isEqualTo("pending");
			socket.close();
		}
		stopping.get(10, TimeUnit.SECONDS);
		assertThat(pool.lent()).isZero();
	}

}
