package dev.rawtcp.autoconfigure.ssl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * Certificates made at test time with the JDK's {@code keytool} (in every JDK, so these tests
 * never skip): a self-signed EC key pair in a PKCS#12 file, written out as PEM files too.
 */
final class TestCertificates {

	static final String PASSWORD = "secret";

	static final String ALIAS = "rawtcp";

	private TestCertificates() {
	}

	/**
	 * Make a self-signed certificate with a new key and a new random serial number.
	 * @param file the PKCS#12 file to write (replaced if it exists)
	 * @param commonName the subject's CN, also its DNS name
	 * @return the file
	 * @throws Exception if keytool fails
	 */
	static Path pkcs12(Path file, String commonName) throws Exception {
		Path temp = file.resolveSibling(file.getFileName() + ".new");
		Files.deleteIfExists(temp);
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
				"-groupname", "secp256r1", "-dname", "CN=" + commonName, "-ext",
				"SAN=dns:" + commonName + ",ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12", "-keystore",
				temp.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt")
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException("keytool failed: " + output);
		}
		Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
		return file;
	}

	/**
	 * Make a certificate and write it as PEM: the certificate and its PKCS#8 private key. The
	 * key is written first, each file by an atomic move.
	 * @param certificate the certificate file
	 * @param privateKey the key file
	 * @param commonName the subject's CN
	 * @return the certificate
	 * @throws Exception if keytool fails
	 */
	static X509Certificate pem(Path certificate, Path privateKey, String commonName) throws Exception {
		Path p12 = pkcs12(certificate.resolveSibling(certificate.getFileName() + ".p12"), commonName);
		KeyStore store = load(p12);
		KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) store.getEntry(ALIAS,
				new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
		write(privateKey, "PRIVATE KEY", entry.getPrivateKey().getEncoded());
		write(certificate, "CERTIFICATE", entry.getCertificate().getEncoded());
		Files.delete(p12);
		return (X509Certificate) entry.getCertificate();
	}

	/**
	 * A PKCS#12 trust store holding certificates.
	 * @param file the file to write
	 * @param certificates the trusted certificates
	 * @return the file
	 * @throws Exception if it cannot be written
	 */
	static Path trustStore(Path file, List<X509Certificate> certificates) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		for (int i = 0; i < certificates.size(); i++) {
			store.setCertificateEntry("trusted-" + i, certificates.get(i));
		}
		try (OutputStream out = Files.newOutputStream(file)) {
			store.store(out, PASSWORD.toCharArray());
		}
		return file;
	}

	static X509Certificate certificate(Path pkcs12) throws Exception {
		return (X509Certificate) load(pkcs12).getCertificate(ALIAS);
	}

	static KeyManager[] keyManagers(Path pkcs12) throws Exception {
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(load(pkcs12), PASSWORD.toCharArray());
		return factory.getKeyManagers();
	}

	private static KeyStore load(Path pkcs12) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(pkcs12)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	private static void write(Path file, String type, byte[] der) throws IOException {
		String pem = "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der) + "\n-----END " + type + "-----\n";
		Path temp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temp, pem, StandardCharsets.US_ASCII);
		Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
