package dev.rawtcp.autoconfigure.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads the host's extended TCP counters from {@code /proc/net/netstat}: pairs of lines, a
 * header ({@code TcpExt: ListenOverflows ListenDrops ...}) then its values
 * ({@code TcpExt: 0 0 ...}), read into {@code TcpExtListenOverflows}-style keys.
 */
public final class NetstatReader {

	/** The Linux file with the counters. */
	public static final Path PROC_NET_NETSTAT = Path.of("/proc/net/netstat");

	private final Path path;

	/**
	 * Create a reader of a file in the {@code /proc/net/netstat} format.
	 * @param path the file
	 */
	public NetstatReader(Path path) {
		this.path = path;
	}

	/**
	 * Whether the file can be read.
	 * @return {@code true} if it exists and is readable
	 */
	public boolean isAvailable() {
		return Files.isReadable(this.path);
	}

	/**
	 * Read one counter now.
	 * @param key the counter, e.g. {@code TcpExtListenOverflows}
	 * @return the value, empty if the file or the counter is missing
	 */
	public OptionalLong read(String key) {
		Long value = readAll().get(key);
		return (value != null) ? OptionalLong.of(value) : OptionalLong.empty();
	}

	/**
	 * Read every counter now.
	 * @return counters by key ({@code <prefix><name>}), empty if the file cannot be read
	 */
	public Map<String, Long> readAll() {
		try {
			return parse(Files.readString(this.path, StandardCharsets.US_ASCII));
		}
		catch (IOException | RuntimeException ex) {
			return Map.of();
		}
	}

	/**
	 * Parse the content of a {@code /proc/net/netstat}-format file.
	 * @param content the text
	 * @return counters by key ({@code <prefix><name>}, e.g. {@code TcpExtListenDrops}), in file order
	 */
	public static Map<String, Long> parse(String content) {
		Map<String, Long> counters = new LinkedHashMap<>();
		String[] lines = content.split("\n");
		for (int i = 0; i + 1 < lines.length; i += 2) {
			String[] names = lines[i].trim().split("\\s+");
			String[] values = lines[i + 1].trim().split("\\s+");
			if (names.length < 2 || !names[0].endsWith(":") || !names[0].equals(values[0])) {
				// Not a header/value pair: resynchronise on the next line.
				i--;
				continue;
			}
			String prefix = names[0].substring(0, names[0].length() - 1);
			for (int j = 1; j < Math.min(names.length, values.length); j++) {
				try {
					counters.put(prefix + names[j], Long.parseUnsignedLong(values[j]));
				}
				catch (NumberFormatException ex) {
					// A header line where values were expected: skip the field.
				}
			}
		}
		return counters;
	}

}
