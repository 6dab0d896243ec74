package dev.rawtcp.transport;

import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.internal.AbstractEventLoopGroup;
import dev.rawtcp.internal.Loop;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A loop outlives what reaches it unexpectedly: each case runs on a group of one loop, so that
 * the bystander connection shares the loop that fails.
 */
public abstract class AbstractLoopFailureTest extends TransportTestSupport {

	@Override
	protected EventLoopGroup newGroup() {
		EventLoopGroup created = EventLoopGroups.create(transport(), 1);
		track(created);
		return created;
	}

	@Test
	void shouldResetOnlyTheConnectionWhoseEventThrowsWhatCannotEvenBeLogged() throws Exception {
		// the handler's exception is caught, but logging it throws (its message cannot be read): that
		// escaped into the loop and, before, ended it with every connection on it
		Listener listener = bind(config("unprintable"), (connection, data) -> {
			if (data.get(data.position()) == 'X') {
				throw new UnprintableException();
			}
			connection.write(data);
		});
		Socket bystander = connect(listener);
		assertThat(echo(bystander, bytes("hello"))).asString().isEqualTo("hello");
		Socket bad = connect(listener);
		bad.getOutputStream().write('X');
		assertThat(closedByServer(bad)).isTrue();
		Awaitility.await().until(() -> listener.stats().loopFailures() == 1);
		Awaitility.await().until(() -> listener.stats().closed(CloseReason.ERROR) == 1);
		assertThat(echo(bystander, bytes("still here"))).asString().isEqualTo("still here");
		assertThat(group().isAlive()).isTrue();
		assertThat(group().stats().failures()).isZero();
	}

	@Test
	void shouldKeepServingWhenATaskThrowsAnOutOfMemoryError() throws Exception {
		Listener listener = bind(config("oom-task"), ECHO);
		Socket bystander = connect(listener);
		assertThat(echo(bystander, bytes("hello"))).asString().isEqualTo("hello");
		loop().execute(() -> {
			throw new OutOfMemoryError("thrown by the test");
		});
		Awaitility.await().until(() -> group().stats().failures() == 1);
		assertThat(echo(bystander, bytes("still here"))).asString().isEqualTo("still here");
		Socket newcomer = connect(listener);
		assertThat(echo(newcomer, bytes("new"))).asString().isEqualTo("new");
		assertThat(group().isAlive()).isTrue();
		assertThat(listener.stats().loopFailures()).isZero();
	}

	@Test
	void shouldDeclareTheLoopDeadWhenEveryIterationEndsWithAnError() throws Exception {
		Listener listener = bind(config("oom-forever"), ECHO);
		Socket bystander = connect(listener);
		assertThat(echo(bystander, bytes("hello"))).asString().isEqualTo("hello");
		Loop loop = loop();
		loop.execute(new Runnable() {

			@Override
			public void run() {
				// comes back at the next iteration, and fails again
				loop.schedule(0, this);
				throw new OutOfMemoryError("thrown by the test, for ever");
			}

		});
		Awaitility.await().until(() -> !group().isAlive());
		assertThat(closedByServer(bystander)).as("the dead loop closed its connections").isTrue();
		assertThat(group().stats().failures()).isGreaterThanOrEqualTo(16);
	}

	private Loop loop() {
		return ((AbstractEventLoopGroup<?>) group()).loop(0);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** An exception whose message cannot be read: printing it throws. */
	static final class UnprintableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		@Override
		public String getMessage() {
			throw new IllegalStateException("no message (thrown by the test)");
		}

	}

}
