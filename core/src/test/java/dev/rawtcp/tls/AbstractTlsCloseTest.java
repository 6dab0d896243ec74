package dev.rawtcp.tls;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.CloseReason;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end of a TLS connection, in both modes: a graceful close by the server, and a stop of
 * the listener, send a close_notify (a JDK client reads end of stream, where a FIN alone
 * would make it throw); a client's close_notify is the handler's end of stream.
 */
public abstract class AbstractTlsCloseTest extends TlsTestSupport {

	private static final byte[] BYE = "bye".getBytes(StandardCharsets.US_ASCII);

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldSendCloseNotifyWhenTheServerCloses(ListenerMode mode) throws Exception {
		Listener listener;
		if (mode == ListenerMode.EVENT_LOOP) {
			listener = bind(config("close").tls(serverTls()), (TcpHandler) (connection, data) -> {
				connection.write(data);
				connection.close();
			});
		}
		else {
			listener = bind(config("close").tls(serverTls()), (TcpStreamHandler) (stream) -> {
				byte[] buffer = new byte[64];
				int n = stream.input().read(buffer);
				stream.output().write(buffer, 0, n);
			});
		}
		for (String protocol : new String[] { "TLSv1.2", "TLSv1.3" }) {
			Recorded client = connectRecorded(listener, protocol);
			SSLSocket socket = client.socket();
			socket.getOutputStream().write(BYE);
			socket.getOutputStream().flush();
			assertThat(socket.getInputStream().readNBytes(BYE.length)).isEqualTo(BYE);
			assertThat(socket.getInputStream().read()).as(protocol).isEqualTo(-1);
			assertThat(client.endsWithAlert(BYE.length)).as("%s: the server's last record is its close_notify", protocol).isTrue();
			socket.close();
		}
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.NORMAL) == 2);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldSeeTheClientsCloseNotifyAsEndOfStream(ListenerMode mode) throws Exception {
		CompletableFuture<byte[]> beforeEnd = new CompletableFuture<>();
		Listener listener;
		if (mode == ListenerMode.EVENT_LOOP) {
			listener = bind(config("peer-end").tls(serverTls()), new TcpHandler() {

				private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();

				@Override
				public void onData(Connection connection, ByteBuffer data) {
					byte[] bytes = new byte[data.remaining()];
					data.get(bytes);
					this.received.writeBytes(bytes);
				}

				@Override
				public void onInputClosed(Connection connection) {
					beforeEnd.complete(this.received.toByteArray());
					connection.write(ByteBuffer.wrap(BYE));
					connection.close();
				}

			});
		}
		else {
			listener = bind(config("peer-end").tls(serverTls()), (TcpStreamHandler) (stream) -> {
				beforeEnd.complete(stream.input().readAllBytes());
				stream.output().write(BYE);
			});
		}
		// TLS 1.3 closes each direction on its own: the client's close_notify, then the server's reply
		Recorded client = connectRecorded(listener, "TLSv1.3");
		SSLSocket socket = client.socket();
		byte[] payload = random(50_000, 3);
		socket.getOutputStream().write(payload);
		socket.getOutputStream().flush();
		socket.shutdownOutput();
		assertThat(beforeEnd.get(10, TimeUnit.SECONDS)).isEqualTo(payload);
		assertThat(socket.getInputStream().readNBytes(BYE.length)).isEqualTo(BYE);
		assertThat(socket.getInputStream().read()).isEqualTo(-1);
		assertThat(client.endsWithAlert(BYE.length)).as("the server's last record is its close_notify").isTrue();
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(listener.stats().closed(CloseReason.NORMAL)).isEqualTo(1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldSendCloseNotifyWhenTheListenerStops(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("drain").tls(serverTls()), mode);
		Recorded tls12 = connectRecorded(listener, "TLSv1.2");
		Recorded tls13 = connectRecorded(listener, "TLSv1.3");
		assertThat(echo(tls12.socket(), new byte[] { 1 })).containsExactly(1);
		assertThat(echo(tls13.socket(), new byte[] { 2 })).containsExactly(2);
		CompletableFuture<Void> stopped = listener.stopAsync(Duration.ofSeconds(20));
		for (Recorded client : new Recorded[] { tls12, tls13 }) {
			SSLSocket socket = client.socket();
			assertThat(socket.getInputStream().read()).as(socket.getSession().getProtocol()).isEqualTo(-1);
			assertThat(client.endsWithAlert(1)).as("%s: the server's last record is its close_notify",
					socket.getSession().getProtocol()).isTrue();
			socket.close();
		}
		stopped.get(30, TimeUnit.SECONDS);
		assertThat(listener.stats().closed(CloseReason.SHUTDOWN)).isEqualTo(2);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldSendCloseNotifyAtTheIdleTimeout(ListenerMode mode) throws Exception {
		// a first handshake in this JVM can take longer than the idle time-out between its flights
		connectTls(bindEcho(config("warm-up").tls(serverTls()), mode), "TLSv1.3").close();
		Listener listener = bindEcho(config("idle").tls(serverTls()).idleTimeout(Duration.ofSeconds(1)), mode);
		for (String protocol : new String[] { "TLSv1.2", "TLSv1.3" }) {
			Recorded client = connectRecorded(listener, protocol);
			assertThat(echo(client.socket(), new byte[] { 1 })).containsExactly(1);
			assertThat(client.socket().getInputStream().read()).as(protocol).isEqualTo(-1);
			assertThat(client.endsWithAlert(1)).as("%s: the server's last record is its close_notify", protocol)
				.isTrue();
			client.socket().close();
		}
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.IDLE) == 2);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldSendCloseNotifyWhenClosedFromAnotherThread(ListenerMode mode) throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("close-elsewhere").tls(serverTls()), mode, opened::complete);
		Recorded client = connectRecorded(listener, "TLSv1.3");
		assertThat(echo(client.socket(), new byte[] { 1 })).containsExactly(1);
		// in thread-per-connection mode the handler is parked in a read: it sends the close_notify, then the FIN
		opened.get(10, TimeUnit.SECONDS).close();
		assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
		assertThat(client.endsWithAlert(1)).as("the server's last record is its close_notify").isTrue();
		client.socket().close();
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.NORMAL) == 1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldEchoUntilTheClientClosesWhileTheServerStillWrites(ListenerMode mode) throws Exception {
		// a big echo the client stops reading half way: the server's writes back up, then the client closes
		Listener listener = bindEcho(config("abandon").tls(serverTls()), mode);
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		OutputStream out = socket.getOutputStream();
		InputStream in = socket.getInputStream();
		out.write(random(256 * 1024, 5));
		out.flush();
		assertThat(in.readNBytes(1024)).isEqualTo(java.util.Arrays.copyOf(random(256 * 1024, 5), 1024));
		socket.close();
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(echo(connectTls(listener, "TLSv1.2"), new byte[] { 6 })).containsExactly(6);
	}

}
