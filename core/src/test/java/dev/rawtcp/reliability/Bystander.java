package dev.rawtcp.reliability;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A well-behaved client that keeps doing echo round trips on its own thread while a test
 * mistreats the same listener; proves the server kept serving everyone else.
 */
final class Bystander implements AutoCloseable {

	/** A byte value a bystander never sends: test handlers may take it as a command. */
	static final int COMMAND = 0xFF;

	private final Socket socket;

	private final Thread thread;

	private final Function<Random, byte[]> messages;

	private final AtomicLong rounds = new AtomicLong();

	private volatile @Nullable Throwable failure;

	private volatile boolean stopped;

	private Bystander(Socket socket, Function<Random, byte[]> messages) {
		this.socket = socket;
		this.messages = messages;
		this.thread = new Thread(this::run, "bystander-" + socket.getLocalPort());
		this.thread.setDaemon(true);
	}

	/**
	 * Start the round trips on a connected socket: random bytes, never {@link #COMMAND}.
	 * @param socket a client of an echo listener
	 * @return the running bystander
	 */
	static Bystander start(Socket socket) {
		return start(socket, (random) -> {
			byte[] message = new byte[1 + random.nextInt(512)];
			for (int i = 0; i < message.length; i++) {
				message[i] = (byte) random.nextInt(COMMAND);
			}
			return message;
		});
	}

	/**
	 * Start the round trips on a connected socket.
	 * @param socket a client of a listener that sends back every message as it came
	 * @param messages makes each message, as sent on the wire
	 * @return the running bystander
	 */
	static Bystander start(Socket socket, Function<Random, byte[]> messages) {
		Bystander bystander = new Bystander(socket, messages);
		bystander.thread.start();
		bystander.assertServed();
		return bystander;
	}

	private void run() {
		Random random = new Random(this.socket.getLocalPort());
		try {
			OutputStream out = this.socket.getOutputStream();
			InputStream in = this.socket.getInputStream();
			while (!this.stopped) {
				byte[] message = this.messages.apply(random);
				out.write(message);
				byte[] echo = in.readNBytes(message.length);
				if (!Arrays.equals(echo, message)) {
					throw new IllegalStateException("echo differs after " + this.rounds.get() + " rounds");
				}
				this.rounds.incrementAndGet();
				Thread.sleep(5);
			}
		}
		catch (Throwable ex) {
			if (!this.stopped) {
				this.failure = ex;
			}
		}
	}

	/** @return the round trips completed so far */
	long rounds() {
		return this.rounds.get();
	}

	/** Wait for a few more round trips, and fail if one went wrong. */
	void assertServed() {
		long before = this.rounds.get();
		await().atMost(ReliabilityTestSupport.AWAIT)
			.until(() -> this.rounds.get() >= before + 3 || this.failure != null);
		assertThat(this.failure).as("bystander failure").isNull();
	}

	@Override
	public void close() throws Exception {
		this.stopped = true;
		this.socket.close();
		this.thread.join(5000);
	}

}
