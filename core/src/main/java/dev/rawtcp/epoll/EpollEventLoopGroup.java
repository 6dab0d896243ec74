package dev.rawtcp.epoll;

import java.io.IOException;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.AbstractEventLoopGroup;
import dev.rawtcp.internal.AbstractListener;
import dev.rawtcp.internal.BufferPool;

/**
 * The epoll transport: N event-loop threads, each with its own epoll fd (see
 * {@link AbstractEventLoopGroup} for what every group does).
 */
final class EpollEventLoopGroup extends AbstractEventLoopGroup<EpollEventLoop> {

	private static final Logger logger = LoggerFactory.getLogger(EpollEventLoopGroup.class);

	/**
	 * Create a group of {@code threads} loops, started with its first listener.
	 * @param threads the number of loops, at least 1
	 */
	EpollEventLoopGroup(int threads) {
		super(logger, Transport.EPOLL, threads, BufferPool.forStreams(Native::streamBuffer));
		Epoll.ensureAvailability();
	}

	@Override
	protected EpollEventLoop newLoop(String name, int index) throws IOException {
		return new EpollEventLoop(name, index);
	}

	@Override
	protected AbstractListener newListener(List<EpollEventLoop> acceptLoops, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
		return EpollListener.bind(this, acceptLoops, config, handler, streamHandler);
	}

}
