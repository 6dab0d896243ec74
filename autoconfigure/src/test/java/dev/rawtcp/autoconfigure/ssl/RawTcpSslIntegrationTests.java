package dev.rawtcp.autoconfigure.ssl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rawtcp.Listener;
import dev.rawtcp.TlsInfo;
import dev.rawtcp.autoconfigure.InvalidRawTcpConfigurationException;
import dev.rawtcp.autoconfigure.RawTcpAutoConfiguration;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.autoconfigure.TestHandlers.EchoHandlerConfiguration;
import dev.rawtcp.autoconfigure.TestHandlers.StreamHandlerConfiguration;
import dev.rawtcp.autoconfigure.UnknownSslBundleException;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.ConnectionDescriptor;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.ListenerDescriptor;
import dev.rawtcp.autoconfigure.endpoint.RawTcpEndpoint.TlsDescriptor;
import dev.rawtcp.autoconfigure.metrics.RawTcpMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS listeners configured from Spring Boot SSL bundles, in real contexts on real loopback
 * sockets, with the JDK's {@link SSLSocket} and {@code openssl s_client} as clients: PKCS#12
 * and PEM bundles, both modes, both transports, client authentication, SNI, the bundle
 * reloaded while serving, the meters and the endpoint. Certificates are made by
 * {@code keytool} at test time, so only the {@code openssl} checks can be skipped (saying so).
 */
@Timeout(120)
class RawTcpSslIntegrationTests {

