package dev.rawtcp.sample;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.rawtcp.Connection;
import dev.rawtcp.test.EmbeddedConnection;
import dev.rawtcp.test.TcpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/testing.md} covers every public method of the test module's classes.
 */
class TestingDocsTests {

	@Test
	void shouldDocumentEveryPublicMethodOfTheTestSupport() throws IOException {
		String doc = Files.readString(DocsFiles.docs("testing.md"));
		Set<String> connectionMethods = new TreeSet<>();
		Arrays.stream(Connection.class.getMethods()).map(Method::getName).forEach(connectionMethods::add);
		Set<String> undocumented = new TreeSet<>();
		for (Class<?> type : List.of(EmbeddedConnection.class, EmbeddedConnection.Builder.class, TcpTestClient.class)) {
			Stream.of(type.getDeclaredMethods())
				.filter((method) -> Modifier.isPublic(method.getModifiers()))
				.map(Method::getName)
				.filter((name) -> type != EmbeddedConnection.class || !connectionMethods.contains(name))
				.filter((name) -> !name.equals("toString"))
				.filter((name) -> !doc.contains("`" + name + "(") && !doc.contains("." + name + "("))
				.forEach((name) -> undocumented.add(type.getSimpleName() + "." + name));
		}
		assertThat(undocumented).as("public methods not in docs/testing.md").isEmpty();
	}

}
