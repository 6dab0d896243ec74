package dev.rawtcp.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ServerTls;
import dev.rawtcp.ServerTls.ClientAuth;
import dev.rawtcp.TlsHandshakeFailure;
import dev.rawtcp.TlsStats;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handshake with JDK clients, in both modes: client authentication, SNI choosing the
 * engine, and each way a handshake fails (a stall until the time-out, garbage, a reset, a
 * renegotiation), counted once with its reason while the listener keeps serving others.
 */
public abstract class AbstractTlsHandshakeTest extends TlsTestSupport {

	/** A TLS record header announcing a 512-byte ClientHello, and its first 100 bytes. */
	private static final byte[] HALF_CLIENT_HELLO = halfClientHello();

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "EVENT_LOOP, TLSv1.2", "EVENT_LOOP, TLSv1.3", "THREAD_PER_CONNECTION, TLSv1.2",
			"THREAD_PER_CONNECTION, TLSv1.3" })
	void shouldServeAClientWithACertificateWhenOneIsNeeded(ListenerMode mode, String protocol) throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("need").tls(serverTls().withClientAuth(ClientAuth.NEED)), mode,
				opened::complete);
		SSLSocket socket = connectTls(listener, TlsCertificates.get().clientContext(true), protocol, null);
		assertThat(echo(socket, new byte[] { 7 })).containsExactly(7);
		X509Certificate client = (X509Certificate) opened.get(10, TimeUnit.SECONDS)
			.tls()
			.orElseThrow()
			.peerCertificates()
			.get(0);
		assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=test client");
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "EVENT_LOOP, TLSv1.2", "EVENT_LOOP, TLSv1.3", "THREAD_PER_CONNECTION, TLSv1.2",
			"THREAD_PER_CONNECTION, TLSv1.3" })
	void shouldRefuseAClientWithoutACertificateWhenOneIsNeeded(ListenerMode mode, String protocol) throws Exception {
		Listener listener = bindEcho(config("need").tls(serverTls().withClientAuth(ClientAuth.NEED)), mode);
		SSLSocket socket = startTls(listener, TlsCertificates.get().clientContext(false), protocol, null);
		assertThat(refused(socket)).isTrue();
		Awaitility.await().until(() -> listener.stats().tls().failed(TlsHandshakeFailure.CLIENT_AUTH) == 1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(this.handled).hasValue(0);
		assertThat(listener.stats().tls().succeeded()).isZero();
		assertServesOthers(listener, 1);
	}

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({ "EVENT_LOOP, client certificate not trusted, CERTIFICATE",
			"EVENT_LOOP, server certificate not trusted, CERTIFICATE", "EVENT_LOOP, no common protocol, PROTOCOL",
			"THREAD_PER_CONNECTION, client certificate not trusted, CERTIFICATE",
			"THREAD_PER_CONNECTION, server certificate not trusted, CERTIFICATE",
			"THREAD_PER_CONNECTION, no common protocol, PROTOCOL" })
	void shouldCountAFailedHandshakeWithItsReason(ListenerMode mode, String failure, TlsHandshakeFailure reason)
			throws Exception {
		SSLContext server = TlsCertificates.get().serverContext();
		ServerTls tls = ServerTls.of((serverName) -> {
			javax.net.ssl.SSLEngine engine = server.createSSLEngine();
			engine.setEnabledProtocols(new String[] { "TLSv1.3" });
			return engine;
		}).withClientAuth(ClientAuth.NEED);
		Listener listener = bindEcho(config("failures").tls(tls), mode);
		SSLSocket socket = switch (failure) {
			case "client certificate not trusted" ->
				startTls(listener, TlsCertificates.get().untrustedClientContext(true), "TLSv1.3", null);
			case "server certificate not trusted" ->
				startTls(listener, TlsCertificates.get().untrustedClientContext(false), "TLSv1.3", null);
			default -> startTls(listener, TlsCertificates.get().clientContext(true), "TLSv1.2", null);
		};
		assertThat(refused(socket)).isTrue();
		Awaitility.await().until(() -> listener.stats().tls().failed(reason) == 1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertOnlyFailure(listener.stats().tls(), reason);
		assertThat(this.handled).hasValue(0);
		assertServesOthers(listener, 1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldServeAClientWithoutACertificateWhenOneIsWanted(ListenerMode mode) throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("want").tls(serverTls().withClientAuth(ClientAuth.WANT)), mode,
				opened::complete);
		SSLSocket socket = connectTls(listener, "TLSv1.3");
		assertThat(echo(socket, new byte[] { 8 })).containsExactly(8);
		assertThat(opened.get(10, TimeUnit.SECONDS).tls().orElseThrow().peerCertificates()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldMakeTheEngineForTheServerNameTheClientAskedFor(ListenerMode mode) throws Exception {
		SSLContext localhost = TlsCertificates.get().serverContext();
		SSLContext other = TlsCertificates.get().otherServerContext();
		ServerTls tls = ServerTls
			.of((serverName) -> (TlsCertificates.OTHER.equals(serverName) ? other : localhost).createSSLEngine());
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("sni").tls(tls), mode, opened::complete);
		SSLContext client = TlsCertificates.get().clientContext(false);
		SSLSocket toOther = connectTls(listener, client, "TLSv1.3", TlsCertificates.OTHER);
		assertThat(echo(toOther, new byte[] { 1 })).containsExactly(1);
		assertThat(peerName(toOther)).isEqualTo("CN=other.test");
		assertThat(opened.get(10, TimeUnit.SECONDS).tls().orElseThrow().serverName()).isEqualTo(TlsCertificates.OTHER);
		SSLSocket toLocalhost = connectTls(listener, client, "TLSv1.2", "LocalHost");
		assertThat(echo(toLocalhost, new byte[] { 2 })).containsExactly(2);
		assertThat(peerName(toLocalhost)).isEqualTo("CN=localhost");
		SSLSocket toNone = connectTls(listener, client, "TLSv1.3", null);
		assertThat(echo(toNone, new byte[] { 3 })).containsExactly(3);
		assertThat(peerName(toNone)).isEqualTo("CN=localhost");
	}

	@ParameterizedTest(name = "{0}, half a ClientHello: {1}")
	@CsvSource({ "EVENT_LOOP, false", "EVENT_LOOP, true", "THREAD_PER_CONNECTION, false",
			"THREAD_PER_CONNECTION, true" })
	void shouldCloseAStalledHandshakeAtTheTimeout(ListenerMode mode, boolean halfAHello) throws Exception {
		Listener listener = bindEcho(config("stalled").tls(serverTls().withHandshakeTimeout(Duration.ofMillis(500))),
				mode);
		Socket stalled = connect(listener);
		if (halfAHello) {
			stalled.getOutputStream().write(HALF_CLIENT_HELLO);
		}
		Awaitility.await().until(() -> listener.stats().tls().failed(TlsHandshakeFailure.TIMEOUT) == 1);
		assertThat(closedByServer(stalled)).isTrue();
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertOnlyFailure(listener.stats().tls(), TlsHandshakeFailure.TIMEOUT);
		assertThat(this.handled).hasValue(0);
		assertServesOthers(listener, 1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseAClientThatSpeaksPlaintext(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("garbage").tls(serverTls()), mode);
		Socket garbage = connect(listener);
		garbage.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(closedByServer(garbage)).isTrue();
		Awaitility.await().until(() -> listener.stats().tls().failed(TlsHandshakeFailure.PROTOCOL) == 1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertOnlyFailure(listener.stats().tls(), TlsHandshakeFailure.PROTOCOL);
		assertThat(this.handled).hasValue(0);
		assertServesOthers(listener, 1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCountAResetInsideTheHandshakeAsClosed(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("reset").tls(serverTls()), mode);
		Socket reset = connect(listener);
		reset.getOutputStream().write(HALF_CLIENT_HELLO);
		Awaitility.await().until(() -> listener.stats().bytesReceived() == HALF_CLIENT_HELLO.length);
		reset.setSoLinger(true, 0);
		reset.close();
		Awaitility.await().until(() -> listener.stats().tls().failed(TlsHandshakeFailure.CLOSED) == 1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertOnlyFailure(listener.stats().tls(), TlsHandshakeFailure.CLOSED);
		assertServesOthers(listener, 1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseAConnectionWhosePeerAsksToRenegotiate(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("renegotiate").tls(serverTls()), mode);
		SSLSocket socket = connectTls(listener, "TLSv1.2");
		assertThat(echo(socket, new byte[] { 5 })).containsExactly(5);
		// on an established TLS 1.2 socket the JDK client sends a new ClientHello
		assertThat(refused(socket)).isTrue();
		Awaitility.await().until(() -> listener.stats().tls().failed(TlsHandshakeFailure.RENEGOTIATION) == 1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(listener.stats().tls().succeeded()).isEqualTo(1);
		assertServesOthers(listener, 2);
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "EVENT_LOOP, TLSv1.2", "EVENT_LOOP, TLSv1.3", "THREAD_PER_CONNECTION, TLSv1.2",
			"THREAD_PER_CONNECTION, TLSv1.3" })
	void shouldResumeASession(ListenerMode mode, String protocol) throws Exception {
		Listener listener = bindEcho(config("resume").tls(serverTls()), mode);
		SSLContext client = TlsCertificates.get().clientContext(false);
		SSLSocket first = connectTls(listener, client, protocol, null);
		assertThat(echo(first, new byte[] { 1 })).containsExactly(1);
		first.close();
		SSLSocket second = connectTls(listener, client, protocol, null);
		assertThat(echo(second, new byte[] { 2 })).containsExactly(2);
		if (protocol.equals("TLSv1.2")) {
			// the abbreviated handshake: the server sends its Finished first
			assertThat(second.getSession().getId()).isEqualTo(first.getSession().getId());
		}
		assertThat(listener.stats().tls().succeeded()).isEqualTo(2);
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "EVENT_LOOP, TLSv1.2", "EVENT_LOOP, TLSv1.3", "THREAD_PER_CONNECTION, TLSv1.2",
			"THREAD_PER_CONNECTION, TLSv1.3" })
	void shouldHandshakeAndEchoWhenTheClientsBytesArriveOneByOne(ListenerMode mode, String protocol)
			throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("trickle").tls(serverTls()), mode, opened::complete);
		try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Void> relaying = CompletableFuture.runAsync(() -> trickle(relay, listener));
			Socket plain = new Socket(InetAddress.getLoopbackAddress(), relay.getLocalPort());
			plain.setSoTimeout(10_000);
			SSLSocket socket = (SSLSocket) TlsCertificates.get().clientContext(false).getSocketFactory()
				.createSocket(plain, "127.0.0.1", relay.getLocalPort(), true);
			javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
			parameters.setProtocols(new String[] { protocol });
			parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(TlsCertificates.OTHER)));
			socket.setSSLParameters(parameters);
			try (socket) {
				byte[] payload = random(5000, 5);
				assertThat(echo(socket, payload)).isEqualTo(payload);
				assertThat(opened.get(10, TimeUnit.SECONDS).tls().orElseThrow().serverName())
					.isEqualTo(TlsCertificates.OTHER);
			}
			relaying.get(10, TimeUnit.SECONDS);
		}
	}

	/** Relay one connection to the listener: what the client sends one byte per write, the replies as they come. */
	private static void trickle(ServerSocket relay, Listener listener) {
		try (Socket client = relay.accept();
				Socket server = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
			server.setTcpNoDelay(true);
			Thread replies = new Thread(() -> {
				try {
					server.getInputStream().transferTo(client.getOutputStream());
				}
				catch (IOException ex) {
					// the relay ends
				}
			});
			replies.start();
			java.io.InputStream in = client.getInputStream();
			OutputStream out = server.getOutputStream();
			for (int b; (b = in.read()) >= 0;) {
				out.write(b);
				out.flush();
			}
			server.shutdownOutput();
			replies.join(10_000);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** @return whether the socket's (next) handshake failed, or the server closed it before echoing */
	private static boolean refused(SSLSocket socket) {
		try {
			socket.startHandshake();
			socket.getOutputStream().write(9);
			socket.getOutputStream().flush();
			return socket.getInputStream().read() < 0;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private void assertServesOthers(Listener listener, int succeededThen) throws Exception {
		SSLSocket other = connectTls(listener, TlsCertificates.get().clientContext(true), "TLSv1.3", null);
		assertThat(echo(other, new byte[] { 4, 2 })).containsExactly(4, 2);
		assertThat(listener.stats().tls().succeeded()).isEqualTo(succeededThen);
	}

	private static void assertOnlyFailure(TlsStats stats, TlsHandshakeFailure reason) {
		for (TlsHandshakeFailure each : TlsHandshakeFailure.values()) {
			assertThat(stats.failed(each)).as(each.tagValue()).isEqualTo((each == reason) ? 1 : 0);
		}
	}

	private static String peerName(SSLSocket socket) throws IOException {
		return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
	}

	private static byte[] halfClientHello() {
		byte[] hello = new byte[5 + 100];
		hello[0] = 22;
		hello[1] = 3;
		hello[2] = 1;
		hello[3] = 0x02;
		hello[4] = 0x00;
		hello[5] = 1;
		hello[7] = 0x01;
		hello[8] = (byte) 0xFC;
		hello[9] = 3;
		hello[10] = 3;
		return hello;
	}

}
