package dev.rawtcp.test;

import java.time.Duration;
import java.util.Arrays;

import dev.rawtcp.transport.EventLoopGroups;
import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;

import static org.awaitility.Awaitility.await;

/**
 * Real listeners on ephemeral loopback ports, served by one event loop of the best transport here.
 */
final class LoopbackListeners implements AutoCloseable {

	private final EventLoopGroup group = EventLoopGroups.create(Transport.AUTO, 1);

	Listener bind(String name, TcpHandler handler) {
		return this.group.bind(config(name), handler);
	}

	Listener bind(String name, TcpStreamHandler handler) {
		return this.group.bind(config(name), handler);
	}

	/**
	 * Wait until the listener's single connection is closed.
	 * @return why it was closed
	 */
	static CloseReason awaitOnlyCloseReason(Listener listener) {
		await().atMost(Duration.ofSeconds(10)).until(() -> closed(listener) == 1);
		return Arrays.stream(CloseReason.values())
			.filter((reason) -> listener.stats().closed(reason) == 1)
			.findFirst()
			.orElseThrow();
	}

	private static long closed(Listener listener) {
		return Arrays.stream(CloseReason.values()).mapToLong((reason) -> listener.stats().closed(reason)).sum();
	}

	private static ListenerConfig config(String name) {
		return ListenerConfig.builder(name).host("127.0.0.1").port(0).build();
	}

	@Override
	public void close() {
		this.group.close();
	}

}
