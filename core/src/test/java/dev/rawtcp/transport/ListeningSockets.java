package dev.rawtcp.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The listening TCP sockets of a port as the kernel lists them in {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (what {@code ss -ltn} reads): for a listening socket the
 * {@code rx_queue} column is its accept queue now.
 */
public final class ListeningSockets {

	private static final String LISTEN = "0A";

	private ListeningSockets() {
	}

	/**
	 * The accept queue of every socket listening on a port, one entry per socket.
	 * @param port the port
	 * @return the queue lengths, in the kernel's order
	 * @throws IOException if {@code /proc/net/tcp} cannot be read
	 */
	public static List<Integer> acceptQueues(int port) throws IOException {
		List<Integer> queues = new ArrayList<>();
		String hexPort = String.format(Locale.ROOT, "%04X", port);
		for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path path = Path.of(file);
			if (!Files.isReadable(path)) {
				continue;
			}
			List<String> lines = Files.readAllLines(path);
			for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
				// sl local_address rem_address st tx_queue:rx_queue ...
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 4 && fields[1].endsWith(":" + hexPort) && fields[3].equals(LISTEN)) {
					queues.add(Integer.parseInt(fields[4].substring(fields[4].indexOf(':') + 1), 16));
				}
			}
		}
		return queues;
	}

}
