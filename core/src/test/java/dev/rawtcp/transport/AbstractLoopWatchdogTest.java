package dev.rawtcp.transport;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.rawtcp.Connection;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.internal.AbstractEventLoopGroup;
import dev.rawtcp.internal.LoopWatchdog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group's watchdog against real loops: a handler that blocks its loop past the threshold
 * is reported once per episode, with the loop's stack and the listener, and counted; a
 * connection on the other loop is not held up.
 */
public abstract class AbstractLoopWatchdogTest extends TransportTestSupport {

	private static final Duration THRESHOLD = Duration.ofMillis(500);

	private final Logger logger = (Logger) LoggerFactory.getLogger(LoopWatchdog.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@BeforeEach
	void capture() {
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void release() {
		this.logger.detachAppender(this.appender);
	}

	@Override
	protected EventLoopGroup newGroup() {
		EventLoopGroup created = EventLoopGroups.create(transport(), 2, THRESHOLD);
		track(created);
		return created;
	}

	@Test
	void shouldWarnOnceWithTheStackAndTheListenerWhenAHandlerBlocksItsLoop() throws Exception {
		SleepingHandler handler = new SleepingHandler(Duration.ofSeconds(3));
		Listener listener = bind(config("sleepy"), handler);
		Socket sleeper = connect(listener);
		Socket bystander = connect(listener);
		assertThat(echo(bystander, bytes("hello"))).asString().isEqualTo("hello");
		sleeper.getOutputStream().write(bytes("S"));
		Awaitility.await().until(() -> !warnings().isEmpty());
		assertThat(handler.sleeping.get()).isTrue();
		assertThat(echo(bystander, bytes("other loop"))).asString().as("a connection on the other loop")
			.isEqualTo("other loop");
		assertThat(handler.sleeping.get()).as("answered while the handler still slept").isTrue();
		assertThat(sleeper.getInputStream().readNBytes(1)).asString().isEqualTo("S");
		assertThat(warnings()).as("one episode, one WARN").hasSize(1);
		assertThat(listener.stats().loopBlocked()).isEqualTo(1);
		assertThat(group().stats().blocked()).isZero();
		ILoggingEvent warning = warnings().get(0);
		assertThat(warning.getFormattedMessage()).contains("listener 'sleepy'", "threshold 500 ms");
		assertThat(warning.getThrowableProxy().getStackTraceElementProxyArray()).as("the loop thread's stack")
			.anySatisfy((frame) -> assertThat(frame.getSTEAsString()).contains("SleepingHandler.onData"));
		assertThat(echo(sleeper, bytes("awake"))).asString().isEqualTo("awake");
		assertThat(warnings()).hasSize(1);
	}

	@Test
	void shouldCountABlockingTaskWithoutAListener() throws Exception {
		Listener listener = bind(config("tasks"), ECHO);
		AtomicBoolean done = new AtomicBoolean();
		((AbstractEventLoopGroup<?>) group()).loop(0).execute(() -> {
			sleep(Duration.ofSeconds(1));
			done.set(true);
		});
		Awaitility.await().until(done::get);
		Awaitility.await().until(() -> group().stats().blocked() == 1);
		assertThat(warnings()).hasSize(1);
		assertThat(warnings().get(0).getFormattedMessage()).doesNotContain("listener '");
		assertThat(listener.stats().loopBlocked()).isZero();
		Socket client = connect(listener);
		assertThat(echo(client, bytes("after"))).asString().isEqualTo("after");
	}

	protected final List<ILoggingEvent> warnings() {
		return List.copyOf(this.appender.list).stream().filter((e) -> e.getLevel() == Level.WARN).toList();
	}

	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Echoes; sleeps on the loop first when a message starts with {@code S}. */
	static final class SleepingHandler implements TcpHandler {

		final AtomicBoolean sleeping = new AtomicBoolean();

		private final Duration sleep;

		SleepingHandler(Duration sleep) {
			this.sleep = sleep;
		}

		@Override
		public void onData(Connection connection, ByteBuffer data) {
			if (data.get(data.position()) == 'S') {
				this.sleeping.set(true);
				sleep(this.sleep);
				this.sleeping.set(false);
			}
			connection.write(data);
		}

	}

}
