package dev.rawtcp.benchmarks;

import java.net.InetSocketAddress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Netty 4.2 echo server, the peer rawtcp is measured against: {@code epoll} (native
 * transport) or {@code nio}, with {@code -Dthreads=N} event loops that both accept and serve.
 * The handler is Netty's own echo example: write what was read, flush when the read
 * burst is complete.
 */
public final class NettyEchoServer {

	private NettyEchoServer() {
	}

	/**
	 * Start the server on an ephemeral port of 127.0.0.1.
	 * @param args {@code epoll} or {@code nio}
	 * @throws Exception if it cannot start
	 */
	public static void main(String[] args) throws Exception {
		boolean epoll = args.length == 0 || args[0].equals("epoll");
		IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
				: NioServerSocketChannel.class;
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(ServerControl.threads(), io);
		try {
			Channel channel = new ServerBootstrap().group(group)
				.channel(channelType)
				.option(ChannelOption.SO_BACKLOG, 4096)
				.option(ChannelOption.SO_REUSEADDR, true)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childHandler(new EchoHandler())
				.bind("127.0.0.1", 0)
				.sync()
				.channel();
			ServerControl.serve(((InetSocketAddress) channel.localAddress()).getPort());
			channel.close().sync();
		}
		finally {
			group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
		}
	}

	/**
	 * Writes back every buffer read; flushes once per read burst.
	 */
	@Sharable
	static final class EchoHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.write(msg);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
