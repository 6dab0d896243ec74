package dev.rawtcp.tls;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocket;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.TlsInfo;
import dev.rawtcp.codec.FramedHandler;
import dev.rawtcp.codec.LineEncoder;
import dev.rawtcp.codec.LineReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Echo over TLS with the JDK's {@link SSLSocket}, TLS 1.2 and 1.3, in both modes: byte-exact
 * from 1 byte to 4 MiB (around the 16 KiB record size), a line codec unchanged, what the
 * handshake agreed on, a TLS 1.3 key update, and no plaintext write past the stream.
 */
public abstract class AbstractTlsEchoTest extends TlsTestSupport {

	static Stream<Arguments> echoes() {
		Stream.Builder<Arguments> cases = Stream.builder();
		for (ListenerMode mode : new ListenerMode[] { ListenerMode.EVENT_LOOP, ListenerMode.THREAD_PER_CONNECTION }) {
			for (String protocol : new String[] { "TLSv1.2", "TLSv1.3" }) {
				for (int size : new int[] { 1, 16383, 16384, 16385, 100_000, 4 * 1024 * 1024 }) {
					cases.add(Arguments.of(mode, protocol, size));
				}
			}
		}
		return cases.build();
	}

	@ParameterizedTest(name = "{0} {1} {2} bytes")
	@MethodSource("echoes")
	void shouldEchoByteExactOverTls(ListenerMode mode, String protocol, int size) throws Exception {
		Listener listener = bindEcho(config("echo").tls(serverTls()), mode);
		SSLSocket socket = connectTls(listener, protocol);
		byte[] payload = random(size, size);
		assertThat(echo(socket, payload)).isEqualTo(payload);
		assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
		// ciphertext is counted: more than the payload
		assertThat(listener.stats().bytesReceived()).isGreaterThan(size);
		assertThat(listener.stats().tls().succeeded()).isEqualTo(1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldDecodeLinesOverTlsAsOverPlaintext(ListenerMode mode) throws Exception {
		LineEncoder encoder = new LineEncoder();
		Listener listener;
		if (mode == ListenerMode.EVENT_LOOP) {
			listener = bind(config("lines").tls(serverTls()), FramedHandler.lines(64,
					(connection, line) -> encoder.write(connection, line.toUpperCase(Locale.ROOT))));
		}
		else {
			listener = bind(config("lines").tls(serverTls()), (TcpStreamHandler) (stream) -> {
				LineReader in = new LineReader(stream.input(), 64);
				for (String line; (line = in.readLine()) != null;) {
					encoder.write(stream.output(), line.toUpperCase(Locale.ROOT));
					stream.output().flush();
				}
			});
		}
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		// lines cut across writes, so across TLS records
		socket.getOutputStream().write("first li".getBytes(StandardCharsets.UTF_8));
		socket.getOutputStream().flush();
		socket.getOutputStream().write("ne\nsecond\nthi".getBytes(StandardCharsets.UTF_8));
		socket.getOutputStream().flush();
		socket.getOutputStream().write("rd\n".getBytes(StandardCharsets.UTF_8));
		socket.getOutputStream().flush();
		BufferedReader replies = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
		assertThat(replies.readLine()).isEqualTo("FIRST LINE");
		assertThat(replies.readLine()).isEqualTo("SECOND");
		assertThat(replies.readLine()).isEqualTo("THIRD");
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldExposeWhatTheHandshakeAgreedOn(ListenerMode mode) throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("info").tls(serverTls()), mode, opened::complete);
		SSLSocket socket = connectTls(listener, TlsCertificates.get().clientContext(false), "TLSv1.2",
				TlsCertificates.LOCALHOST);
		assertThat(echo(socket, new byte[] { 42 })).containsExactly(42);
		Connection connection = opened.get(10, TimeUnit.SECONDS);
		TlsInfo info = connection.tls().orElseThrow();
		assertThat(info.protocol()).isEqualTo("TLSv1.2");
		assertThat(info.cipherSuite()).isEqualTo(socket.getSession().getCipherSuite());
		assertThat(info.serverName()).isEqualTo(TlsCertificates.LOCALHOST);
		assertThat(info.peerCertificates()).isEmpty();
		assertThat(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
			.isEqualTo("CN=localhost");
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldKeepEchoingAcrossATls13KeyUpdate(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("keyupdate").tls(serverTls()), mode);
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		assertThat(echo(socket, random(20_000, 1))).isEqualTo(random(20_000, 1));
		// on an established TLS 1.3 socket the JDK sends a KeyUpdate (update_requested)
		socket.startHandshake();
		assertThat(echo(socket, random(20_000, 2))).isEqualTo(random(20_000, 2));
		assertThat(listener.stats().tls().succeeded()).isEqualTo(1);
		assertThat(listener.stats().tls().failed(dev.rawtcp.TlsHandshakeFailure.RENEGOTIATION)).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldEchoManyRecordsOnManyConnections(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("many").tls(serverTls()), mode);
		SSLSocket[] sockets = new SSLSocket[20];
		for (int i = 0; i < sockets.length; i++) {
			sockets[i] = connectTls(listener, (i % 2 == 0) ? "TLSv1.3" : "TLSv1.2");
		}
		for (int round = 0; round < 50; round++) {
			for (int i = 0; i < sockets.length; i++) {
				sockets[i].getOutputStream().write(random(1000 + round, i * 100 + round));
				sockets[i].getOutputStream().flush();
			}
			for (int i = 0; i < sockets.length; i++) {
				assertThat(sockets[i].getInputStream().readNBytes(1000 + round)).as("connection %d round %d", i, round)
					.isEqualTo(random(1000 + round, i * 100 + round));
			}
		}
		assertThat(listener.stats().tls().succeeded()).isEqualTo(sockets.length);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldEchoByteExactThroughBackpressure(ListenerMode mode) throws Exception {
		// a small high water mark pauses reads again and again in the middle of what was read
		Listener listener = bindEcho(config("backpressure").tls(serverTls())
			.writeBufferLowWaterMark(4 * 1024)
			.writeBufferHighWaterMark(16 * 1024), mode);
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		byte[] payload = random(4 * 1024 * 1024, 11);
		assertThat(echo(socket, payload)).isEqualTo(payload);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP" })
	void shouldHandOverWhatWasReadBeforeReadsWereSuspendedOnceResumed(ListenerMode mode) throws Exception {
		CompletableFuture<Connection> suspended = new CompletableFuture<>();
		Listener listener = bind(config("suspend").tls(serverTls()), new dev.rawtcp.TcpHandler() {

			@Override
			public void onData(Connection connection, ByteBuffer data) {
				connection.write(data);
				if (!suspended.isDone()) {
					connection.suspendReads();
					suspended.complete(connection);
				}
			}

		});
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		byte[] payload = random(300_000, 12);
		CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
			try {
				return socket.getInputStream().readNBytes(payload.length);
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		socket.getOutputStream().write(payload);
		socket.getOutputStream().flush();
		Connection connection = suspended.get(10, TimeUnit.SECONDS);
		Awaitility.await().until(connection::isReadPaused);
		connection.resumeReads();
		assertThat(echoed.get(20, TimeUnit.SECONDS)).isEqualTo(payload);
	}

	/**
	 * Once established, the loop allocates no buffer per record: what it allocates per record is
	 * the JDK engine's own small objects (about 1.3 KB a wrap or unwrap on JDK 17), far less than
	 * one record (a buffer per record would be at least 16 KiB).
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP" })
	void shouldNotAllocateABufferPerRecordOnTheLoop(ListenerMode mode) throws Exception {
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		org.junit.jupiter.api.Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean,
				"no per-thread allocation counter here");
		com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
		CompletableFuture<Thread> loop = new CompletableFuture<>();
		Listener listener = bindEcho(config("alloc").tls(serverTls()), mode, (c) -> loop.complete(Thread.currentThread()));
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		byte[] message = random(40_000, 40);
		for (int i = 0; i < 50; i++) {
			assertThat(echo(socket, message)).isEqualTo(message);
		}
		long id = loop.get(10, TimeUnit.SECONDS).getId();
		long before = allocations.getThreadAllocatedBytes(id);
		int rounds = 200;
		for (int i = 0; i < rounds; i++) {
			socket.getOutputStream().write(message);
			socket.getOutputStream().flush();
			assertThat(socket.getInputStream().readNBytes(message.length)).isEqualTo(message);
		}
		long allocated = allocations.getThreadAllocatedBytes(id) - before;
		// 40 000 bytes are 3 records each way
		long perRecord = allocated / (rounds * 6L);
		System.out.println("TLS echo: the loop allocated " + perRecord + " bytes per record");
		assertThat(perRecord).as("bytes the loop allocated per record").isLessThan(4096);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "THREAD_PER_CONNECTION" })
	void shouldHoldNoPooledBufferWhileIdleInStreamMode(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("idle").tls(serverTls()), mode);
		dev.rawtcp.internal.BufferPool pool = ((dev.rawtcp.internal.AbstractEventLoopGroup<?>) group()).streamBuffers();
		SSLSocket[] sockets = new SSLSocket[10];
		for (int i = 0; i < sockets.length; i++) {
			sockets[i] = connectTls(listener, (i % 2 == 0) ? "TLSv1.3" : "TLSv1.2");
			assertThat(echo(sockets[i], random(30_000, i))).isEqualTo(random(30_000, i));
		}
		// every handler parked in a read: no ciphertext, plaintext or output buffer held
		Awaitility.await().untilAsserted(() -> assertThat(pool.lent()).as("buffers lent").isZero());
		for (SSLSocket socket : sockets) {
			socket.close();
		}
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(pool.lent()).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "THREAD_PER_CONNECTION" })
	void shouldRefuseConnectionWriteFromAnotherThreadInStreamMode(ListenerMode mode) throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("refuse").tls(serverTls()), mode, opened::complete);
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		assertThat(echo(socket, new byte[] { 1 })).containsExactly(1);
		Connection connection = opened.get(10, TimeUnit.SECONDS);
		assertThatIllegalStateException().isThrownBy(() -> connection.write(ByteBuffer.wrap(new byte[] { 2 })))
			.withMessageContaining("TcpStream.output()");
		// nothing leaked onto the wire: the stream still echoes, in order
		assertThat(echo(socket, new byte[] { 3 })).containsExactly(3);
		Awaitility.await().until(() -> listener.activeConnections() == 1);
	}

}
