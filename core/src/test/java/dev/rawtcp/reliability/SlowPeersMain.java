package dev.rawtcp.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ListenerStats;
import dev.rawtcp.Transport;
import dev.rawtcp.transport.EventLoopGroups;

/**
 * The slow-peer measurement of {@code docs/reliability.md}: a line-echo listener (127.0.0.1)
 * with {@code frame-timeout} {@code args[3]} (0 = off), {@code args[2]} clients each sending
 * one byte of a line that never ends per second, and one bystander doing line round trips
 * every 5 ms. Prints when the slow clients were closed (after their first byte), the
 * bystander's round-trip times, and the server's thread count. Every wait is bounded: the
 * run ends {@code frame timeout + 5 s} (or 10 s without one) after the clients' first byte.
 * <p>
 * Usage: {@code SlowPeersMain EPOLL|NIO EVENT_LOOP|THREAD_PER_CONNECTION <clients> <frame-timeout seconds>}.
 */
public final class SlowPeersMain {

	private SlowPeersMain() {
	}

	public static void main(String[] args) throws Exception {
		Transport transport = Transport.valueOf(args[0]);
		ListenerMode mode = ListenerMode.valueOf(args[1]);
		int clients = Integer.parseInt(args[2]);
		Duration frameTimeout = Duration.ofSeconds(Long.parseLong(args[3]));
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		try (EventLoopGroup group = EventLoopGroups.create(transport, 0)) {
			ListenerConfig config = ListenerConfig.builder("slow")
				.host("127.0.0.1")
				.port(0)
				.frameTimeout(frameTimeout)
				.build();
			AbstractFrameTimeoutTest.Framing lines = AbstractFrameTimeoutTest.Framing.LINES;
			Listener listener = (mode == ListenerMode.EVENT_LOOP) ? group.bind(config, lines.handler())
					: group.bind(config, lines.streamHandler());
			run(listener, clients, frameTimeout, threadsBefore, transport, mode);
		}
	}

	private static void run(Listener listener, int count, Duration frameTimeout, int threadsBefore,
			Transport transport, ListenerMode mode) throws Exception {
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", listener.port());
		ListenerStats stats = listener.stats();
		Bystander bystander = new Bystander(address);
		Thread bystanderThread = new Thread(bystander, "bystander");
		try (Selector selector = Selector.open()) {
			SocketChannel[] channels = new SocketChannel[count];
			for (int i = 0; i < count; i++) {
				channels[i] = SocketChannel.open(address);
				channels[i].configureBlocking(false);
				channels[i].register(selector, SelectionKey.OP_READ, i);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (stats.active() < count && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			bystanderThread.start();
			long[] closedAfter = new long[count];
			Arrays.fill(closedAfter, -1);
			long start = System.nanoTime();
			long end = start + (frameTimeout.isZero() ? TimeUnit.SECONDS.toNanos(10)
					: frameTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5));
			ByteBuffer one = ByteBuffer.allocate(1);
			ByteBuffer sink = ByteBuffer.allocate(4096);
			int open = count;
			int peakThreads = 0;
			long nextByte = start;
			while (open > 0 && System.nanoTime() < end) {
				if (System.nanoTime() - nextByte >= 0) {
					for (SocketChannel channel : channels) {
						if (channel.isOpen()) {
							try {
								channel.write(one.clear().put(0, (byte) 'x').limit(1));
							}
							catch (IOException ex) {
								// closed by the server: the read below records when
							}
						}
					}
					nextByte += TimeUnit.SECONDS.toNanos(1);
					peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
				}
				selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextByte - System.nanoTime())));
				for (SelectionKey key : selector.selectedKeys()) {
					SocketChannel channel = (SocketChannel) key.channel();
					int i = (Integer) key.attachment();
					int n;
					try {
						n = channel.read(sink.clear());
					}
					catch (IOException ex) {
						n = -1;
					}
					if (n < 0) {
						closedAfter[i] = System.nanoTime() - start;
						key.cancel();
						channel.close();
						open--;
					}
					else if (n > 0) {
						System.out.println("REPLY to an unfinished line on client " + i);
					}
				}
				selector.selectedKeys().clear();
			}
			bystander.stop();
			bystanderThread.join(5000);
			long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (stats.active() > open && System.nanoTime() < settle) {
				Thread.sleep(10);
			}
			while (ManagementFactory.getThreadMXBean().getThreadCount() > threadsBefore + 4 + open
					&& System.nanoTime() < settle) {
				Thread.sleep(10);
			}
			int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
			report(transport, mode, count, frameTimeout, closedAfter, bystander,
					new int[] { threadsBefore, peakThreads, threadsAfter }, stats);
			for (SocketChannel channel : channels) {
				channel.close();
			}
		}
	}

	private static void report(Transport transport, ListenerMode mode, int count, Duration frameTimeout,
			long[] closedAfter, Bystander bystander, int[] threads, ListenerStats stats) {
		long[] closed = Arrays.stream(closedAfter).filter((t) -> t >= 0).sorted().toArray();
		long[] rtt = Arrays.copyOf(bystander.rtt, bystander.rounds);
		Arrays.sort(rtt);
		System.out.printf(Locale.ROOT,
				"%s %s clients=%d frame-timeout=%ds: closed %d (frame-timeout %d) at %s s after the first byte; "
						+ "kept %d; bystander %d round trips, %d failures, rtt p50 %s ms p99 %s ms max %s ms; "
						+ "threads %d before, %d peak, %d after%n",
				transport, mode, count, frameTimeout.toSeconds(), closed.length,
				stats.closed(CloseReason.FRAME_TIMEOUT),
				(closed.length > 0) ? seconds(closed[0]) + "–" + seconds(closed[closed.length - 1]) : "-",
				count - closed.length, rtt.length, bystander.failures, millis(percentile(rtt, 0.5)),
				millis(percentile(rtt, 0.99)), millis((rtt.length > 0) ? rtt[rtt.length - 1] : 0), threads[0],
				threads[1], threads[2]);
	}

	private static long percentile(long[] sorted, double p) {
		return (sorted.length == 0) ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
	}

	private static String seconds(long nanos) {
		return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
	}

	/** Line round trips every 5 ms, timed; a wrong or missing echo is a failure. */
	private static final class Bystander implements Runnable {

		private final InetSocketAddress address;

		final long[] rtt = new long[1 << 16];

		volatile int rounds;

		volatile int failures;

		private volatile boolean stopped;

		Bystander(InetSocketAddress address) {
			this.address = address;
		}

		void stop() {
			this.stopped = true;
		}

		@Override
		public void run() {
			byte[] line = "the quick brown fox jumps over the lazy dog\n".getBytes(StandardCharsets.US_ASCII);
			try (Socket socket = new Socket()) {
				socket.connect(this.address, 5000);
				socket.setSoTimeout(5000);
				socket.setTcpNoDelay(true);
				OutputStream out = socket.getOutputStream();
				InputStream in = socket.getInputStream();
				while (!this.stopped && this.rounds < this.rtt.length) {
					long t0 = System.nanoTime();
					out.write(line);
					byte[] echo = in.readNBytes(line.length);
					long t1 = System.nanoTime();
					if (!Arrays.equals(echo, line)) {
						this.failures++;
						return;
					}
					this.rtt[this.rounds] = t1 - t0;
					this.rounds++;
					Thread.sleep(5);
				}
			}
			catch (IOException | InterruptedException ex) {
				this.failures++;
			}
		}

	}

}