	private static final byte[] LINE = "hello over tls\n".getBytes(StandardCharsets.US_ASCII);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RawTcpAutoConfiguration.class,
				RawTcpMetricsAutoConfiguration.class))
		.withUserConfiguration(MeterRegistryConfiguration.class)
		.withPropertyValues("rawtcp.event-loop.threads=1", "rawtcp.host=127.0.0.1",
				"rawtcp.shutdown.grace-period=500ms");

	private final List<Socket> clients = new ArrayList<>();

	@TempDir
	Path dir;

	@AfterEach
	void closeClients() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
	}

	@Test
	void shouldEchoOverTls13FromAPkcs12BundleAndShowItInMetricsAndEndpoint() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		X509Certificate served = TestCertificates.certificate(keyStore);
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=server")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SSLSocket client = connect(port(context, "secure"), "TLSv1.3", null, null);
				assertEchoes(client);
				assertEchoesByteExact(client, 4 * 1024 * 1024);
				assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
				assertThat(peer(client).getSerialNumber()).isEqualTo(served.getSerialNumber());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(handshakes(registry, "secure", "success", "none")).isEqualTo(1));
				assertThat(registry.get("rawtcp.tls.handshake.time").tag("listener", "secure").functionTimer().count())
					.isEqualTo(1);
				assertThat(registry.get("rawtcp.tls.reloads").tags("listener", "secure", "bundle", "server")
					.functionCounter().count()).isZero();
				ListenerDescriptor listener = new RawTcpEndpoint(context.getBean(RawTcpServer.class))
					.listener("secure");
				TlsDescriptor tls = listener.tls();
				assertThat(tls).isNotNull();
				assertThat(tls.bundle()).isEqualTo("server");
				assertThat(tls.clientAuth()).isEqualTo("none");
				assertThat(tls.handshakeTimeoutMillis()).isEqualTo(10_000);
				assertThat(tls.protocols()).contains("TLSv1.3");
				assertThat(tls.bundles().get("server").certificate().subject()).isEqualTo("CN=localhost");
				assertThat(tls.bundles().get("server").certificate().serialNumber())
					.isEqualTo(served.getSerialNumber().toString(16));
				assertThat(tls.bundles().get("server").certificate().notAfter())
					.isEqualTo(served.getNotAfter().toInstant().toString());
				assertThat(tls.handshakes().succeeded()).isEqualTo(1);
				ConnectionDescriptor connection = listener.connections().get(0);
				assertThat(connection.tlsProtocol()).isEqualTo("TLSv1.3");
				assertThat(connection.tlsCipherSuite()).isEqualTo(client.getSession().getCipherSuite());
			});
	}

	@Test
	void shouldEchoOverTls12FromAPemBundleToAThreadPerConnectionHandler() throws Exception {
		X509Certificate served = TestCertificates.pem(this.dir.resolve("cert.pem"), this.dir.resolve("key.pem"),
				"localhost");
		this.runner.withUserConfiguration(StreamHandlerConfiguration.class)
			.withPropertyValues(pemBundle("server"))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.ssl.bundle=server",
					"rawtcp.listeners.secure.mode=thread-per-connection")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SSLSocket client = connect(port(context, "secure"), "TLSv1.2", null, null);
				assertEchoes(client);
				assertEchoesByteExact(client, 4 * 1024 * 1024);
				assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.2");
				assertThat(peer(client).getSerialNumber()).isEqualTo(served.getSerialNumber());
			});
	}

	@Test
	void shouldEchoOverTlsOnTheNioTransportInBothModes() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class, StreamHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("rawtcp.transport=nio", "rawtcp.ssl.bundle=server", "rawtcp.listeners.loop.port=0",
					"rawtcp.listeners.loop.handler=echoHandler", "rawtcp.listeners.threads.port=0",
					"rawtcp.listeners.threads.handler=streamHandler")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				for (String listener : List.of("loop", "threads")) {
					SSLSocket client = connect(port(context, listener), "TLSv1.3", null, null);
					assertEchoes(client);
					assertEchoesByteExact(client, 1024 * 1024);
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(handshakes(registry, "loop", "success", "none")).isEqualTo(1);
					assertThat(handshakes(registry, "threads", "success", "none")).isEqualTo(1);
				});
			});
	}

	@Test
	void shouldEchoToOpensslSClientOverTls12AndTls13() throws Exception {
		assumeTrue(OpensslClient.isAvailable(), OpensslClient.MISSING);
		TestCertificates.pem(this.dir.resolve("cert.pem"), this.dir.resolve("key.pem"), "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pemBundle("server"))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=server")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				assertThat(OpensslClient.echo(port, "over tls 1.3", "-tls1_3")).isEqualTo("over tls 1.3");
				assertThat(OpensslClient.echo(port, "over tls 1.2", "-tls1_2")).isEqualTo("over tls 1.2");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(handshakes(registry, "secure", "success", "none")).isEqualTo(2));
			});
	}

	@Test
	void shouldRefuseOpensslSClientWithoutAClientCertificateAndServeItWithOne() throws Exception {
		assumeTrue(OpensslClient.isAvailable(), OpensslClient.MISSING);
		TestCertificates.pem(this.dir.resolve("cert.pem"), this.dir.resolve("key.pem"), "localhost");
		Path clientCertificate = this.dir.resolve("client.pem");
		Path clientKey = this.dir.resolve("client-key.pem");
		TestCertificates.pem(clientCertificate, clientKey, "client");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pemBundle("server"))
			.withPropertyValues("spring.ssl.bundle.pem.server.truststore.certificate=" + clientCertificate.toUri(),
					"rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=server",
					"rawtcp.listeners.secure.ssl.client-auth=need")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				assertThat(OpensslClient.echo(port, "no certificate", "-tls1_3")).isNull();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(handshakes(registry, "secure", "failure", "client-auth")).isEqualTo(1));
				assertThat(OpensslClient.echo(port, "with a certificate", "-tls1_2", "-cert", clientCertificate.toString(),
						"-key", clientKey.toString())).isEqualTo("with a certificate");
			});
	}

	@Test
	void shouldChooseTheBundleByTheServerNameOpensslSClientSends() throws Exception {
		assumeTrue(OpensslClient.isAvailable(), OpensslClient.MISSING);
		Path alpha = TestCertificates.pkcs12(this.dir.resolve("alpha.p12"), "alpha.test");
		Path beta = TestCertificates.pkcs12(this.dir.resolve("beta.p12"), "beta.test");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("alpha", alpha))
			.withPropertyValues(pkcs12Bundle("beta", beta))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.ssl.bundle=alpha",
					"rawtcp.ssl.server-name-bundles[0].server-name=beta.test",
					"rawtcp.ssl.server-name-bundles[0].bundle=beta")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				assertThat(OpensslClient.serverCertificate(port, "-servername", "beta.test")
					.getSubjectX500Principal()
					.getName()).isEqualTo("CN=beta.test");
				assertThat(OpensslClient.serverCertificate(port).getSubjectX500Principal().getName())
					.isEqualTo("CN=alpha.test");
			});
	}

	@Test
	void shouldFailStartupNamingTheListenerAndTheBundleWhenTheBundleIsUnknown() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=sever")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(UnknownSslBundleException.class)
				.hasMessageContaining("listener 'secure'")
				.hasMessageContaining("'rawtcp.listeners.secure.ssl.bundle'")
				.hasMessageContaining("SSL bundle 'sever'")
				.hasMessageContaining("(bundles: server)"));
	}

	@Test
	void shouldFailTheHandshakeAndCountItAsClientAuthWhenAClientSendsNoCertificate() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		Path clientKeyStore = TestCertificates.pkcs12(this.dir.resolve("client.p12"), "client");
		Path trustStore = TestCertificates.trustStore(this.dir.resolve("trust.p12"),
				List.of(TestCertificates.certificate(clientKeyStore)));
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("spring.ssl.bundle.jks.server.truststore.location=" + trustStore.toUri(),
					"spring.ssl.bundle.jks.server.truststore.password=" + TestCertificates.PASSWORD,
					"spring.ssl.bundle.jks.server.truststore.type=PKCS12")
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.ssl.bundle=server",
					"rawtcp.ssl.client-auth=need")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				Throwable failure = catchThrowable(() -> {
					SSLSocket client = connect(port, "TLSv1.3", null, null);
					assertEchoes(client);
				});
				assertThat(failure).as("a client without a certificate is refused").isInstanceOf(IOException.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(handshakes(registry, "secure", "failure", "client-auth")).isEqualTo(1));
				SSLSocket trusted = connect(port, "TLSv1.3", null, TestCertificates.keyManagers(clientKeyStore));
				assertEchoes(trusted);
				Listener listener = context.getBean(RawTcpServer.class).getListener("secure").orElseThrow();
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listener.connections(10))
					.anySatisfy((info) -> assertThat(info.tls()).isNotNull()
						.extracting(TlsInfo::peerCertificates)
						.satisfies((chain) -> assertThat(((X509Certificate) chain.get(0)).getSubjectX500Principal()
							.getName()).isEqualTo("CN=client"))));
				assertThat(new RawTcpEndpoint(context.getBean(RawTcpServer.class)).listener("secure").tls()
					.clientAuth()).isEqualTo("need");
			});
	}

	@Test
	void shouldChooseTheBundleByTheHostNameTheClientAsksFor() throws Exception {
		Path alpha = TestCertificates.pkcs12(this.dir.resolve("alpha.p12"), "alpha.test");
		Path beta = TestCertificates.pkcs12(this.dir.resolve("beta.p12"), "beta.test");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("alpha", alpha))
			.withPropertyValues(pkcs12Bundle("beta", beta))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=alpha",
					"rawtcp.listeners.secure.ssl.server-name-bundles[0].server-name=Beta.Test",
					"rawtcp.listeners.secure.ssl.server-name-bundles[0].bundle=beta")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				SSLSocket toBeta = connect(port, "TLSv1.3", "beta.test", null);
				assertEchoes(toBeta);
				assertThat(peer(toBeta).getSubjectX500Principal().getName()).isEqualTo("CN=beta.test");
				SSLSocket unnamed = connect(port, "TLSv1.3", null, null);
				assertEchoes(unnamed);
				assertThat(peer(unnamed).getSubjectX500Principal().getName()).isEqualTo("CN=alpha.test");
				SSLSocket toOther = connect(port, "TLSv1.2", "gamma.test", null);
				assertEchoes(toOther);
				assertThat(peer(toOther).getSubjectX500Principal().getName()).isEqualTo("CN=alpha.test");
				TlsDescriptor tls = new RawTcpEndpoint(context.getBean(RawTcpServer.class)).listener("secure").tls();
				assertThat(tls.serverNameBundles()).isEqualTo(Map.of("beta.test", "beta"));
				assertThat(tls.bundles()).containsOnlyKeys("alpha", "beta");
			});
	}

	@Test
	void shouldServeTheNewCertificateAfterThePemFilesChangeWhileOpenConnectionsKeepTheirs() throws Exception {
		Path certificate = this.dir.resolve("cert.pem");
		Path privateKey = this.dir.resolve("key.pem");
		X509Certificate first = TestCertificates.pem(certificate, privateKey, "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pemBundle("server"))
			.withPropertyValues("spring.ssl.bundle.pem.server.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=200ms", "rawtcp.listeners.secure.port=0",
					"rawtcp.listeners.secure.ssl.bundle=server")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				SSLSocket old = connect(port, "TLSv1.3", null, null);
				assertEchoes(old);
				assertThat(peer(old).getSerialNumber()).isEqualTo(first.getSerialNumber());
				X509Certificate second = TestCertificates.pem(certificate, privateKey, "localhost");
				assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
					try (SSLSocket fresh = connect(port, "TLSv1.3", null, null)) {
						assertThat(peer(fresh).getSerialNumber()).isEqualTo(second.getSerialNumber());
					}
				});
				assertEchoes(old);
				assertThat(peer(old).getSerialNumber()).isEqualTo(first.getSerialNumber());
				if (OpensslClient.isAvailable()) {
					assertThat(OpensslClient.serverCertificate(port).getSerialNumber())
						.as("the serial openssl s_client sees").isEqualTo(second.getSerialNumber());
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("rawtcp.tls.reloads").tags("listener", "secure", "bundle", "server")
					.functionCounter().count()).isGreaterThanOrEqualTo(1);
				assertThat(new RawTcpEndpoint(context.getBean(RawTcpServer.class)).listener("secure").tls()
					.bundles().get("server").certificate().serialNumber())
					.isEqualTo(second.getSerialNumber().toString(16));
			});
	}

	@Test
	void shouldKeepTheLastGoodCertificateWhenTheNewFilesCannotBeUsed() throws Exception {
		Path certificate = this.dir.resolve("cert.pem");
		Path privateKey = this.dir.resolve("key.pem");
		X509Certificate first = TestCertificates.pem(certificate, privateKey, "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pemBundle("server"))
			.withPropertyValues("spring.ssl.bundle.pem.server.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=200ms", "rawtcp.listeners.secure.port=0",
					"rawtcp.listeners.secure.ssl.bundle=server")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				// a new certificate whose key went elsewhere: the old key no longer fits it
				TestCertificates.pem(certificate, this.dir.resolve("other-key.pem"), "localhost");
				RawTcpEndpoint endpoint = new RawTcpEndpoint(context.getBean(RawTcpServer.class));
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(() -> assertThat(endpoint.listener("secure").tls().bundles().get("server")
						.failedReloads()).isPositive());
				assertThat(endpoint.listener("secure").tls().bundles().get("server").lastReloadFailure())
					.contains("does not belong to the certificate");
				try (SSLSocket fresh = connect(port, "TLSv1.3", null, null)) {
					assertEchoes(fresh);
					assertThat(peer(fresh).getSerialNumber()).isEqualTo(first.getSerialNumber());
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("rawtcp.tls.reloads").tags("listener", "secure", "bundle", "server")
					.functionCounter().count()).isZero();
			});
	}

	@Test
	void shouldCountAStalledHandshakeAsTimeoutAndPlaintextAsProtocol() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=server",
					"rawtcp.listeners.secure.ssl.handshake-timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = port(context, "secure");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				Socket silent = new Socket("127.0.0.1", port);
				this.clients.add(silent);
				silent.setSoTimeout(30_000);
				assertThat(catchThrowable(() -> assertThat(silent.getInputStream().read()).isEqualTo(-1)))
					.as("closed at the time-out, by FIN or by reset")
					.satisfiesAnyOf((thrown) -> assertThat(thrown).isNull(),
							(thrown) -> assertThat(thrown).isInstanceOf(java.net.SocketException.class));
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(handshakes(registry, "secure", "failure", "timeout")).isEqualTo(1));
				Socket plaintext = new Socket("127.0.0.1", port);
				this.clients.add(plaintext);
				plaintext.setSoTimeout(30_000);
				plaintext.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(handshakes(registry, "secure", "failure", "protocol")).isEqualTo(1));
				assertThat(handshakes(registry, "secure", "success", "none")).isZero();
			});
	}

	@Test
	void shouldRefuseClientAuthWhenTheBundleHasNoTrustStore() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=server",
					"rawtcp.listeners.secure.ssl.client-auth=want")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidRawTcpConfigurationException.class)
				.hasMessageContaining("rawtcp.listeners.secure.ssl.client-auth")
				.hasMessageContaining("no trust store"));
	}

	@Test
	void shouldRefuseANonPositiveHandshakeTimeoutNamingTheProperty() {
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.ssl.handshake-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidRawTcpConfigurationException.class)
				.hasMessageContaining("rawtcp.ssl.handshake-timeout"));
	}

	@Test
	void shouldRefuseAServerNameEntryWithoutItsHostOrListedTwiceNamingTheEntry() {
		ApplicationContextRunner runner = this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.secure.port=0", "rawtcp.listeners.secure.ssl.bundle=server");
		runner.withPropertyValues("rawtcp.listeners.secure.ssl.server-name-bundles[0].bundle=server")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidRawTcpConfigurationException.class)
				.hasMessageContaining("rawtcp.listeners.secure.ssl.server-name-bundles[0].server-name"));
		runner.withPropertyValues("rawtcp.listeners.secure.ssl.server-name-bundles[0].server-name=a.test",
				"rawtcp.listeners.secure.ssl.server-name-bundles[0].bundle=server",
				"rawtcp.listeners.secure.ssl.server-name-bundles[1].server-name=A.test",
				"rawtcp.listeners.secure.ssl.server-name-bundles[1].bundle=server")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidRawTcpConfigurationException.class)
				.hasMessageContaining("rawtcp.listeners.secure.ssl.server-name-bundles[1].server-name")
				.hasMessageContaining("listed twice"));
	}

	@Test
	void shouldRefuseClientAuthOnAPlaintextListenerNamingTheProperty() {
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues("rawtcp.listeners.plain.port=0", "rawtcp.listeners.plain.ssl.client-auth=need")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidRawTcpConfigurationException.class)
				.hasMessageContaining("rawtcp.listeners.plain.ssl.client-auth")
				.hasMessageContaining("needs ssl.bundle"));
	}

	@Test
	void shouldServePlaintextOnAListenerWhoseBundleIsBlankWhileTheOthersServeTls() throws Exception {
		Path keyStore = TestCertificates.pkcs12(this.dir.resolve("server.p12"), "localhost");
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class)
			.withPropertyValues(pkcs12Bundle("server", keyStore))
			.withPropertyValues("rawtcp.ssl.bundle=server", "rawtcp.listeners.secure.port=0",
					"rawtcp.listeners.plain.port=0", "rawtcp.listeners.plain.ssl.bundle=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RawTcpServer server = context.getBean(RawTcpServer.class);
				assertThat(server.getListener("secure").orElseThrow().config().tls()).isNotNull();
				assertThat(server.getListener("plain").orElseThrow().config().tls()).isNull();
				Socket plain = new Socket("127.0.0.1", port(context, "plain"));
				this.clients.add(plain);
				plain.setSoTimeout(10_000);
				assertEchoes(plain);
				assertThat(context.getBean(MeterRegistry.class).find("rawtcp.tls.handshakes")
					.tag("listener", "plain")
					.functionCounters()).isEmpty();
			});
	}

	private static String[] pkcs12Bundle(String name, Path keyStore) {
		String prefix = "spring.ssl.bundle.jks." + name + ".";
		return new String[] { prefix + "keystore.location=" + keyStore.toUri(),
				prefix + "keystore.password=" + TestCertificates.PASSWORD, prefix + "keystore.type=PKCS12" };
	}

	private String[] pemBundle(String name) {
		String prefix = "spring.ssl.bundle.pem." + name + ".";
		return new String[] { prefix + "keystore.certificate=" + this.dir.resolve("cert.pem").toUri(),
				prefix + "keystore.private-key=" + this.dir.resolve("key.pem").toUri() };
	}

	private static int port(AssertableApplicationContext context, String listener) {
		return context.getBean(RawTcpServer.class).getListener(listener).orElseThrow().port();
	}

	private static double handshakes(MeterRegistry registry, String listener, String result, String reason) {
		return registry.get("rawtcp.tls.handshakes")
			.tags("listener", listener, "result", result, "reason", reason)
			.functionCounter()
			.count();
	}

	private static X509Certificate peer(SSLSocket socket) throws IOException {
		return (X509Certificate) socket.getSession().getPeerCertificates()[0];
	}

	private SSLSocket connect(int port, String protocol, @Nullable String serverName, KeyManager @Nullable [] keys)
			throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys, new TrustManager[] { new TrustAll() }, new SecureRandom());
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
		this.clients.add(socket);
		socket.setSoTimeout(10_000);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setProtocols(new String[] { protocol });
		if (serverName != null) {
			parameters.setServerNames(List.of(new SNIHostName(serverName)));
		}
		socket.setSSLParameters(parameters);
		socket.startHandshake();
		return socket;
	}

	private static void assertEchoes(Socket socket) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(LINE);
		out.flush();
		InputStream in = socket.getInputStream();
		byte[] echoed = new byte[LINE.length];
		int read = 0;
		while (read < echoed.length) {
			int n = in.read(echoed, read, echoed.length - read);
			if (n < 0) {
				throw new IOException("end of stream after " + read + " bytes");
			}
			read += n;
		}
		assertThat(echoed).isEqualTo(LINE);
	}

	/**
	 * Send random bytes while reading them back: a client that only wrote would fill both
	 * directions' buffers and stall.
	 */
	private static void assertEchoesByteExact(Socket socket, int length) throws Exception {
		byte[] payload = new byte[length];
		new java.util.Random(length).nextBytes(payload);
		java.util.concurrent.CompletableFuture<Void> writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
			try {
				OutputStream out = socket.getOutputStream();
				for (int offset = 0; offset < length; offset += 16 * 1024) {
					out.write(payload, offset, Math.min(16 * 1024, length - offset));
				}
				out.flush();
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		});
		byte[] echoed = new byte[length];
		InputStream in = socket.getInputStream();
		int read = 0;
		while (read < length) {
			int n = in.read(echoed, read, length - read);
			if (n < 0) {
				throw new IOException("end of stream after " + read + " of " + length + " bytes");
			}
			read += n;
		}
		writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(java.util.Arrays.mismatch(echoed, payload)).as("first differing byte").isEqualTo(-1);
	}

	/**
	 * Trusts every server: the tests check the certificate they were given themselves.
	 */
	private static final class TrustAll implements X509TrustManager {

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

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
