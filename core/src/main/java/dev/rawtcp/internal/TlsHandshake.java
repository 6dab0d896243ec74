package dev.rawtcp.internal;

import java.nio.ByteBuffer;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TlsHandshakeFailure;
import dev.rawtcp.TlsInfo;

/**
 * One connection's TLS handshake, whichever side drives it: makes the engine for the host
 * name of the client's first record, counts the outcome exactly once (a success, or a failure
 * with its reason), and ends a handshake that outlives {@code ssl.handshake-timeout}. Internal.
 */
final class TlsHandshake {

	private static final int PENDING = 0;

	private static final int DONE = 1;

	private static final int FAILED = 2;

	private final AbstractConnection connection;

	private final ServerTls tls;

	private final long startNanos = System.nanoTime();

	private final AtomicInteger outcome = new AtomicInteger(PENDING);

	TlsHandshake(AbstractConnection connection, ServerTls tls) {
		this.connection = connection;
		this.tls = tls;
	}

	/** Arm the time-out; on the loop, from the accept. */
	void start() {
		this.connection.loop().schedule(this.tls.handshakeTimeout().toNanos(), () -> {
			if (failed(TlsHandshakeFailure.TIMEOUT, "not finished within " + this.tls.handshakeTimeout().toMillis()
					+ " ms (ssl.handshake-timeout)")) {
				this.connection.forceClose(CloseReason.ERROR);
			}
		});
	}

	/** @return the {@link System#nanoTime()} by which the handshake must finish */
	long deadlineNanos() {
		return this.startNanos + this.tls.handshakeTimeout().toNanos();
	}

	/**
	 * Make the engine for the host name in the client's first record.
	 * @param hello the record, read
	 * @return the engine, in server mode, client authentication set
	 * @throws SSLException if the factory failed
	 */
	SSLEngine newEngine(ClientHello hello) throws SSLException {
		SSLEngine engine;
		try {
			engine = this.tls.engines().createEngine(hello.serverName());
		}
		catch (RuntimeException ex) {
			throw new SSLException("no engine for server name '" + hello.serverName() + "': " + ex.getMessage(), ex);
		}
		engine.setUseClientMode(false);
		switch (this.tls.clientAuth()) {
			case NEED -> engine.setNeedClientAuth(true);
			case WANT -> engine.setWantClientAuth(true);
			case NONE -> engine.setNeedClientAuth(false);
		}
		engine.beginHandshake();
		return engine;
	}

	/** @return whether the handshake finished or failed (then the other side stops driving it) */
	boolean ended() {
		return this.outcome.get() != PENDING;
	}

	/** @return whether it failed (for example at the time-out, while the handler thread was parked) */
	boolean hasFailed() {
		return this.outcome.get() == FAILED;
	}

	/**
	 * The handshake finished: count it and publish what it agreed on.
	 * @param engine the engine
	 * @return {@code false} if it had failed already (the time-out came first)
	 */
	boolean succeeded(SSLEngine engine) {
		if (!this.outcome.compareAndSet(PENDING, DONE)) {
			return false;
		}
		this.connection.listener().stats.tls().recordSucceeded(System.nanoTime() - this.startNanos);
		this.connection.tlsEstablished(info(engine));
		return true;
	}

	/**
	 * The handshake failed: count and log it, once.
	 * @param reason why
	 * @param detail what happened, for the log
	 * @return {@code false} if the outcome was counted already
	 */
	boolean failed(TlsHandshakeFailure reason, String detail) {
		if (!this.outcome.compareAndSet(PENDING, FAILED)) {
			return false;
		}
		record(reason, detail);
		return true;
	}

	private void record(TlsHandshakeFailure reason, String detail) {
		this.connection.listener().stats.tls().recordFailed(reason);
		this.connection.listener().log().tlsHandshakeFailed(this.connection.remoteAddress(), reason, detail);
	}

	/**
	 * Count a failure the engine reported.
	 * @param ex what the engine threw
	 * @return whether it was counted now (not before)
	 */
	boolean failed(SSLException ex) {
		return failed(classify(ex), String.valueOf(ex.getMessage()));
	}

