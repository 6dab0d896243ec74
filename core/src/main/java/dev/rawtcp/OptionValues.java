package dev.rawtcp;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * How {@link ListenerOption} values are compared and written in messages: ranges in words,
 * durations as configuration writes them ({@code 15s}, {@code 24d}), sizes with a {@code B},
 * enums by their configuration value.
 */
final class OptionValues {

	private static final long[] UNITS = { 86_400_000, 3_600_000, 60_000, 1000 };

	private static final String[] SUFFIXES = { "d", "h", "m", "s" };

	private OptionValues() {
	}

	static String range(Class<?> type, @Nullable Object minimum, @Nullable Object maximum) {
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants()).map(OptionValues::format)
				.collect(Collectors.joining(", "));
		}
		if (minimum == null || maximum == null) {
			return "true or false";
		}
		return "between " + format(minimum) + " and " + format(maximum);
	}

	@SuppressWarnings("unchecked")
	static int compare(Object value, @Nullable Object bound) {
		return (bound != null) ? ((Comparable<Object>) value).compareTo(bound) : 0;
	}

	static String format(@Nullable Object value) {
		if (value instanceof Duration duration) {
			return formatDuration(duration);
		}
		if (value instanceof Long bytes) {
			return bytes + "B";
		}
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
		}
		return String.valueOf(value);
	}

	private static String formatDuration(Duration duration) {
		long millis = duration.toMillis();
		if (!duration.equals(Duration.ofMillis(millis))) {
			return duration.toString();
		}
		for (int i = 0; i < UNITS.length; i++) {
			if (millis != 0 && millis % UNITS[i] == 0) {
				return (millis / UNITS[i]) + SUFFIXES[i];
			}
		}
		return (millis == 0) ? "0s" : millis + "ms";
	}

}
