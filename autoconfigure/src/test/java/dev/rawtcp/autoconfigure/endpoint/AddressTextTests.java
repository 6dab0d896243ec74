package dev.rawtcp.autoconfigure.endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AddressText}: the compressed IPv6 text of RFC 5952.
 */
class AddressTextTests {

	@Test
	void shouldCompressTheIpv6Loopback() throws Exception {
		assertThat(text("::1", 7000)).isEqualTo("[::1]:7000");
		assertThat(text("0:0:0:0:0:0:0:0", 7000)).isEqualTo("[::]:7000");
	}

	@Test
	void shouldCompressTheLongestRunOfZeroGroupsAndDropLeadingZeros() throws Exception {
		assertThat(text("2001:0db8:0000:0000:0000:0000:0002:0001", 1)).isEqualTo("[2001:db8::2:1]:1");
		assertThat(text("2001:db8:0:0:1:0:0:0", 1)).isEqualTo("[2001:db8:0:0:1::]:1");
		assertThat(text("2001:0:0:1:0:0:0:1", 1)).isEqualTo("[2001:0:0:1::1]:1");
	}

	@Test
	void shouldCompressTheFirstOfEqualRunsAndNeverASingleZeroGroup() throws Exception {
		assertThat(text("2001:db8:0:0:1:0:0:1", 1)).isEqualTo("[2001:db8::1:0:0:1]:1");
		assertThat(text("2001:db8:0:1:1:1:1:1", 1)).isEqualTo("[2001:db8:0:1:1:1:1:1]:1");
		assertThat(text("FE80:0:0:0:0:0:0:ABCD", 1)).isEqualTo("[fe80::abcd]:1");
	}

	@Test
	void shouldKeepIpv4AndUnresolvedHostsAsTheyAre() throws Exception {
		assertThat(text("127.0.0.1", 7000)).isEqualTo("127.0.0.1:7000");
		assertThat(AddressText.of(InetSocketAddress.createUnresolved("example.invalid", 7))).isEqualTo("example.invalid:7");
	}

	private static String text(String literal, int port) throws Exception {
		return AddressText.of(new InetSocketAddress(InetAddress.getByName(literal), port));
	}

}
