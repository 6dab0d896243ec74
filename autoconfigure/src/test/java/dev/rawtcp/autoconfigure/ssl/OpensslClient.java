package dev.rawtcp.autoconfigure.ssl;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * {@code openssl s_client} as a TLS client (Debian's {@code openssl}; the tests that use it
 * are skipped, saying so, where it is not installed).
 */
final class OpensslClient {

	static final String MISSING = "openssl is not installed (Debian: apt-get install openssl): "
			+ "the openssl s_client checks are skipped";

	private OpensslClient() {
	}

	static boolean isAvailable() {
		try {
			Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Send one line and read the line that comes back.
	 * @param port the listener's port on 127.0.0.1
	 * @param options more {@code s_client} options, such as {@code -tls1_2}
	 * @return the line read, or {@code null} if the connection ended first
	 * @throws Exception if {@code s_client} cannot be run or nothing came within 20 seconds
	 */
	static @Nullable String echo(int port, String line, String... options) throws Exception {
		List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet"));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		try {
			OutputStream stdin = process.getOutputStream();
			stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
			stdin.flush();
			BufferedReader stdout = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
			return CompletableFuture.supplyAsync(() -> {
				try {
					return stdout.readLine();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).get(20, TimeUnit.SECONDS);
		}
		finally {
			stop(process);
		}
	}

	/**
	 * Connect, finish the handshake, and return the certificate the server sent.
	 * @param port the listener's port on 127.0.0.1
	 * @param options more {@code s_client} options, such as {@code -servername}
	 * @return the server's certificate
	 * @throws Exception if {@code s_client} cannot be run or printed no certificate
	 */
	static X509Certificate serverCertificate(int port, String... options) throws Exception {
		List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		try {
			process.getOutputStream().close();
			String output = CompletableFuture.supplyAsync(() -> {
				try {
					return new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}).get(20, TimeUnit.SECONDS);
			int begin = output.indexOf("-----BEGIN CERTIFICATE-----");
			int end = output.indexOf("-----END CERTIFICATE-----");
			if (begin < 0 || end < begin) {
				throw new IllegalStateException("openssl s_client printed no certificate:\n" + output);
			}
			byte[] pem = output.substring(begin, end + "-----END CERTIFICATE-----".length())
				.getBytes(StandardCharsets.US_ASCII);
			return (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(pem));
		}
		finally {
			stop(process);
		}
	}

	private static void stop(Process process) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(10, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}

}
