package dev.rawtcp.autoconfigure.gettingstarted;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.rawtcp.CloseReason;
import dev.rawtcp.ConnectionGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.autoconfigure.RawTcpServer;

import static dev.rawtcp.autoconfigure.LoopbackClients.assertClosedByServer;
import static dev.rawtcp.autoconfigure.LoopbackClients.connect;
import static dev.rawtcp.autoconfigure.LoopbackClients.lines;
import static dev.rawtcp.autoconfigure.LoopbackClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The line chat of {@code docs/getting-started.md}, run as written there: the same
 * application class and {@code application.yml} (the docs show them verbatim, which the
 * second test checks), two clients over real sockets.
 */
@Timeout(60)
class GettingStartedChatTests {

	private static final String SOURCES = "src/test/java/dev/rawtcp/autoconfigure/gettingstarted";

	private static final Path MODULE = module();

	private static final Path GETTING_STARTED = MODULE.resolveSibling("docs").resolve("getting-started.md");

	private static final Path APPLICATION = MODULE.resolve(SOURCES).resolve("ChatApplication.java");

	private static final Path APPLICATION_YML = MODULE.resolve("src/test/resources/gettingstarted/chat.yml");

	private static final Pattern CODE_BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

	@Test
	void shouldBroadcastEachLineToTheOtherMembersOfTheChat() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ChatApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.config.location=classpath:/gettingstarted/chat.yml", "--rawtcp.listeners.chat.port=0",
					"--rawtcp.host=127.0.0.1")) {
			ConnectionGroup room = context.getBean(ConnectionGroup.class);
			Listener listener = context.getBean(RawTcpServer.class).getListener("chat").orElseThrow();
			assertThat(listener.mode()).isEqualTo(ListenerMode.EVENT_LOOP);
			int port = context.getEnvironment().getRequiredProperty("local.rawtcp.chat.port", Integer.class);
			try (Socket alice = connect(port)) {
				BufferedReader toAlice = lines(alice);
				await().atMost(Duration.ofSeconds(10)).until(() -> room.size() == 1);
				String bobName;
				try (Socket bob = connect(port)) {
					BufferedReader toBob = lines(bob);
					bobName = name(toAlice.readLine(), "\\* (user\\d+) joined");
					send(bob, "hello, alice\n");
					assertThat(toAlice.readLine()).isEqualTo(bobName + ": hello, alice");
					send(alice, "hi bob\r\n");
					assertThat(toBob.readLine()).matches("user\\d+: hi bob").doesNotStartWith(bobName);
				}
				assertThat(toAlice.readLine()).isEqualTo("* " + bobName + " left");
				await().atMost(Duration.ofSeconds(10)).until(() -> room.size() == 1);

				// chat.max-line-length: 1KB from the yml
				send(alice, "x".repeat(1025));
				assertClosedByServer(alice);
				await().atMost(Duration.ofSeconds(10)).until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
				assertThat(listener.stats().frameErrors()).isEqualTo(1);
				await().atMost(Duration.ofSeconds(10)).until(room::isEmpty);
			}
		}
	}

	@Test
	void shouldShowTheTestedApplicationAndYamlVerbatimInTheGettingStartedGuide() throws IOException {
		List<String> blocks = codeBlocks(Files.readString(GETTING_STARTED));
		String application = Files.readString(APPLICATION).replace("\t", "    ");
		String withoutPackage = application.substring(application.indexOf('\n') + 1).strip() + "\n";
		assertThat(blocks).contains(withoutPackage, Files.readString(APPLICATION_YML));
	}

	/** The autoconfigure module: the working directory in the build, maybe the repository's root in an IDE. */
	private static Path module() {
		Path here = Path.of("").toAbsolutePath();
		for (Path candidate : List.of(here, here.resolve("autoconfigure"))) {
			if (Files.isDirectory(candidate.resolve(SOURCES))) {
				return candidate;
			}
		}
		throw new IllegalStateException("No autoconfigure module at or below " + here);
	}

	private static List<String> codeBlocks(String markdown) {
		List<String> blocks = new ArrayList<>();
		Matcher matcher = CODE_BLOCK.matcher(markdown);
		while (matcher.find()) {
			blocks.add(matcher.group(2));
		}
		return blocks;
	}

	private static String name(String line, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(line);
		assertThat(matcher.matches()).as("'%s' matches %s", line, regex).isTrue();
		return matcher.group(1);
	}

}
