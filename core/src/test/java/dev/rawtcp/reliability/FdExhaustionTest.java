package dev.rawtcp.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.rawtcp.Transport;
import dev.rawtcp.epoll.Epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server out of file descriptors ({@code ulimit -n 64}, twice that many clients) counts
 * {@code EMFILE}, does not spin on the listening socket it cannot drain, keeps its loop
 * alive, and serves new clients once old ones leave. The server is a child JVM
 * ({@link EchoServerMain}) so that the limit is its own.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FdExhaustionTest {

	private static final int FD_LIMIT = 64;

	private static final int CLIENTS = 2 * FD_LIMIT;

	/** CPU the child may use in {@link #WINDOW_MILLIS} while the accept queue stays full. */
	private static final double MAX_CPU_SECONDS = 0.5;

	private static final long WINDOW_MILLIS = 3000;

	@ParameterizedTest
	@EnumSource(value = Transport.class, names = { "EPOLL", "NIO" })
	void shouldBackOffWithoutSpinningWhenOutOfFileDescriptorsAndRecover(Transport transport) throws Exception {
		assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
		if (transport == Transport.EPOLL) {
			assumeTrue(Epoll.isAvailable(), "epoll unavailable here");
		}
		List<Socket> clients = new ArrayList<>();
		try (Child server = Child.start(transport)) {
			String[] ready = server.expect("PORT ").split(" ");
			int port = Integer.parseInt(ready[1]);
			assertThat(Integer.parseInt(ready[3])).as("fds of the idle child").isLessThan(FD_LIMIT - 8);
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(connect(port));
			}
			await().atMost(ReliabilityTestSupport.AWAIT)
				.untilAsserted(() -> assertThat(server.stats().get("emfile")).as("EMFILE; output %s", server.output)
					.isPositive());
			// fds exhausted, the accept queue not empty: the listening socket stays readable all along
			double before = server.cpuSeconds();
			Thread.sleep(WINDOW_MILLIS);
			double used = server.cpuSeconds() - before;
			Map<String, Long> exhausted = server.stats();
			assertThat(used).as("CPU seconds in %d ms out of fds; %s; output %s", WINDOW_MILLIS, exhausted, server.output)
				.isLessThan(MAX_CPU_SECONDS);
			assertThat(exhausted.get("accepted")).isLessThan(CLIENTS);
			for (Socket client : clients) {
				client.close();
			}
			clients.clear();
			try (Socket fresh = connect(port)) {
				fresh.getOutputStream().write("still serving\n".getBytes(StandardCharsets.US_ASCII));
				assertThat(new String(fresh.getInputStream().readNBytes(14), StandardCharsets.US_ASCII))
					.as("echo to a new client; child output %s", server.output)
					.isEqualTo("still serving\n");
			}
			Map<String, Long> recovered = server.stats();
			System.out.printf("FD-EXHAUSTION %s: ulimit -n %d, %d clients, %.2f s CPU in %d ms out of fds, %s, then %s%n",
					transport.tagValue(), FD_LIMIT, CLIENTS, used, WINDOW_MILLIS, exhausted, recovered);
			assertThat(recovered.get("accepted")).isEqualTo(CLIENTS + 1);
			assertThat(server.output).noneMatch((line) -> line.contains("died"));
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/**
	 * The server JVM, started as {@code bash -c 'ulimit -n 64 && exec java ...'} so that the
	 * process's PID is the JVM's; killed by that PID on close.
	 */
	private static final class Child implements AutoCloseable {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		/** Everything it printed, for failure messages. */
		final List<String> output = new CopyOnWriteArrayList<>();

		private final long clockTicksPerSecond;

		private Child(Process process) throws IOException {
			this.process = process;
			Thread reader = new Thread(this::readOutput, "child-output-" + process.pid());
			reader.setDaemon(true);
			reader.start();
			this.clockTicksPerSecond = clockTicksPerSecond();
		}

		static Child start(Transport transport) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			ProcessBuilder builder = new ProcessBuilder("bash", "-c", "ulimit -n " + FD_LIMIT
					+ " && exec \"$0\" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp \"$1\" "
					+ EchoServerMain.class.getName() + " \"$2\"", java, System.getProperty("java.class.path"),
					transport.name());
			builder.redirectErrorStream(true);
			return new Child(builder.start());
		}

		/** Read on a thread of its own, so that the pipe never fills. */
		private void readOutput() {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line; (line = in.readLine()) != null;) {
					this.output.add(line);
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the child is gone
			}
		}

		String expect(String prefix) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (System.nanoTime() < deadline) {
				String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line != null && line.startsWith(prefix)) {
					return line;
				}
			}
			throw new AssertionError("no '" + prefix + "' line from the child; it printed " + this.output);
		}

		Map<String, Long> stats() throws Exception {
			OutputStream commands = this.process.getOutputStream();
			commands.write("STATS\n".getBytes(StandardCharsets.US_ASCII));
			commands.flush();
			Map<String, Long> stats = new HashMap<>();
			for (String pair : expect("STATS ").substring(6).split(" ")) {
				String[] keyValue = pair.split("=");
				stats.put(keyValue[0], Long.parseLong(keyValue[1]));
			}
			return stats;
		}

		/** utime + stime from {@code /proc/<pid>/stat}, in seconds. */
		double cpuSeconds() throws IOException {
			String stat = Files.readString(Path.of("/proc/" + this.process.pid() + "/stat"));
			// after the command name (which may hold spaces and parentheses) come state (field 3) onwards
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) this.clockTicksPerSecond;
		}

		private static long clockTicksPerSecond() throws IOException {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(getconf.getInputStream(), StandardCharsets.US_ASCII))) {
				String line = in.readLine();
				return (line != null) ? Long.parseLong(line.trim()) : 100;
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}

	}

}
