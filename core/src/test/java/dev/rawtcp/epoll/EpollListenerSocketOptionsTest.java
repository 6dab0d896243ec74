package dev.rawtcp.epoll;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rawtcp.AcceptSharding;
import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerShard;
import dev.rawtcp.SocketOptionsView;
import dev.rawtcp.TcpHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code TCP_DEFER_ACCEPT}, {@code TCP_FASTOPEN} and CPU steering of sharded accepting, with
 * real sockets, read back from the kernel and seen in what the kernel does: a deferred
 * connection waits outside the accept queue until its first byte, fast-open data arrives with
 * the SYN ({@code TcpExt TCPFastOpenPassive} moves), and a connection made on CPU {@code n}
 * is accepted by shard {@code n % 2}. The clients of the last two are a small C program
 * compiled with {@code gcc} (the JDK cannot send a fast-open SYN nor pin a thread to a CPU).
 */
class EpollListenerSocketOptionsTest extends EpollTestSupport {

	private static final Path FAST_OPEN_SYSCTL = Path.of("/proc/sys/net/ipv4/tcp_fastopen");

	@TempDir
	Path temp;

	private final List<Connection> opened = new CopyOnWriteArrayList<>();

	private final TcpHandler recordingEcho = new TcpHandler() {

		@Override
		public void onOpen(Connection connection) {
			EpollListenerSocketOptionsTest.this.opened.add(connection);
		}

		@Override
		public void onData(Connection connection, ByteBuffer data) {
			connection.write(data);
		}

	};

	private Listener bind(ListenerConfig.Builder config, int threads) {
		group(threads);
		return this.group.bind(config.host("127.0.0.1").port(0).build(), this.recordingEcho);
	}

	@Test
	void shouldReadDeferAcceptAndFastOpenBackFromTheKernel() {
		Listener listener = bind(ListenerConfig.builder("options").deferAccept(Duration.ofSeconds(3))
			.fastOpenQueueLength(16), 1);
		SocketOptionsView options = listener.socketOptions();
		assertThat(options.deferAcceptSeconds()).isEqualTo(3);
		assertThat(options.fastOpenQueueLength()).isEqualTo(16);
	}

	@Test
	void shouldLeaveDeferAcceptAndFastOpenOffByDefault() {
		SocketOptionsView options = bind(ListenerConfig.builder("defaults"), 1).socketOptions();
		assertThat(options.deferAcceptSeconds()).isZero();
		assertThat(options.fastOpenQueueLength()).isZero();
	}

	@Test
	void shouldRoundDeferAcceptUpToTheKernelsRetransmissionSchedule() {
		// 500ms is set as 1 s; the kernel keeps 5 s as 3 SYN-ACK retransmissions, 1 + 2 + 4 = 7 s
		group(1);
		Listener subSecond = this.group.bind(ListenerConfig.builder("half").host("127.0.0.1").port(0)
			.deferAccept(Duration.ofMillis(500)).build(), this.recordingEcho);
		Listener five = this.group.bind(ListenerConfig.builder("five").host("127.0.0.1").port(0)
			.deferAccept(Duration.ofSeconds(5)).build(), this.recordingEcho);
		assertThat(subSecond.socketOptions().deferAcceptSeconds()).isEqualTo(1);
		assertThat(five.socketOptions().deferAcceptSeconds()).isEqualTo(7);
	}

	@Test
	void shouldNotAcceptADeferredConnectionBeforeItsFirstByte() throws Exception {
		Listener listener = bind(ListenerConfig.builder("deferred").deferAccept(Duration.ofSeconds(30)), 1);
		try (Socket silent = new Socket("127.0.0.1", listener.port());
				Socket talking = new Socket("127.0.0.1", listener.port())) {
			talking.getOutputStream().write('x');
			await().atMost(Duration.ofSeconds(10)).until(() -> this.opened.size() == 1);
			// the silent client connected first, yet only the talking one was accepted, and the
			// silent one is in no accept queue: the kernel holds it until its first byte
			assertThat(this.opened.get(0).remoteAddress().getPort()).isEqualTo(talking.getLocalPort());
			assertThat(listener.acceptQueueSize()).hasValue(0);
			assertThat(listener.stats().accepted()).isEqualTo(1);
			silent.getOutputStream().write('y');
			await().atMost(Duration.ofSeconds(10)).until(() -> this.opened.size() == 2);
			assertThat(this.opened.get(1).remoteAddress().getPort()).isEqualTo(silent.getLocalPort());
			assertThat(silent.getInputStream().read()).isEqualTo('y');
		}
	}

