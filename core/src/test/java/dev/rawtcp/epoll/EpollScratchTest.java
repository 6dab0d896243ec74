package dev.rawtcp.epoll;

import java.io.InputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.rawtcp.CloseReason;
import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EpollScratchTest {

	@Test
	void bigEcho() throws Exception {
		try (EventLoopGroup group = EventLoopGroup.create(Transport.EPOLL, 2)) {
			Listener l = group.bind(ListenerConfig.builder("e").host("127.0.0.1").port(0).build(), (c, d) -> c.write(d));
			for (int size : new int[] { 1, 1024, 65536, 1 << 20, 4 << 20 }) {
				byte[] payload = new byte[size];
				new Random(size).nextBytes(payload);
				try (Socket s = new Socket("127.0.0.1", l.port())) {
					Thread w = new Thread(() -> {
						try {
							s.getOutputStream().write(payload);
							s.shutdownOutput();
						}
						catch (Exception ex) {
							throw new RuntimeException(ex);
						}
					});
					w.start();
					InputStream in = s.getInputStream();
					byte[] got = in.readAllBytes();
					w.join();
					assertThat(got).hasSize(size).isEqualTo(payload);
				}
			}
			await().until(() -> l.stats().active() == 0);
			assertThat(l.stats().closed(CloseReason.NORMAL)).isEqualTo(5);
			assertThat(l.stats().bytesReceived()).isEqualTo(l.stats().bytesSent());
		}
	}

}
