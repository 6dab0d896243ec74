package dev.rawtcp.autoconfigure;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.rawtcp.Connection;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStream;
import dev.rawtcp.TcpStreamHandler;

/**
 * Handlers and handler configurations shared by the auto-configuration tests.
 */
public final class TestHandlers {

	private TestHandlers() {
	}

	/**
	 * Echoes every byte on the event loop.
	 */
	public static final class EchoHandler implements TcpHandler {

		@Override
		public void onData(Connection connection, ByteBuffer data) {
			connection.write(data);
		}

	}

	/**
	 * Echoes every byte with blocking streams.
	 */
	public static final class StreamEchoHandler implements TcpStreamHandler {

		@Override
		public void handle(TcpStream stream) throws Exception {
			InputStream in = stream.input();
			OutputStream out = stream.output();
			byte[] buffer = new byte[8192];
			int n;
			while ((n = in.read(buffer)) != -1) {
				out.write(buffer, 0, n);
				out.flush();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	public static class EchoHandlerConfiguration {

		@Bean
		public EchoHandler echoHandler() {
			return new EchoHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	public static class StreamHandlerConfiguration {

		@Bean
		public StreamEchoHandler streamHandler() {
			return new StreamEchoHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	public static class NotAHandlerConfiguration {

		@Bean
		public String notAHandler() {
			return "not a handler";
		}

	}

}
