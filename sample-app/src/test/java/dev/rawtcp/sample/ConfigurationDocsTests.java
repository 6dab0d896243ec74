package dev.rawtcp.sample;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.rawtcp.autoconfigure.RawTcpProperties;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} against the configuration metadata the annotation processor
 * generates: its reference table is rendered from the metadata and must match it exactly, so a
 * property added, renamed or re-described in {@code RawTcpProperties} fails this test until the
 * docs follow. Run with {@code -Drawtcp.docs.update=true} to rewrite the table.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConfigurationDocsTests {

	static final String BEGIN = "<!-- BEGIN table generated from META-INF/spring-configuration-metadata.json by "
			+ "ConfigurationDocsTests: do not edit by hand -->";

	static final String END = "<!-- END generated table -->";

	private static final String UPDATE = "mvn -B -q -pl sample-app -am test -Dtest=ConfigurationDocsTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -Drawtcp.docs.update=true";

	private static final List<String> PREFIXES = List.of("rawtcp.", "management.endpoint.rawtcp.");

	@Test
	void shouldFindTheRawtcpPropertiesInTheMetadata() throws IOException {
		assertThat(metadata()).extracting(Property::name)
			.contains("rawtcp.backlog", "rawtcp.keepalive.period", "rawtcp.listeners", "rawtcp.shutdown.grace-period");
	}

	@Test
	void shouldDocumentEveryPropertyOfTheMetadata() throws IOException {
		String doc = Files.readString(DocsFiles.docs("configuration.md"));
		List<String> missing = metadata().stream()
			.map(Property::name)
			.filter((name) -> !doc.contains("`" + name + "`"))
			.toList();
		assertThat(missing).as("properties in the metadata missing from docs/configuration.md; run " + UPDATE)
			.isEmpty();
	}

	@Test
	void shouldMatchTheReferenceTableRenderedFromTheMetadata() throws IOException {
		Path file = DocsFiles.docs("configuration.md");
		String doc = Files.readString(file);
		int begin = doc.indexOf(BEGIN);
		int end = doc.indexOf(END);
		assertThat(begin).as("marker in docs/configuration.md: " + BEGIN).isNotNegative();
		assertThat(end).as("marker in docs/configuration.md: " + END).isGreaterThan(begin);
		String documented = doc.substring(begin + BEGIN.length(), end);
		String rendered = "\n" + table(metadata(), listenerPropertyNames()) + "\n";
		if (!documented.equals(rendered) && Boolean.getBoolean("rawtcp.docs.update")) {
			Files.writeString(file, doc.substring(0, begin + BEGIN.length()) + rendered + doc.substring(end));
			return;
		}
		assertThat(documented).as("docs/configuration.md differs from the metadata; run " + UPDATE).isEqualTo(rendered);
	}

	@Test
	void shouldHaveATopLevelDefaultForEveryPerListenerProperty() throws IOException {
		Set<String> topLevel = metadata().stream().map(Property::name).collect(Collectors.toSet());
		assertThat(listenerPropertyNames()).isNotEmpty()
			.allSatisfy((name) -> assertThat(topLevel).as("rawtcp.listeners.<name>.%s has no rawtcp.%s", name, name)
				.contains("rawtcp." + name));
	}

	static String table(List<Property> properties, Set<String> perListener) {
		StringBuilder table = new StringBuilder("| property | type | default | per listener | description |\n");
		table.append("|---|---|---|---|---|\n");
		for (Property property : properties) {
			boolean overridable = property.name().startsWith("rawtcp.")
					&& perListener.contains(property.name().substring("rawtcp.".length()));
			table.append("| `")
				.append(property.name())
				.append("` | ")
				.append(type(property))
				.append(" | ")
				.append((property.defaultValue() != null) ? "`" + property.defaultValue() + "`" : "")
				.append(" | ")
				.append(overridable ? "yes" : "")
				.append(" | ")
				.append(property.description().replace("|", "\\|"))
				.append(" |\n");
		}
		return table.toString().strip();
	}

	private static String type(Property property) {
		if (!property.values().isEmpty()) {
			return property.values().stream().map((value) -> "`" + value + "`").collect(Collectors.joining(" \\| "));
		}
		String type = property.type();
		if (type.startsWith("java.util.Map<")) {
			return "map of name to listener";
		}
		if (type.startsWith("java.util.List<") && type.endsWith("ServerNameSslBundle>")) {
			return "list of `server-name` and `bundle`";
		}
		return switch (type) {
			case "java.lang.Integer", "int" -> "integer";
			case "java.lang.Boolean", "boolean" -> "boolean";
			case "java.lang.String" -> "string";
			case "java.time.Duration" -> "duration";
			case "org.springframework.util.unit.DataSize" -> "data size";
			case "java.util.List<java.lang.String>" -> "list of strings";
			default -> enumValues(type);
		};
	}

	private static String enumValues(String type) {
		try {
			Class<?> enumType = ClassUtils.forName(type, ConfigurationDocsTests.class.getClassLoader());
			Object[] constants = enumType.getEnumConstants();
			if (constants != null) {
				return Arrays.stream(constants)
					.map((constant) -> "`" + ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-') + "`")
					.collect(Collectors.joining(" \\| "));
			}
		}
		catch (ClassNotFoundException | LinkageError ex) {
			// fall through to the simple name
		}
		return "`" + type.substring(type.lastIndexOf('.') + 1).replace('$', '.') + "`";
	}

	/**
	 * The metadata of every rawtcp property on the class path, sorted by name.
	 * @return the properties
	 * @throws IOException if a metadata file cannot be read
	 */
	static List<Property> metadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		Map<String, Property> properties = new HashMap<>();
		Map<String, List<String>> hints = new HashMap<>();
		List<URL> files = Collections.list(ConfigurationDocsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		for (URL url : files) {
			JsonNode root;
			try (InputStream in = url.openStream()) {
				root = json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
			for (JsonNode hint : root.path("hints")) {
				List<String> values = new ArrayList<>();
				hint.path("values").forEach((value) -> values.add(value.path("value").asString()));
				hints.put(hint.path("name").asString(), values);
			}
			for (JsonNode node : root.path("properties")) {
				String name = node.path("name").asString();
				if (PREFIXES.stream().noneMatch(name::startsWith) || node.has("deprecation")) {
					continue;
				}
				JsonNode defaultValue = node.get("defaultValue");
				properties.put(name, new Property(name, node.path("type").asString(""),
						(defaultValue != null && !defaultValue.isNull()) ? defaultValue.asString() : null,
						node.path("description").asString(""), List.of()));
			}
		}
		return properties.values()
			.stream()
			.map((p) -> new Property(p.name(), p.type(), p.defaultValue(), p.description(),
					hints.getOrDefault(p.name(), List.of())))
			.sorted((a, b) -> order(a).compareTo(order(b)))
			.toList();
	}

	private static String order(Property property) {
		// rawtcp.* first, then the Actuator endpoint's properties
		return (property.name().startsWith("rawtcp.") ? "0" : "1") + property.name();
	}

	/**
	 * The paths under {@code rawtcp.listeners.<name>.}, from the listener properties class.
	 * @return the relative property names, e.g. {@code keepalive.idle}
	 */
	static Set<String> listenerPropertyNames() {
		Set<String> names = new TreeSet<>();
		collect(RawTcpProperties.ListenerProperties.class, "", names);
		return names;
	}

	private static void collect(Class<?> type, String prefix, Set<String> names) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			String name = prefix + kebab(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (propertyType.getEnclosingClass() != null
					&& propertyType.getName().startsWith(RawTcpProperties.class.getName())) {
				collect(propertyType, name + ".", names);
			}
			else {
				names.add(name);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	record Property(String name, String type, @Nullable String defaultValue, String description, List<String> values) {
	}

}
