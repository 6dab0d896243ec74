package dev.rawtcp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Test certificates made once per JVM with the JDK's {@code keytool} into PKCS#12 files in a
 * temporary directory (EC, secp256r1, valid for two days): two self-signed server
 * certificates ({@code CN=localhost} and {@code CN=other.test}, for SNI), a test CA, and a
 * client certificate signed by that CA (for client authentication). Nothing is checked in.
 */
public final class TlsCertificates {

	static final String LOCALHOST = "localhost";

	static final String OTHER = "other.test";

	private static final char[] PASSWORD = "changeit".toCharArray();

	private static volatile TlsCertificates instance;

	private final Path directory;

	private final X509Certificate caCertificate;

	private TlsCertificates(Path directory) throws Exception {
		this.directory = directory;
		List<Process> keys = new ArrayList<>();
		keys.add(keytool("-genkeypair", "-alias", "server", "-dname", "CN=" + LOCALHOST, "-ext",
				"SAN=dns:" + LOCALHOST + ",ip:127.0.0.1", "-keystore", "server.p12"));
		keys.add(keytool("-genkeypair", "-alias", "server", "-dname", "CN=" + OTHER, "-ext", "SAN=dns:" + OTHER,
				"-keystore", "other.p12"));
		keys.add(keytool("-genkeypair", "-alias", "ca", "-dname", "CN=rawtcp test CA", "-ext", "bc:c", "-keystore",
				"ca.p12"));
		keys.add(keytool("-genkeypair", "-alias", "client", "-dname", "CN=test client", "-keystore", "client.p12"));
		for (Process key : keys) {
			awaitSuccess(key);
		}
		awaitSuccess(keytool("-certreq", "-alias", "client", "-keystore", "client.p12", "-file", "client.csr"));
		awaitSuccess(keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "client.csr", "-outfile",
				"client.crt", "-validity", "2"));
		this.caCertificate = (X509Certificate) load("ca.p12").getCertificate("ca");
	}

	/** @return the certificates, made on first use */
	public static TlsCertificates get() {
		TlsCertificates made = instance;
		if (made == null) {
			synchronized (TlsCertificates.class) {
				made = instance;
				if (made == null) {
					try {
						Path directory = Files.createTempDirectory("rawtcp-tls-");
						Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory)));
						made = new TlsCertificates(directory);
					}
					catch (Exception ex) {
						throw new IllegalStateException("Could not make the test certificates with keytool", ex);
					}
					instance = made;
				}
			}
		}
		return made;
	}

	private static void delete(Path directory) {
		try (java.util.stream.Stream<Path> files = Files.list(directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

	/** @return a server context for {@code CN=localhost}, trusting clients signed by the test CA */
	public SSLContext serverContext() {
		return serverContext("server.p12");
	}

	/** @return a server context for {@code CN=other.test}, trusting clients signed by the test CA */
	public SSLContext otherServerContext() {
		return serverContext("other.p12");
	}

	/**
	 * A client context trusting both server certificates.
	 * @param withCertificate whether it presents the CA-signed client certificate
	 * @return the context
	 */
	public SSLContext clientContext(boolean withCertificate) {
		try {
			KeyStore trust = emptyStore();
			trust.setCertificateEntry("server", load("server.p12").getCertificate("server"));
			trust.setCertificateEntry("other", load("other.p12").getCertificate("server"));
			KeyStore keys = emptyStore();
			if (withCertificate) {
				KeyStore client = load("client.p12");
				Certificate signed;
				try (InputStream in = Files.newInputStream(this.directory.resolve("client.crt"))) {
					signed = CertificateFactory.getInstance("X.509").generateCertificate(in);
				}
				keys.setKeyEntry("client", (PrivateKey) client.getKey("client", PASSWORD), PASSWORD,
						new Certificate[] { signed, this.caCertificate });
			}
			return context(keys, trust);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A client context that presents a certificate the servers do not trust (the self-signed
	 * {@code CN=other.test}, even though the server asks for one signed by the test CA, which
	 * a JDK client would otherwise not send).
	 * @param trustServers whether it trusts the server certificates (else only the test CA)
	 * @return the context
	 */
	public SSLContext untrustedClientContext(boolean trustServers) {
		try {
			KeyStore trust = emptyStore();
			trust.setCertificateEntry("ca", this.caCertificate);
			if (trustServers) {
				trust.setCertificateEntry("server", load("server.p12").getCertificate("server"));
			}
			KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(load("other.p12"), PASSWORD);
			X509ExtendedKeyManager keys = (X509ExtendedKeyManager) keyManagers.getKeyManagers()[0];
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trust);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(new KeyManager[] { new AnyIssuer(keys) }, trustManagers.getTrustManagers(), null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private SSLContext serverContext(String file) {
		try {
			KeyStore trust = emptyStore();
			trust.setCertificateEntry("ca", this.caCertificate);
			return context(load(file), trust);
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static SSLContext context(KeyStore keys, KeyStore trust) throws GeneralSecurityException {
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, PASSWORD);
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
		return context;
	}

	private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		return store;
	}

	private KeyStore load(String file) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(this.directory.resolve(file))) {
			store.load(in, PASSWORD);
		}
		return store;
	}

	private Process keytool(String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		if (arguments[0].equals("-genkeypair")) {
			command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-storetype", "PKCS12"));
		}
		command.addAll(List.of("-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"));
		return new ProcessBuilder(command).directory(this.directory.toFile()).redirectErrorStream(true).start();
	}

	private static void awaitSuccess(Process process) throws IOException, InterruptedException {
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("keytool did not finish in 60 s");
		}
		if (process.exitValue() != 0) {
			throw new IOException("keytool failed (" + process.exitValue() + "): " + output);
		}
	}

	/** A client key manager that offers its one key whatever issuers the server asks for. */
	private static final class AnyIssuer extends X509ExtendedKeyManager {

		private final X509ExtendedKeyManager keys;

		AnyIssuer(X509ExtendedKeyManager keys) {
			this.keys = keys;
		}

		@Override
		public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
			return "server";
		}

		@Override
		public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
			return "server";
		}

		@Override
		public String[] getClientAliases(String keyType, Principal[] issuers) {
			return new String[] { "server" };
		}

		@Override
		public String[] getServerAliases(String keyType, Principal[] issuers) {
			return this.keys.getServerAliases(keyType, issuers);
		}

		@Override
		public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
			return this.keys.chooseServerAlias(keyType, issuers, socket);
		}

		@Override
		public X509Certificate[] getCertificateChain(String alias) {
			return this.keys.getCertificateChain(alias);
		}

		@Override
		public PrivateKey getPrivateKey(String alias) {
			return this.keys.getPrivateKey(alias);
		}

	}

}
