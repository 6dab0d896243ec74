package dev.rawtcp.transport;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractListenerTest} on the nio transport, plus what only nio does: report
 * kernel-only facts as absent.
 */
class NioListenerTest extends AbstractListenerTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

	@Test
	void shouldReportKernelOnlyFactsAsAbsent() throws Exception {
		CompletableFuture<Connection> opened = new CompletableFuture<>();
		Listener listener = bind(config("absent").backlog(77), echoReportingOpens(opened::complete));
		assertThat(listener.configuredBacklog()).isEqualTo(77);
		assertThat(listener.effectiveBacklog()).isEmpty();
		assertThat(listener.acceptQueueSize()).isEmpty();
		assertThat(listener.socketOptions().reuseAddress()).isTrue();
		assertThat(listener.socketOptions().userTimeoutMillis()).isNull();
		connect(listener);
		Connection connection = opened.get(10, TimeUnit.SECONDS);
		assertThat(connection.tcpInfo()).isEmpty();
		assertThat(connection.socketOptions().userTimeoutMillis()).isNull();
		assertThat(listener.connections(1)).singleElement().satisfies((info) -> assertThat(info.tcpInfo()).isNull());
	}

	@Test
	void shouldSayOnceThatUserTimeoutIsIgnored() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger("dev.rawtcp.nio.NioEventLoopGroup");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			Listener listener = bind(config("ut").userTimeout(Duration.ofSeconds(5)), ECHO);
			try (Socket socket = connect(listener)) {
				assertThat(echo(socket, random(10, 1))).isEqualTo(random(10, 1));
			}
			assertThat(appender.list).filteredOn((event) -> event.getFormattedMessage().contains("user-timeout"))
				.singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("'user-timeout'"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

}
