package dev.rawtcp.reliability;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.EventLoopGroups;

/**
 * An echo server for tests that need a process of their own (a low {@code ulimit -n}):
 * binds 127.0.0.1:0 with the transport named in {@code args[0]}, prints
 * {@code PORT <port> FDS <open fds>}, then answers each {@code STATS} line on stdin with one
 * {@code STATS key=value ...} line. Ends at end of stdin.
 */
public final class EchoServerMain {

	private EchoServerMain() {
	}

	public static void main(String[] args) throws Exception {
		Transport transport = Transport.valueOf(args[0]);
		try (EventLoopGroup group = EventLoopGroups.create(transport, 1)) {
			Listener listener = group.bind(ListenerConfig.builder("fd").host("127.0.0.1").port(0).build(),
					(connection, data) -> connection.write(data));
			System.out.println("PORT " + listener.port() + " FDS " + openFds());
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
			for (String command; (command = commands.readLine()) != null;) {
				if (command.equals("STATS")) {
					ListenerStats stats = listener.stats();
					System.out.println("STATS accepted=" + stats.accepted() + " active=" + stats.active() + " emfile="
							+ stats.acceptErrors("EMFILE") + " normal=" + stats.closed(CloseReason.NORMAL) + " fds="
							+ openFds());
				}
			}
		}
	}

	private static int openFds() {
		String[] fds = new File("/proc/self/fd").list();
		return (fds != null) ? fds.length : -1;
	}

}
