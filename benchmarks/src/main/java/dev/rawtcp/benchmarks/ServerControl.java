package dev.rawtcp.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The protocol every benchmark server speaks with the harness on its standard streams.
 * <p>
 * Once bound, the server prints {@code LISTENING <port>}. It then reads commands from
 * standard input: {@code heap} runs the garbage collector and prints
 * {@code HEAP <bytes used>}; end of input stops the server.
 */
final class ServerControl {

	private ServerControl() {
	}

	/**
	 * The number of event-loop threads every server is given: {@code -Dthreads=N}, default 1.
	 * @return the thread count
	 */
	static int threads() {
		return Integer.getInteger("threads", 1);
	}

	/**
	 * Announce the port, then serve commands until standard input ends.
	 * @param port the bound port
	 * @throws IOException if standard input cannot be read
	 */
	static void serve(int port) throws IOException {
		System.out.println("LISTENING " + port);
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.trim().equals("heap")) {
				System.out.println("HEAP " + heapUsedAfterGc());
				System.out.flush();
			}
		}
	}

	private static long heapUsedAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
