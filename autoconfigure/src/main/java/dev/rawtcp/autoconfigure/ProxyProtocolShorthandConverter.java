package dev.rawtcp.autoconfigure;

import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

import dev.rawtcp.autoconfigure.RawTcpProperties.ListenerProperties;
import dev.rawtcp.autoconfigure.RawTcpProperties.ProxyProtocol;
import dev.rawtcp.proxy.ProxyProtocolMode;

/**
 * Binds the shorthand {@code proxy-protocol: required} to the {@code proxy-protocol} object
 * with that mode (a YAML key cannot hold both a value and children, so the object's other
 * settings need the long form {@code proxy-protocol.mode}). YAML reads a bare {@code off} as
 * the boolean {@code false}, which is taken as {@code off} too. Mixing both forms on one key in a
 * properties file leaves the children unbound, which fails startup naming them.
 */
final class ProxyProtocolShorthandConverter implements GenericConverter {

	private static final Set<ConvertiblePair> PAIRS = Set.of(new ConvertiblePair(String.class, ProxyProtocol.class),
			new ConvertiblePair(String.class, ListenerProperties.ProxyProtocol.class),
			new ConvertiblePair(Boolean.class, ProxyProtocol.class),
			new ConvertiblePair(Boolean.class, ListenerProperties.ProxyProtocol.class));

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return PAIRS;
	}

	@Override
	public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (source == null) {
			return null;
		}
		ProxyProtocolMode mode = mode(source.toString());
		if (targetType.getType() == ProxyProtocol.class) {
			ProxyProtocol proxyProtocol = new ProxyProtocol();
			proxyProtocol.setMode(mode);
			return proxyProtocol;
		}
		ListenerProperties.ProxyProtocol proxyProtocol = new ListenerProperties.ProxyProtocol();
		proxyProtocol.setMode(mode);
		return proxyProtocol;
	}

	static ProxyProtocolMode mode(String value) {
		String text = value.strip().toLowerCase(Locale.ROOT);
		return switch (text) {
			case "off", "false" -> ProxyProtocolMode.OFF;
			case "optional" -> ProxyProtocolMode.OPTIONAL;
			case "required" -> ProxyProtocolMode.REQUIRED;
			default -> throw new IllegalArgumentException(
					"'" + value + "' is not a PROXY protocol mode: expected off, optional or required");
		};
	}

}
