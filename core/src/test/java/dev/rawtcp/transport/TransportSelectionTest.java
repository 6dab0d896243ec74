package dev.rawtcp.transport;

import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Transport;
import dev.rawtcp.TransportUnavailableException;
import dev.rawtcp.epoll.Epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * How {@code auto} picks a transport, and that it says which and why.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportSelectionTest {

	private final Logger logger = (Logger) LoggerFactory.getLogger(EventLoopGroups.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@BeforeEach
	void captureLog() {
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void releaseLog() {
		this.logger.detachAppender(this.appender);
	}

	private static Transport expectedForAuto() {
		return Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
	}

	@Test
	void shouldLogOneLineSayingWhichTransportAutoChoseAndWhy() {
		Transport chosen = EventLoopGroups.resolve(Transport.AUTO);
		assertThat(chosen).isEqualTo(expectedForAuto());
		List<ILoggingEvent> events = this.appender.list;
		assertThat(events).hasSize(1);
		ILoggingEvent event = events.get(0);
		assertThat(event.getLevel()).isEqualTo(Level.INFO);
		assertThat(event.getFormattedMessage()).contains("'auto' chose " + chosen.tagValue());
		if (chosen == Transport.NIO) {
			assertThat(event.getFormattedMessage()).contains("epoll is unavailable");
		}
	}

	@Test
	void shouldTakeNioAsAskedWithoutALogLine() {
		assertThat(EventLoopGroups.resolve(Transport.NIO)).isEqualTo(Transport.NIO);
		assertThat(this.appender.list).isEmpty();
	}

	@Test
	void shouldFailClearlyWhenEpollIsAskedForWhereItCannotWork() {
		assumeFalse(Epoll.isAvailable(), "epoll works here");
		assertThatExceptionOfType(TransportUnavailableException.class)
			.isThrownBy(() -> EventLoopGroups.resolve(Transport.EPOLL))
			.withMessageContaining("rawtcp.transport=nio");
	}

	@Test
	void shouldCreateAGroupOfTheResolvedTransport() {
		try (EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 1)) {
			assertThat(group.transport()).isEqualTo(expectedForAuto());
			assertThat(group.threads()).isEqualTo(1);
		}
		try (EventLoopGroup group = EventLoopGroups.create(Transport.NIO, 0)) {
			assertThat(group.transport()).isEqualTo(Transport.NIO);
			assertThat(group.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
		}
	}

	@Test
	void shouldRejectANegativeThreadCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventLoopGroups.create(Transport.NIO, -1))
			.withMessageContaining("event-loop.threads");
	}

}
