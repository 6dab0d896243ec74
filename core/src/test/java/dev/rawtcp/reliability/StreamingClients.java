package dev.rawtcp.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.rawtcp.Listener;

/**
 * Many clients driven by one selector thread: each writes random bytes in random chunk
 * sizes with random pauses, keeps everything it sent and received, and closes once it read
 * the server's end of stream. Bounded in bytes and in time.
 */
final class StreamingClients implements AutoCloseable {

	private final Selector selector;

	private final List<Client> clients = new ArrayList<>();

	private final int maxChunk;

	private final int maxPauseMillis;

	private final long bytesPerClient;

	private final Thread thread;

	private volatile @Nullable Throwable failure;

	private volatile boolean stopWriting;

	/**
	 * Connect the clients; call {@link #start()} to begin.
	 * @param listener the echo listener
	 * @param count how many clients
	 * @param seed the seed of every random choice
	 * @param maxChunk largest write
	 * @param maxPauseMillis longest pause between writes
	 * @param bytesPerClient bytes each client sends before shutting down its output
	 * ({@link Long#MAX_VALUE}: until the server closes)
	 */
	StreamingClients(Listener listener, int count, long seed, int maxChunk, int maxPauseMillis, long bytesPerClient)
			throws IOException {
		this.selector = Selector.open();
		this.maxChunk = maxChunk;
		this.maxPauseMillis = maxPauseMillis;
		this.bytesPerClient = bytesPerClient;
		Random seeds = new Random(seed);
		for (int i = 0; i < count; i++) {
			SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", listener.port()));
			channel.configureBlocking(false);
			Client client = new Client(channel, new Random(seeds.nextLong()));
			channel.register(this.selector, SelectionKey.OP_READ, client);
			this.clients.add(client);
		}
		this.thread = new Thread(this::run, "streaming-clients");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** Stop sending new data (clients still read until end of stream). */
	void stopWriting() {
		this.stopWriting = true;
	}

	/**
	 * Wait until every client has read its end of stream.
	 * @param timeoutMillis the longest wait
	 * @return whether they all did
	 */
	boolean await(long timeoutMillis) throws InterruptedException {
		this.thread.join(timeoutMillis);
		return !this.thread.isAlive();
	}

	List<Client> clients() {
		return this.clients;
	}

	@Nullable Throwable failure() {
		return this.failure;
	}

	/** @return how many clients received at least one byte so far (callable while running) */
	long clientsServed() {
		return this.clients.stream().filter((client) -> client.served).count();
	}

	private void run() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		try {
			int open = this.clients.size();
			while (open > 0 && System.nanoTime() < deadline) {
				long now = System.nanoTime();
				for (Client client : this.clients) {
					if (!client.eof && client.failure == null) {
						try {
							client.write(now);
						}
						catch (IOException ex) {
							open -= client.fail("write", ex);
						}
					}
				}
				this.selector.select(2);
				for (SelectionKey key : this.selector.selectedKeys()) {
					Client client = (Client) key.attachment();
					try {
						if (client.read()) {
							open--;
						}
					}
					catch (IOException ex) {
						open -= client.fail("read", ex);
					}
				}
				this.selector.selectedKeys().clear();
			}
		}
		catch (Throwable ex) {
			this.failure = ex;
		}
	}

	@Override
	public void close() throws Exception {
		this.stopWriting = true;
		this.thread.join(5000);
		for (Client client : this.clients) {
			client.channel.close();
		}
		this.selector.close();
	}

	/**
	 * One client and everything it sent and received.
	 */
	final class Client {

		final SocketChannel channel;

		final int localPort;

		final Bytes sent = new Bytes();

		final Bytes received = new Bytes();

		private final Random random;

		private final ByteBuffer readBuffer = ByteBuffer.allocate(65536);

		private @Nullable ByteBuffer pending;

		private long nextWrite;

		private boolean outputShut;

		boolean eof;

		@Nullable IOException failure;

		volatile boolean served;

		Client(SocketChannel channel, Random random) throws IOException {
			this.channel = channel;
			this.localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
			this.random = random;
		}

		private void write(long now) throws IOException {
			if (this.outputShut) {
				return;
			}
			if (this.pending == null) {
				if (StreamingClients.this.stopWriting || now < this.nextWrite) {
					return;
				}
				long left = StreamingClients.this.bytesPerClient - this.sent.length();
				if (left <= 0) {
					this.channel.shutdownOutput();
					this.outputShut = true;
					return;
				}
				byte[] chunk = new byte[(int) Math.min(left, 1 + this.random.nextInt(StreamingClients.this.maxChunk))];
				this.random.nextBytes(chunk);
				this.pending = ByteBuffer.wrap(chunk);
			}
			ByteBuffer chunk = this.pending;
			int from = chunk.position();
			this.channel.write(chunk);
			this.sent.append(chunk.array(), from, chunk.position() - from);
			if (!chunk.hasRemaining()) {
				this.pending = null;
				int pause = StreamingClients.this.maxPauseMillis;
				this.nextWrite = now + ((pause > 0) ? TimeUnit.MILLISECONDS.toNanos(this.random.nextInt(pause + 1)) : 0);
			}
		}

		/** Record the first failure of any client and stop this one. @return 1 */
		private int fail(String operation, IOException ex) throws IOException {
			this.failure = ex;
			this.channel.close();
			if (StreamingClients.this.failure == null) {
				StreamingClients.this.failure = new IOException("client " + this.localPort + " failed to " + operation
						+ " after sending " + this.sent.length() + " and receiving " + this.received.length() + " bytes",
						ex);
			}
			return 1;
		}

		/** @return whether the end of stream was reached */
		private boolean read() throws IOException {
			int n;
			while ((n = this.channel.read(this.readBuffer.clear())) > 0) {
				this.received.append(this.readBuffer.array(), 0, n);
				this.served = true;
			}
			if (n < 0) {
				this.eof = true;
				this.channel.close();
				return true;
			}
			return false;
		}

		/** @return whether what was received is exactly the first bytes of what was sent */
		boolean receivedIsPrefixOfSent() {
			int length = this.received.length();
			return length <= this.sent.length()
					&& Arrays.equals(this.received.array(), 0, length, this.sent.array(), 0, length);
		}

	}

	/**
	 * A growable byte array.
	 */
	static final class Bytes {

		private byte[] bytes = new byte[1024];

		private int length;

		void append(byte[] source, int offset, int count) {
			if (this.length + count > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.length + count, this.bytes.length * 2));
			}
			System.arraycopy(source, offset, this.bytes, this.length, count);
			this.length += count;
		}

		int length() {
			return this.length;
		}

		byte[] array() {
			return this.bytes;
		}

	}

}
