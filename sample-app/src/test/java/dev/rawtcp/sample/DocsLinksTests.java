package dev.rawtcp.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of {@code README.md} and {@code docs/**}{@code .md} leads to a file or folder
 * of the repository, and every {@code #anchor} to a heading of its target.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocsLinksTests {

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");

	private static final Pattern INLINE_CODE = Pattern.compile("`[^`\n]*`");

	private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*$");

	@Test
	void shouldLinkOnlyToExistingFilesAndHeadings() throws IOException {
		Path root = DocsFiles.docs().getParent();
		List<Path> pages = new ArrayList<>();
		pages.add(root.resolve("README.md"));
		try (Stream<Path> files = Files.walk(DocsFiles.docs())) {
			files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		List<String> broken = new ArrayList<>();
		int links = 0;
		for (Path page : pages) {
			Matcher link = LINK.matcher(prose(Files.readString(page)));
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("^[a-z]+:.*")) {
					continue;
				}
				links++;
				int hash = target.indexOf('#');
				String file = (hash >= 0) ? target.substring(0, hash) : target;
				Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(resolved) || !resolved.startsWith(root)) {
					broken.add(root.relativize(page) + ": " + target + " (no such file)");
				}
				else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
					broken.add(root.relativize(page) + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(links).as("relative links found").isGreaterThan(20);
		assertThat(broken).isEmpty();
	}

	@Test
	void shouldMakeGitHubAnchorsOfHeadings() {
		assertThat(slug("The listen backlog and the two kernel queues"))
			.isEqualTo("the-listen-backlog-and-the-two-kernel-queues");
		assertThat(slug("`SO_REUSEPORT`")).isEqualTo("so_reuseport");
		assertThat(slug("EMFILE: too many open files")).isEqualTo("emfile-too-many-open-files");
	}

	private static String prose(String markdown) {
		return INLINE_CODE.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("``");
	}

	private static Set<String> anchors(Path file) throws IOException {
		Set<String> anchors = new HashSet<>();
		if (Files.isRegularFile(file) && file.toString().endsWith(".md")) {
			Matcher heading = HEADING.matcher(FENCE.matcher(Files.readString(file)).replaceAll(""));
			while (heading.find()) {
				String slug = slug(heading.group(1));
				// GitHub numbers repeated headings: slug, slug-1, slug-2...
				String candidate = slug;
				for (int i = 1; !anchors.add(candidate); i++) {
					candidate = slug + "-" + i;
				}
			}
		}
		return anchors;
	}

	static String slug(String heading) {
		return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
	}

}
