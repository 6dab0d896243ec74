package dev.rawtcp.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.rawtcp.proxy.ProxyHeader.Command;
import dev.rawtcp.proxy.ProxyHeader.Family;
import dev.rawtcp.proxy.ProxyHeaderResult.Done;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bytes HAProxy really sends: HAProxy in front of a plain server socket, with
 * {@code send-proxy} and {@code send-proxy-v2}, and its health checks. Skipped, saying so, when
 * HAProxy is not installed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyHeaderHaproxyTest {

	private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

	private static final Path OPENSSL = Path.of("/usr/bin/openssl");

	private static final byte[] GREETING = "hello through haproxy\n".getBytes(StandardCharsets.US_ASCII);

	@TempDir
	Path dir;

	@BeforeAll
	static void requireHaproxy() {
		assumeTrue(Files.isExecutable(HAPROXY),
				"HAProxy is not installed at " + HAPROXY + " (Debian package 'haproxy'): the tests against it are skipped");
	}

	@Test
	void shouldDecodeTheVersion1HeaderWithTheClientsAddress() throws Exception {
		Done done = relay("send-proxy");
		assertThat(done.header().version()).isEqualTo(1);
		assertThat(done.header().family()).isEqualTo(Family.INET);
	}

	@Test
	void shouldDecodeTheVersion2HeaderWithTheClientsAddress() throws Exception {
		Done done = relay("send-proxy-v2");
		assertThat(done.header().version()).isEqualTo(2);
		assertThat(done.header().family()).isEqualTo(Family.INET);
	}

	@Test
	void shouldDecodeAnIpv6ClientInEitherVersion() throws Exception {
		InetAddress ipv6 = InetAddress.getByName("::1");
		assumeTrue(ipv6Loopback(ipv6), "No IPv6 loopback here: the IPv6 test through HAProxy is skipped");
		for (String serverOptions : List.of("send-proxy", "send-proxy-v2")) {
			Done done = relay(ipv6, "", serverOptions, false);
			assertThat(done.header().family()).isEqualTo(Family.INET6);
			assertThat(done.header().source().getAddress()).isEqualTo(ipv6);
		}
	}

	@Test
	void shouldVerifyTheChecksumAndReadTheUniqueIdHaproxySends() throws Exception {
		Done done = relay("send-proxy-v2 proxy-v2-options crc32c,unique-id");
		assertThat(done.header().tlv(ProxyHeader.TYPE_CRC32C)).isNotNull();
		assertThat(done.header().uniqueId()).isNotNull();
		assertThat(new String(done.header().uniqueId(), StandardCharsets.US_ASCII)).startsWith("rawtcp-");
	}

	@Test
	void shouldReadTheSslTlvsOfATlsClient() throws Exception {
		assumeTrue(Files.isExecutable(OPENSSL),
				"openssl is not installed at " + OPENSSL + " (Debian package 'openssl'): the TLS test is skipped");
		Path pem = certificate();
		Done done = relay(InetAddress.getLoopbackAddress(), "ssl crt " + pem + " alpn h2",
				"send-proxy-v2-ssl proxy-v2-options ssl,ssl-cipher,cert-sig,cert-key,authority", true);
		ProxyHeader header = done.header();
		assertThat(header.alpn()).isEqualTo("h2");
		assertThat(header.authority()).isEqualTo("proxy.example");
		ProxyHeader.Ssl ssl = header.ssl();
		assertThat(ssl).isNotNull();
		assertThat(ssl.isTls()).isTrue();
		assertThat(ssl.hasCertificateOnConnection()).isFalse();
		assertThat(ssl.isCertificateVerified()).isFalse();
		assertThat(ssl.version()).startsWith("TLSv1.");
		assertThat(ssl.cipher()).isNotBlank();
		assertThat(ssl.signatureAlgorithm()).isNotBlank();
		assertThat(ssl.keyAlgorithm()).startsWith("RSA");
		assertThat(ssl.commonName()).isNull();
	}

	@Test
	void shouldDecodeAVersion2HealthCheckAsLocal() throws Exception {
		healthCheck("send-proxy-v2 check-send-proxy", (header, check) -> {
			assertThat(header.command()).isEqualTo(Command.LOCAL);
			assertThat(header.hasAddresses()).isFalse();
		});
	}

	@Test
	void shouldDecodeAVersion1HealthCheckAsHaproxysOwnEndpoints() throws Exception {
		// version 1 has no LOCAL: HAProxy sends its own connection's endpoints, as the specification advises
		healthCheck("send-proxy check-send-proxy", (header, check) -> {
			assertThat(header.version()).isEqualTo(1);
			assertThat(header.command()).isEqualTo(Command.PROXY);
			assertThat(header.source()).isEqualTo(check.getRemoteSocketAddress());
			assertThat(header.destination()).isEqualTo(check.getLocalSocketAddress());
		});
	}

	/** Connect through HAProxy, send a greeting, decode what the backend receives. */
	private Done relay(String serverOptions) throws Exception {
		return relay(InetAddress.getLoopbackAddress(), "", serverOptions, false);
	}

	private Done relay(InetAddress frontend, String bindOptions, String serverOptions, boolean tls) throws Exception {
		try (ServerSocket backend = backend()) {
			int frontendPort = freePort(frontend);
			Process haproxy = start(frontend, frontendPort, bindOptions, backend.getLocalPort(), serverOptions);
			try (Socket client = tls ? tls(connect(frontend, frontendPort, haproxy))
					: connect(frontend, frontendPort, haproxy)) {
				client.getOutputStream().write(GREETING);
				client.getOutputStream().flush();
				try (Socket accepted = backend.accept()) {
					accepted.setSoTimeout(30_000);
					ByteArrayOutputStream rest = new ByteArrayOutputStream();
					Done done = decode(accepted.getInputStream(), rest);
					readUntil(accepted.getInputStream(), rest, GREETING.length);
					assertThat(rest.toByteArray()).isEqualTo(GREETING);
					assertThat(done.header().command()).isEqualTo(Command.PROXY);
					assertThat(done.header().source())
						.isEqualTo(new InetSocketAddress(client.getLocalAddress(), client.getLocalPort()));
					assertThat(done.header().destination())
						.isEqualTo(new InetSocketAddress(frontend, frontendPort));
					return done;
				}
			}
			finally {
				stop(haproxy);
			}
		}
	}

	/** Let HAProxy health-check the backend and decode the header of its first check. */
	private void healthCheck(String serverOptions, BiConsumer<ProxyHeader, Socket> assertions) throws Exception {
		try (ServerSocket backend = backend()) {
			InetAddress frontend = InetAddress.getLoopbackAddress();
			Process haproxy = start(frontend, freePort(frontend), "", backend.getLocalPort(),
					serverOptions + " check inter 200ms");
			try (Socket check = backend.accept()) {
				check.setSoTimeout(30_000);
				assertions.accept(decode(check.getInputStream(), new ByteArrayOutputStream()).header(), check);
			}
			finally {
				stop(haproxy);
			}
		}
	}

	/** A self-signed certificate and its key in one PEM file, as HAProxy's {@code crt} wants. */
	private Path certificate() throws Exception {
		Path key = this.dir.resolve("key.pem");
		Path cert = this.dir.resolve("cert.pem");
		Process openssl = new ProcessBuilder(OPENSSL.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
				"-days", "1", "-subj", "/CN=proxy.example", "-keyout", key.toString(), "-out", cert.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("openssl.log").toFile())
			.start();
		assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(openssl.exitValue()).as(() -> "openssl failed: " + log("openssl.log")).isZero();
		Path pem = this.dir.resolve("server.pem");
		Files.writeString(pem, Files.readString(cert) + Files.readString(key));
		return pem;
	}

	/** TLS over a connected socket, trusting any certificate, with SNI and ALPN. */
	private static Socket tls(Socket plain) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TrustingManager() }, null);
		SSLSocket socket = (SSLSocket) context.getSocketFactory()
			.createSocket(plain, "proxy.example", plain.getPort(), true);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setServerNames(List.of(new SNIHostName("proxy.example")));
		parameters.setApplicationProtocols(new String[] { "h2" });
		socket.setSSLParameters(parameters);
		socket.setSoTimeout(30_000);
		socket.startHandshake();
		return socket;
	}

	private static ServerSocket backend() throws IOException {
		ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		backend.setSoTimeout(30_000);
		return backend;
	}

	private Process start(InetAddress frontend, int frontendPort, String bindOptions, int backendPort,
			String serverOptions) throws IOException {
		String config = String.join("\n", "global", "    maxconn 100", "defaults", "    mode tcp",
				"    timeout connect 5s", "    timeout client 30s", "    timeout server 30s", "frontend fe",
				"    bind " + frontend.getHostAddress() + ":" + frontendPort + " " + bindOptions, "    unique-id-format rawtcp-%ci:%cp", "    default_backend be",
				"backend be", "    server s1 127.0.0.1:" + backendPort + " " + serverOptions, "");
		Path file = this.dir.resolve("haproxy.cfg");
		Files.writeString(file, config);
		return new ProcessBuilder(HAPROXY.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("haproxy.log").toFile())
			.start();
	}

	/** Connect once HAProxy listens; refused attempts never reach the backend. */
	private Socket connect(InetAddress host, int port, Process haproxy) {
		AtomicReference<Socket> socket = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			assertThat(haproxy.isAlive()).as(() -> "HAProxy exited: " + log()).isTrue();
			try {
				socket.set(new Socket(host, port));
				return true;
			}
			catch (ConnectException ex) {
				return false;
			}
		});
		return socket.get();
	}

	private static Done decode(InputStream in, ByteArrayOutputStream rest) throws IOException {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		byte[] buffer = new byte[512];
		for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
			ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
			ProxyHeaderResult result = decoder.decode(chunk);
			if (result instanceof Done done) {
				rest.write(buffer, chunk.position(), chunk.remaining());
				return done;
			}
			assertThat(result.status()).as(result::toString).isEqualTo(ProxyHeaderResult.Status.NEED_MORE);
		}
		throw new AssertionError("The connection closed before a header: " + decoder.endOfStream());
	}

	private static void readUntil(InputStream in, ByteArrayOutputStream rest, int length) throws IOException {
		byte[] buffer = new byte[512];
		while (rest.size() < length) {
			int n = in.read(buffer, 0, Math.min(buffer.length, length - rest.size()));
			if (n < 0) {
				break;
			}
			rest.write(buffer, 0, n);
		}
	}

	private static boolean ipv6Loopback(InetAddress ipv6) {
		try (ServerSocket probe = new ServerSocket(0, 1, ipv6)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort(InetAddress host) throws IOException {
		try (ServerSocket probe = new ServerSocket(0, 1, host)) {
			return probe.getLocalPort();
		}
	}

	/** Stop the HAProxy this test started, by its process. */
	private static void stop(Process haproxy) throws InterruptedException {
		haproxy.destroy();
		if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
			haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private String log() {
		return log("haproxy.log");
	}

	private String log(String name) {
		try {
			return Files.readString(this.dir.resolve(name));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/** Trusts the test's self-signed certificate (and anything else): the test checks the header, not TLS. */
	private static final class TrustingManager implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
