package dev.rawtcp.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509KeyManager;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * One Spring Boot SSL bundle as rawtcp listeners serve it: the {@link SSLContext} made from
 * its last good version, replaced when the bundle is updated ({@code reload-on-update}). A
 * version whose context cannot be made, or whose private key does not fit its certificate,
 * is refused with a WARN: the last good one stays in use. Each engine gets the bundle's
 * enabled protocols and cipher suites.
 */
public final class ReloadableSslBundle {

	private static final Log logger = LogFactory.getLog(ReloadableSslBundle.class);

	private final String name;

	private final Set<String> listeners = new CopyOnWriteArraySet<>();

	private final AtomicLong reloads = new AtomicLong();

	private final AtomicLong failedReloads = new AtomicLong();

	private volatile @Nullable String lastReloadFailure;

	private volatile Loaded loaded;

	/**
	 * Load a bundle.
	 * @param name the bundle's name
	 * @param bundle the bundle
	 * @throws IllegalStateException if no context can be made from it
	 */
	ReloadableSslBundle(String name, SslBundle bundle) {
		this.name = name;
		this.loaded = load(bundle);
	}

	/**
	 * Take an updated version of the bundle; keep the current one if it cannot be used.
	 * @param bundle the new version
	 */
	void reload(SslBundle bundle) {
		Loaded next;
		try {
			next = load(bundle);
		}
		catch (RuntimeException ex) {
			this.lastReloadFailure = String.valueOf(ex.getMessage());
			this.failedReloads.incrementAndGet();
			logger.warn("rawtcp: SSL bundle '" + this.name + "' was updated, but the update cannot be used ("
					+ ex.getMessage() + "); listener(s) " + this.listeners + " keep serving the certificate "
					+ describe(this.loaded.certificate()), ex);
			return;
		}
		this.loaded = next;
		this.reloads.incrementAndGet();
		logger.info("rawtcp: SSL bundle '" + this.name + "' reloaded; new connections of listener(s) "
				+ this.listeners + " get the certificate " + describe(next.certificate())
				+ ", open ones keep theirs");
	}

	void addListener(String listenerName) {
		this.listeners.add(listenerName);
	}

	/**
	 * Make an engine from the current context, with the bundle's protocols and cipher suites.
	 * @return a new engine
	 */
	SSLEngine createEngine() {
		Loaded current = this.loaded;
		SSLEngine engine = current.context().createSSLEngine();
		SslOptions options = current.bundle().getOptions();
		if (options.getEnabledProtocols() != null) {
			engine.setEnabledProtocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			engine.setEnabledCipherSuites(options.getCiphers());
		}
		return engine;
	}

	/**
	 * The bundle's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The listeners serving this bundle.
	 * @return their names
	 */
	public Set<String> getListeners() {
		return Collections.unmodifiableSet(this.listeners);
	}

	/**
	 * The version of the bundle in use: the last one that loaded.
	 * @return the bundle
	 */
	public SslBundle getBundle() {
		return this.loaded.bundle();
	}

	/**
	 * The certificate of the bundle's key, as served now.
	 * @return the certificate, or {@code null} if the key store holds none that can be read
	 */
	public @Nullable X509Certificate getCertificate() {
		return this.loaded.certificate();
	}

	/**
	 * When the version in use was loaded.
	 * @return the time
	 */
	public Instant getLoadedAt() {
		return this.loaded.loadedAt();
	}

	/**
	 * The protocols a new engine enables: the bundle's, else the JDK's defaults.
	 * @return the protocols
	 */
	public List<String> getProtocols() {
		SslOptions options = this.loaded.bundle().getOptions();
		String[] protocols = (options.getEnabledProtocols() != null) ? options.getEnabledProtocols()
				: this.loaded.context().getDefaultSSLParameters().getProtocols();
		return List.of(protocols);
	}

	/**
	 * The cipher suites a new engine enables: the bundle's, else the JDK's defaults.
	 * @return the cipher suites
	 */
	public List<String> getCipherSuites() {
		SslOptions options = this.loaded.bundle().getOptions();
		String[] ciphers = (options.getCiphers() != null) ? options.getCiphers()
				: this.loaded.context().getDefaultSSLParameters().getCipherSuites();
		return List.of(ciphers);
	}