	/**
	 * After a record of an established connection, answer what the peer's handshake message asks
	 * for (a TLS 1.3 key update: run the engine's tasks, send its reply); a TLS 1.2 renegotiation is
	 * refused instead, counted and logged.
	 * @param <E> what sending may throw
	 * @param engine the engine
	 * @param status the handshake status the unwrap left
	 * @param send sends what the engine wraps next
	 * @return {@code false} if it was a renegotiation: the caller closes the connection
	 * @throws E if sending failed
	 * @throws SSLException if the engine failed
	 */
	<E extends Exception> boolean answer(SSLEngine engine, HandshakeStatus status, Send<E> send) throws E, SSLException {
		if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
			return true;
		}
		if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
			record(TlsHandshakeFailure.RENEGOTIATION, "the peer asked to renegotiate; closing");
			return false;
		}
		HandshakeStatus s = status;
		while (s == HandshakeStatus.NEED_TASK || s == HandshakeStatus.NEED_WRAP) {
			if (s == HandshakeStatus.NEED_TASK) {
				runTasks(engine);
			}
			else {
				send.wrapped();
			}
			s = engine.getHandshakeStatus();
		}
		return true;
	}

	/**
	 * Sends what the engine wraps, the way the connection's side sends.
	 * @param <E> what sending may throw
	 */
	@FunctionalInterface
	interface Send<E extends Exception> {

		/**
		 * Wrap the engine's next handshake messages and send them.
		 * @throws E if sending failed
		 */
		void wrapped() throws E;

	}

	/**
	 * Wrap as many records of {@code src} (or, when it is empty, the engine's next handshake or
	 * alert messages) as {@code out} has room for.
	 * @param engine the engine
	 * @param src the plaintext; consumed as far as it was wrapped
	 * @param out where the records go, position to limit
	 * @return whether anything was consumed or produced
	 * @throws SSLException if the engine failed
	 */
	static boolean wrapRecords(SSLEngine engine, ByteBuffer src, ByteBuffer out) throws SSLException {
		int packet = engine.getSession().getPacketBufferSize();
		boolean progress = false;
		while (out.remaining() >= packet) {
			SSLEngineResult result = engine.wrap(src, out);
			if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
				break;
			}
			progress = true;
			if (result.getStatus() == SSLEngineResult.Status.CLOSED
					|| (!src.hasRemaining() && result.getHandshakeStatus() != HandshakeStatus.NEED_WRAP)) {
				break;
			}
		}
		return progress;
	}

	/**
	 * Run the tasks the engine delegates (certificate checks, key agreement) on this thread.
	 * @param engine the engine
	 */
	static void runTasks(SSLEngine engine) {
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

	static TlsHandshakeFailure classify(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
			if (message.contains("empty client certificate chain") || message.contains("certificate_required")) {
				return TlsHandshakeFailure.CLIENT_AUTH;
			}
			if (t instanceof CertificateException || t instanceof CertPathValidatorException
					|| message.contains("certificate") || message.contains("unknown_ca")) {
				return TlsHandshakeFailure.CERTIFICATE;
			}
		}
		return TlsHandshakeFailure.PROTOCOL;
	}

	private static TlsInfo info(SSLEngine engine) {
		SSLSession session = engine.getSession();
		List<Certificate> peer;
		try {
			peer = List.of(session.getPeerCertificates());
		}
		catch (SSLPeerUnverifiedException ex) {
			peer = List.of();
		}
		return new TlsInfo(session.getProtocol(), session.getCipherSuite(), serverName(session), peer);
	}

	private static @Nullable String serverName(SSLSession session) {
		if (session instanceof ExtendedSSLSession extended) {
			for (SNIServerName name : extended.getRequestedServerNames()) {
				if (name instanceof SNIHostName host) {
					return host.getAsciiName().toLowerCase(java.util.Locale.ROOT);
				}
			}
		}
		return null;
	}

}
