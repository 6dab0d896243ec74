package dev.rawtcp.transport;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.internal.Loop;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection deadlines with real sockets: a loop holds one deadline per connection that needs
 * one (idle timeout on, closing, lingering) and none for the others, and once the last
 * graceful close is over its next wake-up is the next idle deadline again, not a scan. Subclassed
 * in each transport's package, which can see its loops.
 */
public abstract class AbstractDeadlineTest extends TransportTestSupport {

	private static final Duration IDLE = Duration.ofSeconds(60);

	/**
	 * @param group a group of this transport
	 * @param index the index of one of its loops
	 * @return that loop
	 */
	protected abstract Loop loop(EventLoopGroup group, int index);

	@Test
	void shouldHoldOneDeadlinePerConnectionThatNeedsOneAndRestAfterGracefulCloses() throws Exception {
		Listener idle = bind(config("idle").idleTimeout(IDLE), ECHO);
		Listener plain = bind(config("plain"), ECHO);
		List<Socket> idleClients = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			Socket socket = connect(idle);
			echo(socket, new byte[] { (byte) i });
			idleClients.add(socket);
			echo(connect(plain), new byte[] { (byte) i });
		}
		assertThat(deadlines()).as("one per connection with an idle timeout, none for the others").isEqualTo(8);
		long closedAt = System.nanoTime();
		for (Socket socket : idleClients.subList(0, 4)) {
			// the server reads end of stream and closes gracefully: a FIN, then it lingers until ours
			socket.shutdownOutput();
			assertThat(closedByServer(socket)).isTrue();
			socket.close();
		}
		Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> idle.activeConnections() == 4);
		assertThat(deadlines()).isEqualTo(4);
		assertThat(nextDeadline() - closedAt).as("the next wake-up is an idle deadline, not a scan")
			.isGreaterThan(IDLE.toNanos() / 2);
		for (Socket socket : idleClients.subList(4, 8)) {
			socket.close();
		}
		Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> idle.activeConnections() == 0);
		assertThat(deadlines()).isZero();
		assertThat(nextDeadline()).as("no deadline: the loops wait for events only").isEqualTo(Long.MAX_VALUE);
	}

	private int deadlines() {
		int total = 0;
		for (int i = 0; i < group().threads(); i++) {
			Loop loop = loop(group(), i);
			Integer size = loop.call(() -> loop.deadlines().size(), 5000);
			assertThat(size).isNotNull();
			total += size;
		}
		return total;
	}

	private long nextDeadline() {
		long next = Long.MAX_VALUE;
		for (int i = 0; i < group().threads(); i++) {
			Loop loop = loop(group(), i);
			Long deadline = loop.call(() -> loop.deadlines().nextDeadline(), 5000);
			assertThat(deadline).isNotNull();
			if (deadline != Long.MAX_VALUE && (next == Long.MAX_VALUE || deadline - next < 0)) {
				next = deadline;
			}
		}
		return next;
	}

}
