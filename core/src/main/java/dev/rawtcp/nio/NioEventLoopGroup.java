package dev.rawtcp.nio;

import java.io.IOException;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rawtcp.ListenerConfig;
import dev.rawtcp.ListenerOption;
import dev.rawtcp.TcpHandler;
import dev.rawtcp.TcpStreamHandler;
import dev.rawtcp.Transport;
import dev.rawtcp.internal.AbstractEventLoopGroup;
import dev.rawtcp.internal.AbstractListener;
import dev.rawtcp.internal.BufferPool;

/**
 * The JDK NIO transport: N event-loop threads, each with its own
 * {@link java.nio.channels.Selector} (see {@link AbstractEventLoopGroup} for what every group
 * does). Works on any OS and JVM; kernel-only facts are reported as absent.
 */
final class NioEventLoopGroup extends AbstractEventLoopGroup<NioEventLoop> {

	private static final Logger logger = LoggerFactory.getLogger(NioEventLoopGroup.class);

	/**
	 * Create a group of {@code threads} loops, started with its first listener.
	 * @param threads the number of loops, at least 1
	 */
	NioEventLoopGroup(int threads) {
		super(logger, Transport.NIO, threads, BufferPool.forStreams(NioSockets::streamBuffer));
	}

	@Override
	protected NioEventLoop newLoop(String name, int index) throws IOException {
		return new NioEventLoop(name);
	}

	@Override
	protected AbstractListener newListener(List<NioEventLoop> acceptLoops, ListenerConfig config,
			@Nullable TcpHandler handler, @Nullable TcpStreamHandler streamHandler) {
		for (ListenerOption<?> option : ListenerOption.socketOptions()) {
			if (option.jdkOption() == null && option.isSetIn(config)) {
				// user-timeout, defer-accept, fast-open.queue-length: the JDK has no such option
				logger.info("Listener '{}': '{}' ({}) is not available on the nio transport; ignored", config.name(),
						option.key(), option.format(config.get(option)));
			}
		}
		return NioListener.bind(this, acceptLoops, config, handler, streamHandler);
	}

}
