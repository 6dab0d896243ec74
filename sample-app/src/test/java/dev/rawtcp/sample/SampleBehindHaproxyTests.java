package dev.rawtcp.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample as the README runs it, behind a real HAProxy that sends a PROXY protocol version 2
 * header ({@code send-proxy-v2}) to its {@code echo} listener: the handler's connection, as the
 * endpoint lists it, has the test client's own address and port, and HAProxy's as the socket's
 * peer. Skipped, saying so, where HAProxy is not installed (Debian package {@code haproxy};
 * {@code .ci/run} installs it).
 */
class SampleBehindHaproxyTests extends SampleAppTestSupport {

	private static String haproxy;

	private Process haproxyProcess;

	@BeforeAll
	static void findHaproxy() {
		haproxy = Haproxy.find();
		assumeTrue(haproxy != null, "haproxy is not installed (Debian package haproxy): the sample behind it is not tested");
	}

	@AfterEach
	void stopHaproxy() throws InterruptedException {
		Haproxy.stop(this.haproxyProcess);
	}

	@Test
	void shouldShowTheClientsOwnAddressBehindHaproxySendingProxyV2(@TempDir Path dir) throws Exception {
		int frontendPort = Haproxy.freePort();
		String config = """
				defaults
				    mode tcp
				    timeout connect 2s
				    timeout client 30s
				    timeout server 30s

				frontend echo
				    bind 127.0.0.1:%d
				    default_backend sample

				backend sample
				    server echo 127.0.0.1:%d send-proxy-v2
				""".formatted(frontendPort, this.echoPort);
		this.haproxyProcess = Haproxy.start(haproxy, dir, config);
		try (Socket client = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
			.until(() -> connectAndEcho(frontendPort), (socket) -> socket != null)) {
			String clientAddress = "127.0.0.1:" + client.getLocalPort();
			String listener = get("/actuator/rawtcp/echo");
			// the handler's connection: the client's address from the header, HAProxy's as the socket's peer
			assertThat(listener).contains("\"remoteAddress\":\"" + clientAddress + "\"");
			assertThat(listener).doesNotContain("\"socketRemoteAddress\":\"" + clientAddress + "\"");
			assertThat(listener).contains("\"socketRemoteAddress\":\"127.0.0.1:");
			assertThat(listener).contains("\"mode\":\"optional\"");
		}
	}

	/** Connect through HAProxy and echo one line; {@code null} (and closed) if HAProxy is not up yet. */
	private static Socket connectAndEcho(int port) throws IOException {
		assertThat(port).isPositive();
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write("through haproxy\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] echo = in.readNBytes("through haproxy\n".length());
			if (!"through haproxy\n".equals(new String(echo, StandardCharsets.US_ASCII))) {
				socket.close();
				return null;
			}
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

}
