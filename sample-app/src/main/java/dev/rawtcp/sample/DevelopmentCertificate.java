package dev.rawtcp.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Creates the localhost development certificate of listener {@code secure-echo} at first start:
 * a self-signed EC certificate for {@code CN=localhost} (DNS {@code localhost}, IP
 * {@code 127.0.0.1}), made by the JDK's {@code keytool} and written as PEM files
 * ({@code secure-echo.crt}, {@code secure-echo.key}) to the directory named by
 * {@code sample.dev-tls.directory}. Existing files are left alone, so replacing them with
 * another certificate shows the reload. Never use this certificate beyond localhost.
 */
final class DevelopmentCertificate implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	/** The property naming the directory; nothing is created when it is not set. */
	static final String DIRECTORY_PROPERTY = "sample.dev-tls.directory";

	static final String CERTIFICATE = "secure-echo.crt";

	static final String PRIVATE_KEY = "secure-echo.key";

	private static final Log logger = LogFactory.getLog(DevelopmentCertificate.class);

	private static final String PASSWORD = "development-only";

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		String directory = event.getEnvironment().getProperty(DIRECTORY_PROPERTY);
		if (directory != null) {
			createIfMissing(Path.of(directory));
		}
	}

	/**
	 * Create the certificate and key in a directory unless both exist.
	 * @param directory the directory, created if needed
	 */
	static void createIfMissing(Path directory) {
		Path certificate = directory.resolve(CERTIFICATE);
		Path privateKey = directory.resolve(PRIVATE_KEY);
		if (Files.exists(certificate) && Files.exists(privateKey)) {
			return;
		}
		try {
			Files.createDirectories(directory);
			Path keyStore = Files.createTempFile(directory, "secure-echo", ".p12");
			try {
				Files.delete(keyStore);
				keytool(keyStore);
				KeyStore.PrivateKeyEntry entry = load(keyStore);
				write(privateKey, "PRIVATE KEY", entry.getPrivateKey().getEncoded());
				write(certificate, "CERTIFICATE", entry.getCertificate().getEncoded());
			}
			finally {
				Files.deleteIfExists(keyStore);
			}
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot create the development certificate of listener secure-echo in "
					+ directory.toAbsolutePath() + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the development certificate", ex);
		}
		logger.info("Created a self-signed localhost development certificate for listener secure-echo in "
				+ directory.toAbsolutePath() + " (for local tests only; never use it elsewhere)");
	}

	private static void keytool(Path keyStore) throws IOException, InterruptedException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "secure-echo", "-keyalg",
				"EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
				"-validity", "3650", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
				"-keypass", PASSWORD, "-noprompt")
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("keytool did not finish within 60 seconds");
		}
		if (process.exitValue() != 0) {
			throw new IOException("keytool failed: " + output.strip());
		}
	}

	private static KeyStore.PrivateKeyEntry load(Path keyStore) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return (KeyStore.PrivateKeyEntry) store.getEntry("secure-echo",
				new KeyStore.PasswordProtection(PASSWORD.toCharArray()));
	}

	private static void write(Path file, String type, byte[] der) throws IOException {
		String pem = "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der) + "\n-----END " + type + "-----\n";
		Path temp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temp, pem, StandardCharsets.US_ASCII);
		try {
			Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: the directory's defaults apply
		}
		Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
