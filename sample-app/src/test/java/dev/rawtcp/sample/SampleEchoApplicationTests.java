package dev.rawtcp.sample;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import dev.rawtcp.test.TcpTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample application's two listeners over real sockets, and what Actuator says about them.
 */
class SampleEchoApplicationTests extends SampleAppTestSupport {

	@Test
	void shouldEchoEveryByteUnchangedIncludingBinary() throws Exception {
		byte[] payload = new byte[256 * 1024];
		new Random(42).nextBytes(payload);
		for (int i = 0; i < 256; i++) {
			payload[i] = (byte) i;
		}
		TcpTestClient client = connect(this.echoPort);
		// write while reading: a peer that only writes would fill both socket buffers and stall
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> client.send(payload));
		byte[] echoed = client.readExactly(payload.length);
		writer.get(10, TimeUnit.SECONDS);
		assertThat(Arrays.mismatch(echoed, payload)).as("first differing byte").isEqualTo(-1);
		// end of stream after a half-close
		client.shutdownOutput().expectEndOfStream();
	}

	@Test
	void shouldEchoEverythingToAPeerThatWritesMoreThanTheWriteBufferLimitBeforeReading() throws Exception {
		// 24 MiB is more than rawtcp.write-buffer.limit (16MB): without the handler's flow control the
		// server would read it all, queue it for this non-reading peer, and close the connection
		byte[] payload = new byte[24 * 1024 * 1024];
		new Random(3).nextBytes(payload);
		TcpTestClient client = connect(this.echoPort);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> client.send(payload));
		String path = "$.connections[?(@.remoteAddress == '127.0.0.1:" + client.socket().getLocalPort()
				+ "')].bytesReceived";
		long[] last = { -1 };
		// read nothing until the server has stopped reading from us (suspended) or took everything
		await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).until(() -> {
			List<Number> received = JsonPath.parse(get("/actuator/rawtcp/echo")).read(path);
			long now = received.isEmpty() ? -1 : received.get(0).longValue();
			boolean stable = now > 0 && now == last[0];
			last[0] = now;
			return stable || writer.isDone();
		});
		assertThat(last[0]).as("bytes the server read while we did not read").isLessThan(payload.length);
		byte[] echoed = client.timeout(Duration.ofSeconds(30)).readExactly(payload.length);
		writer.get(10, TimeUnit.SECONDS);
		assertThat(Arrays.mismatch(echoed, payload)).as("first differing byte").isEqualTo(-1);
	}

	@Test
	void shouldAnswerEachLineInUpperCase() throws Exception {
		TcpTestClient client = connect(this.upperPort);
		client.send("hello world\nMixed Case 123\n");
		assertThat(client.readLine()).isEqualTo("HELLO WORLD");
		assertThat(client.readLine()).isEqualTo("MIXED CASE 123");
		client.send("après ski\r\nsplit ");
		assertThat(client.readLine()).isEqualTo("APRÈS SKI");
		client.sendLine("line");
		assertThat(client.readLine()).isEqualTo("SPLIT LINE");
	}

	@Test
	void shouldCloseUpperConnectionOnLineOver64KiBWhileAnotherClientIsServed() throws Exception {
		double errorsBefore = scrape().sum("rawtcp_handler_errors_total", Map.of("listener", "upper"));
		TcpTestClient served = connect(this.upperPort);
		assertThat(served.sendLine("first").readLine()).isEqualTo("FIRST");

		TcpTestClient oversize = connect(this.upperPort);
		byte[] line = new byte[70 * 1024 + 1];
		Arrays.fill(line, (byte) 'x');
		line[line.length - 1] = '\n';
		// the server may close while we are still writing: a failed send is one of the outcomes
		CompletableFuture.runAsync(() -> oversize.send(line));
		// nothing answered to the oversize line, then a close (FIN, or a reset if our bytes were unread)
		oversize.expectClose();

		assertThat(served.sendLine("still served").readLine()).isEqualTo("STILL SERVED");
		await().atMost(10, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(scrape().sum("rawtcp_handler_errors_total", Map.of("listener", "upper")))
				.isEqualTo(errorsBefore + 1));
	}

	@Test
	void shouldAnswerALineOfExactly64KiB() throws Exception {
		TcpTestClient client = connect(this.upperPort);
		byte[] line = new byte[UpperCaseHandler.MAX_LINE_LENGTH + 1];
		Arrays.fill(line, (byte) 'a');
		line[line.length - 1] = '\n';
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> client.send(line));
		String answer = client.readLine();
		writer.get(10, TimeUnit.SECONDS);
		assertThat(answer).hasSize(64 * 1024).matches("A+");
	}

	@Test
	void shouldDescribeBothListenersInRawtcpEndpoint() throws Exception {
		DocumentContext body = JsonPath.parse(get("/actuator/rawtcp"));
		assertThat(body.read("$.listeners.echo.mode", String.class)).isEqualTo("event-loop");
		assertThat(body.read("$.listeners.upper.mode", String.class)).isEqualTo("thread-per-connection");
		assertThat(body.read("$.listeners.echo.state", String.class)).isEqualTo("running");
		assertThat(body.read("$.listeners.upper.state", String.class)).isEqualTo("running");
		assertThat(body.read("$.listeners.echo.address", String.class)).endsWith(":" + this.echoPort);
		assertThat(body.read("$.listeners.upper.address", String.class)).endsWith(":" + this.upperPort);
		assertThat(body.read("$.listeners.echo.configuredBacklog", Integer.class)).isEqualTo(1024);
		assumeTrue("epoll".equals(body.read("$.listeners.echo.transport", String.class)),
				"kernel values are read on epoll only");
		assertThat(body.read("$.listeners.echo.effectiveBacklog", Integer.class)).isBetween(1, 1024);
		// application.yml's keepalive, as the kernel reports it with getsockopt
		assertThat(body.read("$.listeners.upper.socketOptions.keepAliveIdleSeconds", Integer.class)).isEqualTo(30);
		assertThat(body.read("$.listeners.upper.socketOptions.keepAliveIntervalSeconds", Integer.class)).isEqualTo(30);
		assertThat(body.read("$.listeners.upper.socketOptions.keepAliveCount", Integer.class)).isEqualTo(4);
	}

	@Test
	void shouldListAnOpenConnectionInTheListenerView() throws Exception {
		TcpTestClient client = connect(this.echoPort).send("ping").expect("ping");
		String local = "127.0.0.1:" + client.socket().getLocalPort();
		DocumentContext body = JsonPath.parse(get("/actuator/rawtcp/echo"));
		assertThat(body.read("$.connections[*].remoteAddress", String[].class)).contains(local);
	}

	@Test
	void shouldCountEchoTrafficInPrometheusScrape() throws Exception {
		Map<String, String> echo = Map.of("listener", "echo");
		PrometheusScrape before = scrape();
		byte[] payload = new byte[10_000];
		new Random(7).nextBytes(payload);
		try (TcpTestClient client = connect(this.echoPort)) {
			assertThat(client.send(payload).readExactly(payload.length)).isEqualTo(payload);
		}
		await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
			PrometheusScrape after = scrape();
			assertThat(after.sum("rawtcp_connections_accepted_total", echo))
				.isEqualTo(before.sum("rawtcp_connections_accepted_total", echo) + 1);
			assertThat(after.sum("rawtcp_bytes_received_bytes_total", echo))
				.isEqualTo(before.sum("rawtcp_bytes_received_bytes_total", echo) + payload.length);
			assertThat(after.sum("rawtcp_bytes_sent_bytes_total", echo))
				.isEqualTo(before.sum("rawtcp_bytes_sent_bytes_total", echo) + payload.length);
			assertThat(after.sum("rawtcp_connections_closed_total", echo))
				.isEqualTo(before.sum("rawtcp_connections_closed_total", echo) + 1);
		});
		assertThat(scrape().has("rawtcp_connections_active", Map.of("listener", "upper"))).isTrue();
	}

	@Test
	void shouldReportRawtcpHealthUp() throws Exception {
		DocumentContext body = JsonPath.parse(get("/actuator/health"));
		assertThat(body.read("$.status", String.class)).isEqualTo("UP");
		assertThat(body.read("$.components.rawtcp.status", String.class)).isEqualTo("UP");
		assertThat(body.read("$.components.rawtcp.details.listeners.upper.state", String.class)).isEqualTo("running");
	}

}
