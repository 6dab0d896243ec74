package dev.rawtcp.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts a server's syscalls per message with {@code strace -c -f -p <pid>}, attached to
 * every thread of the already warmed-up server for a fixed number of 64-byte round trips on
 * one connection.
 */
final class SyscallCounter {

	private SyscallCounter() {
	}

	/** @return whether {@code strace} is on the PATH */
	static boolean available() {
		try {
			Process probe = new ProcessBuilder("strace", "-V").redirectErrorStream(true).start();
			probe.getInputStream().readAllBytes();
			return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
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
	 * Count the syscalls the server makes during {@code messages} round trips.
	 * @param server the server, warmed up
	 * @param load the load generator
	 * @param messages round trips to make
	 * @param output where strace writes its table
	 * @return the count
	 * @throws IOException if strace or the load fails
	 */
	static Counts count(ServerProcess server, LoadGenerator load, int messages, Path output) throws IOException {
		List<String> pingPong = List.of("--scenario", "pingpong", "--conns", "1", "--size", "64", "--warmup", "0",
				"--duration", "60", "--max-ops", Integer.toString(messages));
		// context switches first, without strace (ptrace stops would add their own)
		long switchesBefore = server.contextSwitches();
		Map<String, String> plain = load.run(server, pingPong, 120);
		double switches = (server.contextSwitches() - switchesBefore) / Double.parseDouble(plain.get("ops"));
		// -p with the process id attaches every thread it has; -f follows threads started later
		List<String> command = List.of("strace", "-c", "-f", "-o", output.toString(), "-p",
				Long.toString(server.pid()));
		Process strace = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(server.log().toFile()))
			.start();
		Children.register(strace);
		try {
			Thread.sleep(1500);
			if (!strace.isAlive()) {
				throw new IOException("strace exited at once (exit " + strace.exitValue() + "); see " + server.log());
			}
			Map<String, String> result = load.run(server, pingPong, 120);
			long ops = Long.parseLong(result.get("ops"));
			if (!"0".equals(result.get("errors")) || ops == 0) {
				throw new IOException("the load under strace failed: " + result);
			}
			strace.destroy();
			if (!strace.waitFor(30, TimeUnit.SECONDS)) {
				strace.destroyForcibly();
				throw new IOException("strace did not stop");
			}
			return new Counts(ops, parse(Files.readAllLines(output)), switches);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
		finally {
			if (strace.isAlive()) {
				strace.destroyForcibly();
			}
			Children.unregister(strace);
		}
	}

	/**
	 * Read the table of {@code strace -c}: the numbers are right-aligned under the header,
	 * so the columns are cut where the header's words end.
	 */
	static Map<String, Long> parse(List<String> lines) throws IOException {
		int header = -1;
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).contains("calls") && lines.get(i).contains("syscall")) {
				header = i;
				break;
			}
		}
		if (header < 0) {
			throw new IOException("no strace table in: " + lines);
		}
		String head = lines.get(header);
		int callsStart = head.indexOf("usecs/call") + "usecs/call".length();
		int callsEnd = head.indexOf("calls", callsStart) + "calls".length();
		int nameStart = head.indexOf("syscall");
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String line : lines.subList(header + 1, lines.size())) {
			if (line.startsWith("---") || line.length() <= nameStart) {
				continue;
			}
			String name = line.substring(nameStart).trim();
			String count = line.substring(callsStart, callsEnd).trim();
			if (!name.isEmpty() && !name.equals("total") && count.matches("\\d+")) {
				calls.put(name, Long.parseLong(count));
			}
		}
		return calls;
	}

	/**
	 * The syscalls counted during a number of round trips.
	 *
	 * @param messages round trips
	 * @param calls calls per syscall
	 * @param contextSwitches context switches of the server's threads per round trip, measured without strace
	 */
	record Counts(long messages, Map<String, Long> calls, double contextSwitches) {

		double total() {
			return this.calls.values().stream().mapToLong(Long::longValue).sum() / (double) this.messages;
		}

		String breakdown() {
			List<String> parts = new ArrayList<>();
			this.calls.entrySet()
				.stream()
				.sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
				.filter((e) -> e.getValue() / (double) this.messages >= 0.01)
				.forEach((e) -> parts.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(),
						e.getValue() / (double) this.messages)));
			return String.join(", ", parts);
		}

	}

}
