package dev.rawtcp.nio;

import java.net.Socket;
import java.util.Arrays;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.AbstractStreamPollerTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractStreamPollerTest} on the nio transport: a level-triggered {@link java.nio.channels.Selector}
 * per loop, polled by a virtual thread; and what happens when that poller fails.
 */
class NioStreamPollerTest extends AbstractStreamPollerTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

	@Override
	protected boolean pollerEnabled() {
		return NioStreamPoller.ENABLED && NioStreamPoller.SELECT_PARKS;
	}

	@Override
	protected long pollerDispatched(EventLoopGroup group, int loop) {
		NioStreamPoller poller = ((NioEventLoopGroup) group).loop(loop).streamPoller();
		return (poller != null) ? poller.dispatched() : -1;
	}

	/**
	 * When a poller fails (here: its selector closed under it), the handlers it would have woken
	 * wait through the loop instead: connections open at the time and new ones keep working. The
	 * failure is logged once per poller, as an error (captured here, not printed).
	 */
	@Test
	void shouldKeepServingThroughTheLoopWhenThePollerFails() throws Exception {
		assumePoller();
		Logger logger = (Logger) LoggerFactory.getLogger(NioStreamPoller.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		logger.setAdditive(false);
		int killed = 0;
		try {
			killed = killPollersAndKeepEchoing();
		}
		finally {
			logger.setAdditive(true);
			logger.detachAppender(appender);
		}
		assertThat(killed).isPositive();
		assertThat(appender.list).filteredOn((event) -> event.getLevel() == Level.ERROR)
			.hasSize(killed)
			.allSatisfy((event) -> assertThat(event.getFormattedMessage()).contains("stream poller")
				.contains("died"));
	}

	private int killPollersAndKeepEchoing() throws Exception {
		int killed = 0;
		Listener listener = group().bind(ListenerConfig.builder("fails").host("127.0.0.1").port(0).build(),
				STREAM_ECHO);
		byte[] payload = random(100_000, 9);
		try (Socket before = connect(listener)) {
			assertThat(Arrays.equals(echo(before, payload), payload)).as("echo on the connection open before").isTrue();
			NioEventLoopGroup nio = (NioEventLoopGroup) group();
			for (int i = 0; i < nio.threads(); i++) {
				NioStreamPoller poller = nio.loop(i).streamPoller();
				if (poller != null) {
					poller.selector.close();
					Awaitility.await().until(poller::dead);
					killed++;
				}
			}
			assertThat(Arrays.equals(echo(before, payload), payload)).as("echo on the connection open before").isTrue();
			for (int i = 0; i < 20; i++) {
				try (Socket after = connect(listener)) {
					assertThat(Arrays.equals(echo(after, payload), payload)).as("echo on a connection opened after").isTrue();
				}
			}
		}
		return killed;
	}

}
