package dev.rawtcp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.proxy.ProxyHeader;
import dev.rawtcp.proxy.ProxyHeaderError;
import dev.rawtcp.proxy.ProxyProtocolMode;
import dev.rawtcp.proxy.ProxyProtocolPolicy;
import dev.rawtcp.proxy.TrustedSources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PROXY protocol seam on real sockets, in both modes: the header is read and removed before
 * TLS and the handler, {@code remoteAddress()} is the header's client and
 * {@code socketRemoteAddress()} the socket's peer, and every refusal closes the connection before
 * the handler hears of it, counted by reason. Headers come from a raw socket, encoded by
 * {@link ProxyHeaders}.
 */
abstract class AbstractProxyProtocolTest extends TransportTestSupport {

	private static final Duration AWAIT = Duration.ofSeconds(10);

	private static final InetSocketAddress CLIENT = new InetSocketAddress(address("203.0.113.7"), 51234);

	private static final InetSocketAddress CLIENT6 = new InetSocketAddress(address("2001:db8::7"), 40000);

	private static final InetSocketAddress FRONTEND = new InetSocketAddress(address("198.51.100.1"), 443);

	private static final InetSocketAddress FRONTEND6 = new InetSocketAddress(address("2001:db8::1"), 443);

	private static final byte[] PAYLOAD = "hello behind a balancer\n".getBytes(StandardCharsets.US_ASCII);

	private static SSLContext serverContext;

	private static SSLContext clientContext;

	/** What the handler saw of each connection it was given. */
	private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

