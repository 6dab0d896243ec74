package dev.rawtcp.sample;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's {@code docs/} folder from a test.
 */
final class DocsFiles {

	private DocsFiles() {
	}

	/**
	 * The {@code docs/} folder: the {@code rawtcp.docs.dir} system property (set by the build),
	 * else the nearest {@code docs/} above the working directory.
	 * @return the folder
	 */
	static Path docs() {
		String configured = System.getProperty("rawtcp.docs.dir");
		if (configured != null) {
			return Path.of(configured).toAbsolutePath().normalize();
		}
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("docs/architecture.md"))) {
				return dir.resolve("docs");
			}
		}
		throw new IllegalStateException("No docs/ folder above " + Path.of("").toAbsolutePath());
	}

	/**
	 * A file under {@code docs/}.
	 * @param name the relative path
	 * @return the path
	 */
	static Path docs(String name) {
		return docs().resolve(name);
	}

}