	/**
	 * How often the bundle was reloaded since startup.
	 * @return the successful reloads
	 */
	public long getReloads() {
		return this.reloads.get();
	}

	/**
	 * How often an update of the bundle was refused since startup.
	 * @return the refused updates
	 */
	public long getFailedReloads() {
		return this.failedReloads.get();
	}

	/**
	 * Why the last refused update was refused.
	 * @return the reason, or {@code null} if none was
	 */
	public @Nullable String getLastReloadFailure() {
		return this.lastReloadFailure;
	}

	private static Loaded load(SslBundle bundle) {
		SSLContext context = bundle.createSslContext();
		X509Certificate certificate = certificate(bundle);
		checkKeyFitsCertificate(bundle, certificate);
		return new Loaded(bundle, context, certificate, Instant.now());
	}

	private static @Nullable X509Certificate certificate(SslBundle bundle) {
		KeyStore store = bundle.getStores().getKeyStore();
		if (store == null) {
			return null;
		}
		try {
			String alias = keyAlias(bundle, store);
			Certificate certificate = (alias != null) ? store.getCertificate(alias) : null;
			return (certificate instanceof X509Certificate x509) ? x509 : null;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot read the key store: " + ex.getMessage(), ex);
		}
	}

	private static @Nullable String keyAlias(SslBundle bundle, KeyStore store) throws GeneralSecurityException {
		String alias = bundle.getKey().getAlias();
		if (alias != null) {
			return alias;
		}
		for (String candidate : Collections.list(store.aliases())) {
			if (store.isKeyEntry(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Sign with the private key and verify with the certificate: files replaced one at a time
	 * can pair a new certificate with the old key, which would fail every handshake.
	 */
	private static void checkKeyFitsCertificate(SslBundle bundle, @Nullable X509Certificate certificate) {
		if (certificate == null) {
			return;
		}
		PrivateKey key = privateKey(bundle, certificate);
		String algorithm = (key != null) ? signatureAlgorithm(key.getAlgorithm()) : null;
		if (key == null || algorithm == null) {
			return;
		}
		try {
			byte[] probe = "rawtcp key check".getBytes(StandardCharsets.US_ASCII);
			Signature signer = Signature.getInstance(algorithm);
			signer.initSign(key);
			signer.update(probe);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance(algorithm);
			verifier.initVerify(certificate.getPublicKey());
			verifier.update(probe);
			if (!verifier.verify(signature)) {
				throw new IllegalStateException("the private key does not belong to the certificate "
						+ describe(certificate));
			}
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("the private key does not fit the certificate " + describe(certificate)
					+ ": " + ex.getMessage(), ex);
		}
	}

	private static @Nullable PrivateKey privateKey(SslBundle bundle, X509Certificate certificate) {
		for (KeyManager manager : bundle.getManagers().getKeyManagers()) {
			if (manager instanceof X509KeyManager x509) {
				String[] aliases = x509.getServerAliases(certificate.getPublicKey().getAlgorithm(), null);
				for (String alias : (aliases != null) ? aliases : new String[0]) {
					X509Certificate[] chain = x509.getCertificateChain(alias);
					if (chain != null && chain.length > 0 && chain[0].equals(certificate)) {
						return x509.getPrivateKey(alias);
					}
				}
			}
		}
		return null;
	}

	private static @Nullable String signatureAlgorithm(String keyAlgorithm) {
		return switch (keyAlgorithm) {
			case "RSA" -> "SHA256withRSA";
			case "EC" -> "SHA256withECDSA";
			case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
			default -> null;
		};
	}

	/**
	 * A certificate in one line, for the log.
	 * @param certificate the certificate
	 * @return its subject, serial number (hexadecimal) and expiry
	 */
	static String describe(@Nullable X509Certificate certificate) {
		if (certificate == null) {
			return "(none)";
		}
		return "'" + certificate.getSubjectX500Principal().getName() + "' (serial "
				+ certificate.getSerialNumber().toString(16) + ", valid until " + certificate.getNotAfter().toInstant()
				+ ")";
	}

	@Override
	public String toString() {
		return "ReloadableSslBundle[" + this.name + "]";
	}

	private record Loaded(SslBundle bundle, SSLContext context, @Nullable X509Certificate certificate,
			Instant loadedAt) {

	}

}
