package dev.rawtcp.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The servers measured side by side, each started as its own process.
 */
enum ServerKind {

	NETTY_EPOLL("netty-epoll", NettyEchoServer.class, "epoll"),

	RAWTCP_EPOLL("rawtcp-epoll", RawTcpEchoServer.class, "epoll", "event-loop"),

	/** {@link #RAWTCP_EPOLL} with one listening socket per loop (accept-sharding per-loop); not in the default set. */
	RAWTCP_EPOLL_SHARDED("rawtcp-epoll-sharded", RawTcpEchoServer.class, "epoll", "event-loop", "sharded"),

	NETTY_NIO("netty-nio", NettyEchoServer.class, "nio"),

	RAWTCP_NIO("rawtcp-nio", RawTcpEchoServer.class, "nio", "event-loop"),

	RAWTCP_EPOLL_TPC("rawtcp-epoll-tpc", RawTcpEchoServer.class, "epoll", "thread-per-connection"),

	RAWTCP_NIO_TPC("rawtcp-nio-tpc", RawTcpEchoServer.class, "nio", "thread-per-connection"),

	C_EPOLL("c-epoll", null);

	private final String label;

	private final @Nullable Class<?> main;

	private final List<String> arguments;

	ServerKind(String label, @Nullable Class<?> main, String... arguments) {
		this.label = label;
		this.main = main;
		this.arguments = List.of(arguments);
	}

	/** @return the name in tables and on the command line */
	String label() {
		return this.label;
	}

	/** @return whether it is a JVM (and answers the {@code heap} command) */
	boolean isJava() {
		return this.main != null;
	}

	/**
	 * The command that starts it.
	 * @param java the {@code java} executable
	 * @param jvmFlags flags given to every JVM
	 * @param threads event-loop threads
	 * @param bin where the compiled C programs are
	 * @return the command
	 */
	List<String> command(String java, List<String> jvmFlags, int threads, Path bin) {
		List<String> command = new ArrayList<>();
		if (this.main == null) {
			command.add(bin.resolve("echo").toString());
			command.add("--threads");
			command.add(Integer.toString(threads));
			return command;
		}
		command.add(java);
		command.addAll(jvmFlags);
		command.add("-Dthreads=" + threads);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(this.main.getName());
		command.addAll(this.arguments);
		return command;
	}

	/**
	 * The servers of a run that names none: every one but the sharded variant, which differs
	 * from {@code rawtcp-epoll} only with {@code --threads} above 1.
	 * @return the default servers
	 */
	static List<ServerKind> defaults() {
		return java.util.Arrays.stream(values()).filter((kind) -> kind != RAWTCP_EPOLL_SHARDED).toList();
	}

	static ServerKind of(String label) {
		for (ServerKind kind : values()) {
			if (kind.label.equals(label)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("Unknown server '" + label + "'");
	}

}
