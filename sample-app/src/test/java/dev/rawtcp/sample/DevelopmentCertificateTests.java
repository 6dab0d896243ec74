package dev.rawtcp.sample;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DevelopmentCertificate}: the localhost certificate of listener {@code secure-echo}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevelopmentCertificateTests {

	@TempDir
	Path dir;

	@Test
	void shouldCreateASelfSignedLocalhostCertificateWithItsKeyAsPemFiles() throws Exception {
		Path directory = this.dir.resolve("dev-tls");
		DevelopmentCertificate.createIfMissing(directory);
		Path certificateFile = directory.resolve(DevelopmentCertificate.CERTIFICATE);
		Path keyFile = directory.resolve(DevelopmentCertificate.PRIVATE_KEY);
		X509Certificate certificate;
		try (InputStream in = Files.newInputStream(certificateFile)) {
			certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
		assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
		assertThat(certificate.getSubjectAlternativeNames().stream().map((name) -> String.valueOf(name.get(1))))
			.containsExactlyInAnyOrder("localhost", "127.0.0.1");
		assertThat(Files.readString(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----");
		// Spring Boot reads the pair as the sample's bundle does
		SslBundle bundle = SslBundle.of(new PemSslStoreBundle(
				PemSslStoreDetails.forCertificate(certificateFile.toUri().toString())
					.withPrivateKey(keyFile.toUri().toString()),
				null));
		assertThat(bundle.createSslContext()).isNotNull();
		assertThat(List.of(bundle.getStores().getKeyStore().getCertificate("ssl"))).containsExactly(certificate);
	}

	@Test
	void shouldLeaveExistingFilesAlone() throws Exception {
		DevelopmentCertificate.createIfMissing(this.dir);
		byte[] certificate = Files.readAllBytes(this.dir.resolve(DevelopmentCertificate.CERTIFICATE));
		byte[] key = Files.readAllBytes(this.dir.resolve(DevelopmentCertificate.PRIVATE_KEY));
		DevelopmentCertificate.createIfMissing(this.dir);
		assertThat(this.dir.resolve(DevelopmentCertificate.CERTIFICATE)).hasBinaryContent(certificate);
		assertThat(this.dir.resolve(DevelopmentCertificate.PRIVATE_KEY)).hasBinaryContent(key);
	}

}
