package dev.rawtcp.sample;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Listener {@code secure-echo}: the echo over TLS with the development certificate the sample
 * creates at first start, as the README's {@code openssl s_client} shows it.
 */
class SecureEchoTests extends SampleAppTestSupport {

	private static final Path CERTIFICATE = Path.of("target/test-dev-tls", DevelopmentCertificate.CERTIFICATE);

	@Test
	void shouldEchoOverTls13ToAClientThatVerifiesTheDevelopmentCertificateForLocalhost() throws Exception {
		X509Certificate certificate;
		try (InputStream in = Files.newInputStream(CERTIFICATE)) {
			certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("secure-echo", certificate);
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLSv1.3");
		context.init(null, trust.getTrustManagers(), null);
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", this.secureEchoPort)) {
			socket.setSoTimeout(10_000);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			OutputStream out = socket.getOutputStream();
			out.write("hello over tls\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			assertThat(in.readLine()).isEqualTo("hello over tls");
			assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
		}
		String listener = get("/actuator/rawtcp/secure-echo");
		assertThat((String) JsonPath.read(listener, "$.tls.bundle")).isEqualTo("secure-echo");
		assertThat((String) JsonPath.read(listener, "$.tls.bundles.secure-echo.certificate.serialNumber"))
			.isEqualTo(certificate.getSerialNumber().toString(16));
		assertThat(scrape().names()).contains("rawtcp_tls_handshakes_total", "rawtcp_tls_handshake_time_seconds_count",
				"rawtcp_tls_reloads_total");
	}

	@Test
	void shouldEchoALineToOpensslSClientAsTheReadmeShows() throws Exception {
		assumeTrue(openssl(), "openssl is not installed (Debian: apt-get install openssl): "
				+ "the openssl s_client check of the README is skipped");
		Process process = new ProcessBuilder("openssl", "s_client", "-connect", "localhost:" + this.secureEchoPort,
				"-quiet", "-verify_return_error", "-CAfile", CERTIFICATE.toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			OutputStream stdin = process.getOutputStream();
			stdin.write("hello from openssl\n".getBytes(StandardCharsets.US_ASCII));
			stdin.flush();
			BufferedReader stdout = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
			String line = CompletableFuture.supplyAsync(() -> {
				try {
					return stdout.readLine();
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}).get(20, TimeUnit.SECONDS);
			assertThat(line).isEqualTo("hello from openssl");
		}
		finally {
			process.destroy();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	private static boolean openssl() {
		try {
			Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (java.io.IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