	@Test
	void shouldReceiveFastOpenDataWithTheSyn() throws Exception {
		Path client = compileClient();
		int before = Integer.parseInt(Files.readAllLines(FAST_OPEN_SYSCTL).get(0).trim());
		boolean changed = false;
		if ((before & 3) != 3) {
			// client bit (1) and server bit (2): loopback fast open needs both
			assumeTrue("root".equals(System.getProperty("user.name")) && Files.isWritable(FAST_OPEN_SYSCTL),
					"net.ipv4.tcp_fastopen=" + before + " lacks the client (1) or server (2) bit, and this test "
							+ "cannot set it (not root): skipped");
			try {
				Files.writeString(FAST_OPEN_SYSCTL, Integer.toString(before | 3));
				changed = true;
			}
			catch (IOException ex) {
				assumeTrue(false, "net.ipv4.tcp_fastopen=" + before + " cannot be set here (" + ex.getMessage()
						+ "): skipped");
			}
		}
		try {
			Listener listener = bind(ListenerConfig.builder("fast-open").fastOpenQueueLength(64), 1);
			long passive = tcpExt("TCPFastOpenPassive");
			// the first connection asks for a cookie; the next ones send their data in the SYN
			run(client, listener.port(), 4, true);
			assertThat(tcpExt("TCPFastOpenPassive") - passive).isGreaterThanOrEqualTo(3);
			assertThat(listener.stats().accepted()).isEqualTo(4);
		}
		finally {
			if (changed) {
				Files.writeString(FAST_OPEN_SYSCTL, Integer.toString(before));
			}
		}
	}

	@Test
	void shouldSteerEachConnectionToTheShardOfTheCpuThatReceivedIt() throws Exception {
		assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU: nothing to steer between");
		assumeTrue(works("taskset", "-c", "1", "true"), "taskset cannot run a process on CPU 1 here: skipped");
		Path client = compileClient();
		Listener listener = bind(ListenerConfig.builder("steered").acceptSharding(AcceptSharding.PER_LOOP)
			.acceptShardingCpuSteering(true), 2);
		// loopback handles a SYN on the sending CPU: a client pinned to CPU n lands on shard n % 2
		run(client, listener.port(), 8, false, "taskset", "-c", "0");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.opened.size() == 8);
		assertThat(listener.shards()).extracting(ListenerShard::accepted).containsExactly(8L, 0L);
		run(client, listener.port(), 8, false, "taskset", "-c", "1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.opened.size() == 16);
		assertThat(listener.shards()).extracting(ListenerShard::accepted).containsExactly(8L, 8L);
	}

	private Path compileClient() throws Exception {
		assumeTrue(works("gcc", "--version"), "gcc not found: the C test client cannot be built; skipped");
		Path source = this.temp.resolve("tcp-client.c");
		try (InputStream in = getClass().getResourceAsStream("tcp-client.c")) {
			Files.write(source, in.readAllBytes());
		}
		Path binary = this.temp.resolve("tcp-client");
		run(List.of("gcc", "-O1", "-o", binary.toString(), source.toString()));
		return binary;
	}

	private static void run(Path client, int port, int count, boolean fastOpen, String... prefix) throws Exception {
		List<String> command = new java.util.ArrayList<>(Arrays.asList(prefix));
		command.addAll(List.of(client.toString(), Integer.toString(port), Integer.toString(count), fastOpen ? "1" : "0"));
		run(command);
	}

	private static void run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			boolean ended = process.waitFor(30, TimeUnit.SECONDS);
			String output = new String(process.getInputStream().readAllBytes());
			assertThat(ended).as("%s ended within 30 s", command).isTrue();
			assertThat(process.exitValue()).as("%s failed: %s", command, output).isZero();
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static boolean works(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
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

	/** A {@code TcpExt} counter of {@code /proc/net/netstat} (names on one line, values on the next). */
	private static long tcpExt(String name) throws IOException {
		List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
		for (int i = 0; i + 1 < lines.size(); i++) {
			if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
				List<String> names = Arrays.asList(lines.get(i).split("\\s+"));
				String[] values = lines.get(i + 1).split("\\s+");
				int index = names.indexOf(name);
				assumeTrue(index > 0, "this kernel has no TcpExt " + name + ": skipped");
				return Long.parseLong(values[index]);
			}
		}
		assumeTrue(false, "no TcpExt in /proc/net/netstat: skipped");
		return 0;
	}

}
