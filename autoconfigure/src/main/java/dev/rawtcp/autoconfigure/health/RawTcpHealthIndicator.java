package dev.rawtcp.autoconfigure.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerState;
import dev.rawtcp.autoconfigure.RawTcpServer;
import dev.rawtcp.autoconfigure.endpoint.AddressText;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for a rawtcp server:
 * UP when every listener is running and every event loop is alive; DOWN naming the listener
 * that failed to bind, died or stopped, or the dead event loop; OUT_OF_SERVICE while the
 * server is not started or is stopping (its readiness delay included), and while a listener
 * is paused or draining. Put in the readiness group, it takes the application out of a load
 * balancer's rotation without a liveness failure.
 */
public final class RawTcpHealthIndicator extends AbstractHealthIndicator {

	private final RawTcpServer server;

	/**
	 * Create an indicator.
	 * @param server the server to check
	 */
	public RawTcpHealthIndicator(RawTcpServer server) {
		super("rawtcp health check failed");
		Assert.notNull(server, "'server' must not be null");
		this.server = server;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		EventLoopGroup group = this.server.getEventLoopGroup();
		List<String> problems = new ArrayList<>();
		List<String> notAccepting = new ArrayList<>();
		Map<String, Object> listeners = new LinkedHashMap<>();
		this.server.getListeners().forEach((name, listener) -> {
			listeners.put(name, describe(listener));
			ListenerState state = listener.state();
			if (state == ListenerState.PAUSED || state == ListenerState.DRAINING) {
				notAccepting.add("listener '" + name + "' is " + state.value());
			}
			else if (state != ListenerState.RUNNING) {
				problems.add("listener '" + name + "' is " + state.value());
			}
		});
		Map<String, String> failures = new LinkedHashMap<>();
		this.server.getFailures().forEach((name, failure) -> {
			failures.put(name, String.valueOf(failure.getMessage()));
			problems.add("listener '" + name + "' failed: " + failure.getMessage());
		});
		boolean alive = group.isAlive();
		if (!alive) {
			problems.add("an event loop of the " + group.transport().tagValue() + " group died");
		}
		builder.withDetail("transport", group.transport().tagValue())
			.withDetail("eventLoops", Map.of("threads", group.threads(), "alive", alive))
			.withDetail("listeners", listeners);
		if (!failures.isEmpty()) {
			builder.withDetail("failures", failures);
		}
		if (this.server.isStopping()) {
			// Readiness delay (listeners still accept) or drain: out of rotation, not failed.
			builder.outOfService().withDetail("reason", "rawtcp server is stopping");
		}
		else if (!this.server.isRunning() && failures.isEmpty()) {
			// Not started yet, or stopped: stopped listeners and loops are expected.
			builder.outOfService().withDetail("reason", "rawtcp server is not running");
		}
		else if (!problems.isEmpty()) {
			builder.down().withDetail("reason", String.join("; ", problems));
		}
		else if (!notAccepting.isEmpty()) {
			builder.outOfService().withDetail("reason", String.join("; ", notAccepting));
		}
		else {
			builder.up();
		}
	}

	private static Map<String, Object> describe(Listener listener) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", listener.state().value());
		details.put("address", AddressText.of(listener.localAddress()));
		details.put("activeConnections", listener.activeConnections());
		return details;
	}

}