	@BeforeAll
	static void keyMaterial(@TempDir Path directory) throws Exception {
		Path keystore = directory.resolve("server.p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
				"-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
				"-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "secret",
				"-keypass", "secret")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool: " + output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keystore)) {
			store.load(in, "secret".toCharArray());
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, "secret".toCharArray());
		serverContext = SSLContext.getInstance("TLS");
		serverContext.init(keys.getKeyManagers(), null, null);
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("server", store.getCertificate("server"));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		clientContext = SSLContext.getInstance("TLS");
		clientContext.init(null, trust.getTrustManagers(), null);
	}

	// Headers the handler never sees

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldGiveTheHandlerTheClientOfAVersion1Header(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.REQUIRED));
		try (Socket socket = connect(listener)) {
			write(socket, ProxyHeaders.v1(CLIENT, FRONTEND));
			assertEchoes(socket);
			Seen connection = next();
			assertThat(connection.remote()).isEqualTo(CLIENT);
			assertThat(connection.socketRemote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.header()).hasValueSatisfying((header) -> {
				assertThat(header.version()).isEqualTo(1);
				assertThat(header.destination()).isEqualTo(FRONTEND);
			});
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldGiveTheHandlerTheClientAndTlvsOfAVersion2Header(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.REQUIRED));
		try (Socket socket = connect(listener)) {
			write(socket, ProxyHeaders.v2(CLIENT6, FRONTEND6, ProxyHeaders.tlv(ProxyHeader.TYPE_AUTHORITY, "example.com"),
					ProxyHeaders.tlv(ProxyHeader.TYPE_ALPN, "h2")));
			assertEchoes(socket);
			Seen connection = next();
			assertThat(connection.remote()).isEqualTo(CLIENT6);
			assertThat(connection.socketRemote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.header()).hasValueSatisfying((header) -> {
				assertThat(header.version()).isEqualTo(2);
				assertThat(header.authority()).isEqualTo("example.com");
				assertThat(header.alpn()).isEqualTo("h2");
			});
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldReadAHeaderArrivingByteByByte(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.REQUIRED));
		for (byte[] header : new byte[][] { ProxyHeaders.v1(CLIENT, FRONTEND), ProxyHeaders.v2(CLIENT, FRONTEND) }) {
			try (Socket socket = connect(listener)) {
				socket.setTcpNoDelay(true);
				OutputStream out = socket.getOutputStream();
				for (byte b : header) {
					out.write(b);
					out.flush();
				}
				assertEchoes(socket);
				assertThat(next().remote()).isEqualTo(CLIENT);
			}
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldHandTheHandlerTheBytesThatCameWithTheHeader(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.REQUIRED));
		for (byte[] header : new byte[][] { ProxyHeaders.v1(CLIENT, FRONTEND), ProxyHeaders.v2(CLIENT, FRONTEND) }) {
			try (Socket socket = connect(listener)) {
				write(socket, concat(header, PAYLOAD));
				assertThat(socket.getInputStream().readNBytes(PAYLOAD.length)).isEqualTo(PAYLOAD);
				assertThat(next().remote()).isEqualTo(CLIENT);
			}
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldServeConnectionsWithAndWithoutAHeaderInOptionalMode(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.OPTIONAL));
		try (Socket socket = connect(listener)) {
			write(socket, PAYLOAD);
			assertThat(socket.getInputStream().readNBytes(PAYLOAD.length)).isEqualTo(PAYLOAD);
			Seen connection = next();
			assertThat(connection.remote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.socketRemote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.header()).isEmpty();
		}
		try (Socket socket = connect(listener)) {
			write(socket, ProxyHeaders.v1(CLIENT, FRONTEND));
			assertEchoes(socket);
			assertThat(next().remote()).isEqualTo(CLIENT);
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldReplayBytesThatOnlyBeganLikeAHeaderInOptionalMode(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.OPTIONAL));
		byte[] v2Prefix = new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 'x', '\n' };
		for (byte[] data : new byte[][] { "PROXIMITY\n".getBytes(StandardCharsets.US_ASCII), v2Prefix }) {
			try (Socket socket = connect(listener)) {
				socket.setTcpNoDelay(true);
				for (byte b : data) {
					write(socket, new byte[] { b });
				}
				assertThat(socket.getInputStream().readNBytes(data.length)).isEqualTo(data);
				assertThat(next().header()).isEmpty();
			}
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldServeALocalHeaderWithTheSocketsOwnAddress(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.REQUIRED));
		try (Socket socket = connect(listener)) {
			write(socket, ProxyHeaders.v2Local());
			assertEchoes(socket);
			Seen connection = next();
			assertThat(connection.remote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.socketRemote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.header()).hasValueSatisfying(
					(header) -> assertThat(header.command()).isEqualTo(ProxyHeader.Command.LOCAL));
		}
		assertNoErrors(listener.stats());
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldReadTheHeaderInFrontOfTls(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, config("proxy-tls").proxyProtocol(proxy(ProxyProtocolMode.REQUIRED))
			.tls(ServerTls.of(serverContext)));
		try (Socket socket = connect(listener)) {
			InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
			write(socket, ProxyHeaders.v2(CLIENT, FRONTEND));
			try (SSLSocket tls = (SSLSocket) clientContext.getSocketFactory()
				.createSocket(socket, "localhost", listener.port(), true)) {
				tls.startHandshake();
				assertEchoes(tls);
			}
			Seen connection = next();
			assertThat(connection.remote()).isEqualTo(CLIENT);
			assertThat(connection.socketRemote()).isEqualTo(local);
			assertThat(connection.tls()).isTrue();
		}
		assertNoErrors(listener.stats());
	}

	// Refusals: closed before the handler hears of it, counted by reason

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldRefuseAConnectionWithoutTheRequiredHeader(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.REQUIRED));
		assertRefused(listener, ProxyHeaderError.MISSING, (socket) -> write(socket, PAYLOAD));
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldRefuseAMalformedHeader(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, proxy(ProxyProtocolMode.OPTIONAL));
		assertRefused(listener, ProxyHeaderError.MALFORMED,
				(socket) -> write(socket, "PROXY TCP4 not-an-address 10.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII)));
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldRefuseAnOversizedHeader(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, config("proxy").proxyProtocol(proxy(ProxyProtocolMode.REQUIRED))
			.proxyMaxHeaderSize(64));
		// a version 2 header announcing more than the limit, and a version 1 line without its end
		assertRefused(listener, ProxyHeaderError.TOO_LARGE,
				(socket) -> write(socket, ProxyHeaders.v2(CLIENT, FRONTEND, ProxyHeaders.tlv(0xE0, "x".repeat(100)))));
		assertRefused(listener, ProxyHeaderError.TOO_LARGE, 2,
				(socket) -> write(socket, ("PROXY TCP4 " + "1".repeat(200)).getBytes(StandardCharsets.US_ASCII)));
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldRefuseAHeaderNotCompleteWithinTheHeaderTimeout(ListenerMode mode) throws Exception {
		Listener listener = bind(mode, config("proxy").proxyProtocol(proxy(ProxyProtocolMode.REQUIRED))
			.proxyHeaderTimeout(Duration.ofMillis(300)));
		assertRefused(listener, ProxyHeaderError.TIMEOUT,
				(socket) -> write(socket, "PROXY TCP4 203.0.113.7".getBytes(StandardCharsets.US_ASCII)));
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldRefuseAHeaderFromAnUntrustedSource(ListenerMode mode) throws Exception {
		ProxyProtocolPolicy required = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TrustedSources.of("10.0.0.0/8"));
		Listener listener = bind(mode, config("proxy").proxyProtocol(required));
		assertRefused(listener, ProxyHeaderError.UNTRUSTED, (socket) -> write(socket, ProxyHeaders.v1(CLIENT, FRONTEND)));
	}

	@ParameterizedTest
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldServeAnUntrustedPeerWithoutAHeaderButRefuseItsHeaderInOptionalMode(ListenerMode mode)
			throws Exception {
		ProxyProtocolPolicy optional = new ProxyProtocolPolicy(ProxyProtocolMode.OPTIONAL, TrustedSources.of("10.0.0.0/8"));
		Listener listener = bind(mode, config("proxy").proxyProtocol(optional));
		try (Socket socket = connect(listener)) {
			assertEchoes(socket);
			assertThat(next().remote()).isEqualTo(socket.getLocalSocketAddress());
		}
		assertRefused(listener, ProxyHeaderError.UNTRUSTED, (socket) -> write(socket, ProxyHeaders.v1(CLIENT, FRONTEND)));
	}

	@Test
	void shouldLeaveTheFirstBytesToTheHandlerWhenTheProtocolIsOff() throws Exception {
		Listener listener = bind(ListenerMode.EVENT_LOOP, config("plain"));
		try (Socket socket = connect(listener)) {
			byte[] header = ProxyHeaders.v1(CLIENT, FRONTEND);
			write(socket, header);
			assertThat(socket.getInputStream().readNBytes(header.length)).isEqualTo(header);
			Seen connection = next();
			assertThat(connection.remote()).isEqualTo(socket.getLocalSocketAddress());
			assertThat(connection.header()).isEmpty();
		}
	}

	// Support

	private void assertRefused(Listener listener, ProxyHeaderError reason, ClientAction action) throws Exception {
		assertRefused(listener, reason, 1, action);
	}

	private void assertRefused(Listener listener, ProxyHeaderError reason, long count, ClientAction action)
			throws Exception {
		ListenerStats stats = listener.stats();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", listener.port()), 10_000);
			socket.setSoTimeout(10_000);
			action.accept(socket);
			assertThat(readToEnd(socket)).as("bytes from a refused connection").isEmpty();
		}
		catch (SocketException ex) {
			// reset by the refusal, even before the connect returned (an untrusted source is refused at once)
		}
		await().atMost(AWAIT).untilAsserted(() -> assertThat(stats.proxyHeaderErrors(reason)).isEqualTo(count));
		await().atMost(AWAIT).until(() -> stats.active() == 0);
		assertThat(this.seen).as("connections the handler was given").isEmpty();
		assertThat(stats.handlerErrors()).isZero();
		for (ProxyHeaderError other : ProxyHeaderError.values()) {
			if (other != reason) {
				assertThat(stats.proxyHeaderErrors(other)).as(other.tag()).isZero();
			}
		}
	}

	private static void assertNoErrors(ListenerStats stats) {
		for (ProxyHeaderError reason : ProxyHeaderError.values()) {
			assertThat(stats.proxyHeaderErrors(reason)).as(reason.tag()).isZero();
		}
		assertThat(stats.handlerErrors()).isZero();
	}

	private static void assertEchoes(Socket socket) throws IOException {
		write(socket, PAYLOAD);
		assertThat(socket.getInputStream().readNBytes(PAYLOAD.length)).isEqualTo(PAYLOAD);
	}

	private static void write(Socket socket, byte[] bytes) throws IOException {
		socket.getOutputStream().write(bytes);
		socket.getOutputStream().flush();
	}

	private Seen next() throws InterruptedException {
		Seen connection = this.seen.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(connection).as("a connection given to the handler").isNotNull();
		return connection;
	}

	private static ProxyProtocolPolicy proxy(ProxyProtocolMode mode) {
		return new ProxyProtocolPolicy(mode, TrustedSources.of("127.0.0.1/32"));
	}

	private static ListenerConfig.Builder config(ProxyProtocolPolicy policy) {
		return config("proxy").proxyProtocol(policy);
	}

	private Listener bind(ListenerMode mode, ProxyProtocolPolicy policy) {
		return bind(mode, config(policy));
	}

	private Listener bind(ListenerMode mode, ListenerConfig.Builder config) {
		return (mode == ListenerMode.THREAD_PER_CONNECTION) ? bind(config, streamHandler()) : bind(config, loopHandler());
	}

	private TcpHandler loopHandler() {
		return new TcpHandler() {

			@Override
			public void onOpen(Connection connection) {
				AbstractProxyProtocolTest.this.seen.add(Seen.of(connection));
			}

			@Override
			public void onData(Connection connection, ByteBuffer data) {
				connection.write(data);
			}

		};
	}

	private TcpStreamHandler streamHandler() {
		return (stream) -> {
			this.seen.add(Seen.of(stream.connection()));
			STREAM_ECHO.handle(stream);
		};
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	@FunctionalInterface
	private interface ClientAction {

		void accept(Socket socket) throws IOException;

	}

	/** A connection as the handler saw it. */
	private record Seen(InetSocketAddress remote, InetSocketAddress socketRemote, Optional<ProxyHeader> header,
			boolean tls) {

		static Seen of(Connection connection) {
			return new Seen(connection.remoteAddress(), connection.socketRemoteAddress(), connection.proxyHeader(),
					connection.tls().isPresent());
		}

	}

}
