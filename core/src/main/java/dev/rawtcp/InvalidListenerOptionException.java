package dev.rawtcp;

import org.jspecify.annotations.Nullable;

/**
 * A listener option has a value outside its range. Structured for whoever reports it: the
 * {@link #getOption() option} (with its property key and range), the {@link #getValue() value}
 * and the {@link #getReason() rule} it broke.
 */
public class InvalidListenerOptionException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final transient ListenerOption<?> option;

	private final transient @Nullable Object value;

	private final String reason;

	/**
	 * Create an exception.
	 * @param option the option
	 * @param value the offending value
	 * @param reason the rule it broke, e.g. {@code must be between 1 and 127}
	 */
	public InvalidListenerOptionException(ListenerOption<?> option, @Nullable Object value, String reason) {
		super("Invalid '" + option.key() + "' value '" + option.format(value) + "': " + reason);
		this.option = option;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * The option.
	 * @return the option
	 */
	public ListenerOption<?> getOption() {
		return this.option;
	}

	/**
	 * The offending value.
	 * @return the value, {@code null} if it was missing
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * The rule the value broke.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
