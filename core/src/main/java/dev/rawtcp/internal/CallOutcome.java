package dev.rawtcp.internal;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a call on an event loop ended: with a result, with a failure (the exception the task
 * threw, an errno in a {@code NativeIoException} on epoll), with a time-out (the task never
 * ran and never will), or with the loop gone (its thread ended before the task could run).
 * Internal.
 *
 * @param <T> the result type
 */
public final class CallOutcome<T> {

	/** The four ways a call ends. */
	public enum Kind {

		/** The task ran and returned a value (which may be {@code null}). */
		RESULT,

		/** The task ran and threw. */
		FAILURE,

		/** The loop did not run the task in time; it was cancelled and will never run. */
		TIMED_OUT,

		/** The loop's thread has ended; the task did not run. */
		LOOP_GONE

	}

	private final Kind kind;

	private final @Nullable T value;

	private final @Nullable Throwable failure;

	private final String loopName;

	private CallOutcome(Kind kind, @Nullable T value, @Nullable Throwable failure, String loopName) {
		this.kind = kind;
		this.value = value;
		this.failure = failure;
		this.loopName = loopName;
	}

	static <T> CallOutcome<T> result(@Nullable T value, String loopName) {
		return new CallOutcome<>(Kind.RESULT, value, null, loopName);
	}

	static <T> CallOutcome<T> failure(Throwable failure, String loopName) {
		return new CallOutcome<>(Kind.FAILURE, null, Objects.requireNonNull(failure), loopName);
	}

	static <T> CallOutcome<T> timedOut(String loopName) {
		return new CallOutcome<>(Kind.TIMED_OUT, null, null, loopName);
	}

	static <T> CallOutcome<T> loopGone(String loopName) {
		return new CallOutcome<>(Kind.LOOP_GONE, null, null, loopName);
	}

	/** @return how the call ended */
	public Kind kind() {
		return this.kind;
	}

	/** @return whether the task ran and returned */
	public boolean isResult() {
		return this.kind == Kind.RESULT;
	}

	/** @return whether the task ran (it returned or threw) */
	public boolean ran() {
		return this.kind == Kind.RESULT || this.kind == Kind.FAILURE;
	}

	/** @return the task's value if it returned, else {@code null}: for snapshots, where absence is the answer */
	public @Nullable T valueOrNull() {
		return this.value;
	}

	/** @return what the task threw, {@code null} unless {@link Kind#FAILURE} */
	public @Nullable Throwable failure() {
		return this.failure;
	}

	/** @return a sentence saying why the call has no value, naming the loop ("" for a result) */
	public String describe() {
		return switch (this.kind) {
			case RESULT -> "";
			case FAILURE -> "event loop " + this.loopName + " failed the task: " + this.failure;
			case TIMED_OUT -> "event loop " + this.loopName + " did not run the task in time; it will not run it";
			case LOOP_GONE -> "event loop " + this.loopName + " is gone";
		};
	}

	@Override
	public String toString() {
		return (this.kind == Kind.RESULT) ? "RESULT(" + this.value + ")" : this.kind + ": " + describe();
	}

}
