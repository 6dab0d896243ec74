package dev.rawtcp.transport;

import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractLoopWatchdogTest} on the nio transport, and the issue's own case once (it takes
 * 5 s): a 5 s sleep in {@code onData} at the default threshold.
 */
class NioLoopWatchdogTest extends AbstractLoopWatchdogTest {

	@Override
	protected Transport transport() {
		return Transport.NIO;
	}

	@Test
	void shouldWarnOnceWhenOnDataSleepsFiveSecondsAtTheDefaultThreshold() throws Exception {
		EventLoopGroup defaults = EventLoopGroups.create(Transport.NIO, 1);
		track(defaults);
		Listener listener = defaults.bind(config("five").build(), new SleepingHandler(Duration.ofSeconds(5)));
		Socket client = connect(listener);
		client.getOutputStream().write(bytes("S"));
		assertThat(client.getInputStream().readNBytes(1)).asString().isEqualTo("S");
		assertThat(warnings()).as("one WARN").hasSize(1);
		assertThat(warnings().get(0).getFormattedMessage()).contains("threshold 2000 ms", "listener 'five'");
		assertThat(warnings().get(0).getThrowableProxy()).as("with the loop's stack").isNotNull();
		assertThat(listener.stats().loopBlocked()).as("one count").isEqualTo(1);
	}

}
