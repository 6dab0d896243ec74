package dev.rawtcp.tls;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.TlsHandshakeFailure;
import dev.rawtcp.TlsInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code openssl s_client} as the client, in both modes: TLS 1.2 and 1.3 with SNI echo a
 * line, and its {@code R} command (a TLS 1.2 renegotiation) closes the connection. Skipped,
 * saying so, where {@code /usr/bin/openssl} is not installed.
 */
public abstract class AbstractTlsOpensslTest extends TlsTestSupport {

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource({ "EVENT_LOOP, tls1_2, TLSv1.2", "EVENT_LOOP, tls1_3, TLSv1.3", "THREAD_PER_CONNECTION, tls1_2, TLSv1.2",
			"THREAD_PER_CONNECTION, tls1_3, TLSv1.3" })
	void shouldEchoALineToOpensslWithTheServerNameItAskedFor(ListenerMode mode, String option, String protocol)
			throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bindEcho(config("openssl").tls(serverTls()), mode, opened::complete);
		Process client = openssl(listener, "-" + option, "-servername", "localhost", "-quiet");
		BufferedReader replies = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
		OutputStream requests = client.getOutputStream();
		requests.write("hello over tls\n".getBytes(StandardCharsets.UTF_8));
		requests.flush();
		assertThat(readLine(replies)).isEqualTo("hello over tls");
		TlsInfo info = opened.get(10, TimeUnit.SECONDS).tls().orElseThrow();
		assertThat(info.protocol()).isEqualTo(protocol);
		assertThat(info.serverName()).isEqualTo("localhost");
		assertThat(info.cipherSuite()).startsWith("TLS_");
		assertThat(info.peerCertificates()).isEmpty();
		requests.close();
		client.destroy();
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(listener.stats().tls().succeeded()).isEqualTo(1);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = ListenerMode.class, names = { "EVENT_LOOP", "THREAD_PER_CONNECTION" })
	void shouldCloseWhenOpensslAsksToRenegotiate(ListenerMode mode) throws Exception {
		Listener listener = bindEcho(config("renegotiate").tls(serverTls()), mode);
		// interactive (no -quiet): a line "R" renegotiates
		Process client = openssl(listener, "-tls1_2");
		BufferedReader replies = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
		OutputStream requests = client.getOutputStream();
		requests.write("ping\n".getBytes(StandardCharsets.UTF_8));
		requests.flush();
		CompletableFuture<Boolean> echoed = CompletableFuture.supplyAsync(() -> {
			try {
				for (String line; (line = replies.readLine()) != null;) {
					if (line.equals("ping")) {
						return true;
					}
				}
				return false;
			}
			catch (java.io.IOException ex) {
				return false;
			}
		});
		assertThat(echoed.get(10, TimeUnit.SECONDS)).isTrue();
		requests.write("R\n".getBytes(StandardCharsets.UTF_8));
		requests.flush();
		Awaitility.await().until(() -> listener.stats().tls().failed(TlsHandshakeFailure.RENEGOTIATION) == 1);
		Awaitility.await().until(() -> listener.activeConnections() == 0);
		assertThat(client.waitFor(10, TimeUnit.SECONDS)).as("s_client ended").isTrue();
	}

	private static String readLine(BufferedReader reader) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return reader.readLine();
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(10, TimeUnit.SECONDS);
	}

}
