package dev.rawtcp.nio;

import java.time.Duration;
import java.util.List;

import dev.rawtcp.EventLoopGroup;
import dev.rawtcp.Listener;
import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;

/**
 * Placeholder until the NIO transport lands.
 */
public final class NioEventLoopGroup implements EventLoopGroup {

	public NioEventLoopGroup(int threads) {
		throw new UnsupportedOperationException("nio transport not implemented yet");
	}

	@Override
	public Transport transport() {
		return Transport.NIO;
	}

	@Override
	public int threads() {
		return 0;
	}

	@Override
	public Listener bind(ListenerConfig config, TcpHandler handler) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Listener bind(ListenerConfig config, TcpStreamHandler handler) {
		throw new UnsupportedOperationException();
	}

	@Override
	public List<Listener> listeners() {
		return List.of();
	}

	@Override
	public boolean isAlive() {
		return false;
	}

	@Override
	public void shutdownGracefully(Duration gracePeriod) {
	}

}
