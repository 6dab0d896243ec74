package dev.rawtcp.tls;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

import dev.rawtcp.Connection;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerMode;
import dev.rawtcp.ServerTls;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.transport.TransportTestSupport;

/**
 * What the TLS tests share: listeners serving the test certificates in either mode, JDK
 * {@link SSLSocket} clients, and {@code openssl s_client} processes (stopped after the test).
 */
public abstract class TlsTestSupport extends TransportTestSupport {

	/** The path of the {@code openssl} command. */
	static final Path OPENSSL = Path.of("/usr/bin/openssl");

	private final List<Process> processes = new ArrayList<>();

	private final List<Socket> recorded = new ArrayList<>();

	/** Connections the handlers were told about ({@code onOpen}, or a stream handler called). */
	protected final AtomicInteger handled = new AtomicInteger();

	/** @return TLS for {@code CN=localhost} with the default settings */
	protected static ServerTls serverTls() {
		return ServerTls.of(TlsCertificates.get().serverContext());
	}

	/**
	 * A listener that echoes every byte, in the given mode.
	 * @param config the configuration (with its TLS)
	 * @param mode {@link ListenerMode#EVENT_LOOP} or {@link ListenerMode#THREAD_PER_CONNECTION}
	 * @param opened told about each connection its handler sees (on the loop or the handler thread)
	 * @return the listener
	 */
	protected Listener bindEcho(ListenerConfig.Builder config, ListenerMode mode, Consumer<Connection> opened) {
		if (mode == ListenerMode.EVENT_LOOP) {
			return bind(config, new TcpHandler() {

				@Override
				public void onOpen(Connection connection) {
					TlsTestSupport.this.handled.incrementAndGet();
					opened.accept(connection);
				}

				@Override
				public void onData(Connection connection, ByteBuffer data) {
					connection.write(data);
				}

			});
		}
		return bind(config, (TcpStreamHandler) (stream) -> {
			this.handled.incrementAndGet();
			opened.accept(stream.connection());
			STREAM_ECHO.handle(stream);
		});
	}

	protected Listener bindEcho(ListenerConfig.Builder config, ListenerMode mode) {
		return bindEcho(config, mode, (connection) -> {
		});
	}

	/**
	 * Connect a TLS client and finish its handshake.
	 * @param listener the listener
	 * @param context the client's context
	 * @param protocol the one protocol it offers, such as {@code TLSv1.3}
	 * @param serverName the host name it asks for (SNI), or {@code null} for none
	 * @return the socket, handshake done
	 */
	protected SSLSocket connectTls(Listener listener, SSLContext context, String protocol,
			@Nullable String serverName) throws IOException {
		SSLSocket socket = startTls(listener, context, protocol, serverName);
		socket.startHandshake();
		return socket;
	}

	protected SSLSocket connectTls(Listener listener, String protocol) throws IOException {
		return connectTls(listener, TlsCertificates.get().clientContext(false), protocol, null);
	}

	/** @return a TLS client socket whose handshake has not started */
	protected SSLSocket startTls(Listener listener, SSLContext context, String protocol, @Nullable String serverName)
			throws IOException {
		Socket plain = connect(listener);
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", listener.port(),
				true);
		socket.setUseClientMode(true);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setProtocols(new String[] { protocol });
		if (serverName != null) {
			parameters.setServerNames(List.of(new SNIHostName(serverName)));
		}
		socket.setSSLParameters(parameters);
		return socket;
	}

	/**
	 * Connect a TLS client whose socket records every byte the server sent, and finish its
	 * handshake.
	 * @param listener the listener
	 * @param protocol the one protocol it offers
	 * @return the client
	 */
	protected Recorded connectRecorded(Listener listener, String protocol) throws IOException {
		RecordingSocket plain = new RecordingSocket();
		this.recorded.add(plain);
		plain.connect(new InetSocketAddress("127.0.0.1", listener.port()), 10_000);
		plain.setSoTimeout(10_000);
		SSLSocket socket = (SSLSocket) TlsCertificates.get().clientContext(false).getSocketFactory()
			.createSocket(plain, "127.0.0.1", listener.port(), true);
		socket.setUseClientMode(true);
		socket.setEnabledProtocols(new String[] { protocol });
		socket.startHandshake();
		return new Recorded(socket, plain);
	}

	/**
	 * Start {@code openssl s_client} against a listener; skips the test if openssl is missing.
	 * @param listener the listener
	 * @param arguments more arguments ({@code -tls1_3}, {@code -servername}, {@code -quiet}, ...)
	 * @return the process; its standard error goes to a file
	 */
	protected Process openssl(Listener listener, String... arguments) throws IOException {
		Assumptions.assumeTrue(Files.isExecutable(OPENSSL),
				"openssl s_client tests skipped: " + OPENSSL + " is not installed (apt-get install openssl)");
		List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect",
				"127.0.0.1:" + listener.port()));
		command.addAll(List.of(arguments));
		Path errors = Files.createTempFile("rawtcp-s_client-", ".err");
		errors.toFile().deleteOnExit();
		Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
		this.processes.add(process);
		return process;
	}

	@AfterEach
	void stopProcesses() throws InterruptedException, IOException {
		for (Socket socket : this.recorded) {
			socket.close();
		}
		for (Process process : this.processes) {
			process.destroy();
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	/**
	 * A TLS client and the ciphertext its server sent.
	 * @param socket the client
	 * @param raw its socket, recording
	 */
	protected record Recorded(SSLSocket socket, RecordingSocket raw) {

		/**
		 * Whether the server's last TLS record is an alert (its close_notify) following the
		 * record of the last data it sent. In TLS 1.2 the record's type says so. In TLS 1.3
		 * every record is typed application data and the JDK pads them all alike, so the alert
		 * (2 bytes) is the record exactly {@code lastData - 2} bytes shorter than the one before.
		 * @param lastData how many bytes the server's last data record carried
		 * @return whether the server ended with an alert
		 */
		boolean endsWithAlert(int lastData) {
			byte[] bytes = this.raw.received();
			int[] types = new int[2];
			int[] lengths = new int[2];
			for (int p = 0; p + 5 <= bytes.length;) {
				types[0] = types[1];
				lengths[0] = lengths[1];
				types[1] = bytes[p] & 0xFF;
				lengths[1] = ((bytes[p + 3] & 0xFF) << 8) | (bytes[p + 4] & 0xFF);
				p += 5 + lengths[1];
			}
			if (!"TLSv1.3".equals(this.socket.getSession().getProtocol())) {
				return types[1] == 21;
			}
			return types[0] == 23 && types[1] == 23 && lengths[1] == lengths[0] - lastData + 2;
		}

	}

	/** A client socket that keeps a copy of every byte it reads. */
	protected static final class RecordingSocket extends Socket {

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		private @Nullable InputStream input;

		@Override
		public synchronized InputStream getInputStream() throws IOException {
			if (this.input == null) {
				this.input = new FilterInputStream(super.getInputStream()) {

					@Override
					public int read() throws IOException {
						int b = super.read();
						if (b >= 0) {
							record(new byte[] { (byte) b }, 0, 1);
						}
						return b;
					}

					@Override
					public int read(byte[] b, int off, int len) throws IOException {
						int n = super.read(b, off, len);
						if (n > 0) {
							record(b, off, n);
						}
						return n;
					}

				};
			}
			return this.input;
		}

		private void record(byte[] b, int off, int len) {
			synchronized (this.received) {
				this.received.write(b, off, len);
			}
		}

		byte[] received() {
			synchronized (this.received) {
				return this.received.toByteArray();
			}
		}

	}

}
