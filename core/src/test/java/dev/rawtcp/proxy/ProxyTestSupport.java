package dev.rawtcp.proxy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import dev.rawtcp.proxy.ProxyHeaderResult.Done;
import dev.rawtcp.proxy.ProxyHeaderResult.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers shared by the PROXY protocol tests.
 */
final class ProxyTestSupport {

	private ProxyTestSupport() {
	}

	/**
	 * Feed the chunks in order until the decoder is done, checking that every chunk before is
	 * consumed whole; everything after the header goes to {@code rest}.
	 * @return the result, or {@code null} if the chunks ended first
	 */
	static Done decodeChunks(List<ByteBuffer> chunks, ByteArrayOutputStream rest) {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		Done done = null;
		for (ByteBuffer chunk : chunks) {
			if (done == null) {
				ProxyHeaderResult result = decoder.decode(chunk);
				if (result instanceof Done d) {
					done = d;
				}
				else {
					assertThat(result.status()).isEqualTo(Status.NEED_MORE);
					assertThat(chunk.hasRemaining()).isFalse();
				}
			}
			rest.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
		}
		return done;
	}

	static InetSocketAddress socket(byte[] address, int port) {
		try {
			return new InetSocketAddress(InetAddress.getByAddress(address), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	static InetSocketAddress address(String literal, int port) {
		try {
			return new InetSocketAddress(InetAddress.getByName(literal), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

}
