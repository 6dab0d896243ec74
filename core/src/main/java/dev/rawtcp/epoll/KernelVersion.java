package dev.rawtcp.epoll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running kernel's version, read once from {@code /proc/sys/kernel/osrelease}.
 */
final class KernelVersion {

	private static final int[] VERSION = read();

	private KernelVersion() {
	}

	static boolean atLeast(int major, int minor) {
		return VERSION[0] > major || (VERSION[0] == major && VERSION[1] >= minor);
	}

	private static int[] read() {
		try {
			String release = Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0).trim();
			String[] parts = release.split("[.-]");
			return new int[] { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) };
		}
		catch (IOException | RuntimeException ex) {
			// unknown: assume an old kernel, which only makes us cap the backlog at 65535
			return new int[] { 0, 0 };
		}
	}

}
