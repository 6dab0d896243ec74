package dev.rawtcp.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * CIDR parsing and matching for the peers allowed to send a PROXY header.
 */
class TrustedSourcesTest {

	@Test
	void shouldTrustEveryoneWhenTheListIsEmpty() {
		assertThat(TrustedSources.of(List.of())).isSameAs(TrustedSources.anyone());
		assertThat(TrustedSources.anyone().isRestricted()).isFalse();
		assertThat(TrustedSources.anyone().contains(ip("203.0.113.9"))).isTrue();
		assertThat(TrustedSources.anyone().contains(ip("2001:db8::1"))).isTrue();
		assertThat(TrustedSources.anyone().entries()).isEmpty();
	}

	@Test
	void shouldMatchIpv4Blocks() {
		TrustedSources sources = TrustedSources.of("10.0.0.0/8", "192.168.1.0/24", "172.16.0.0/12");
		assertThat(sources.isRestricted()).isTrue();
		assertThat(sources.contains(ip("10.255.1.2"))).isTrue();
		assertThat(sources.contains(ip("11.0.0.1"))).isFalse();
		assertThat(sources.contains(ip("192.168.1.77"))).isTrue();
		assertThat(sources.contains(ip("192.168.2.1"))).isFalse();
		assertThat(sources.contains(ip("172.31.255.255"))).isTrue();
		assertThat(sources.contains(ip("172.32.0.0"))).isFalse();
		assertThat(sources.contains(ip("::1"))).isFalse();
	}

	@Test
	void shouldReadAnAddressWithoutPrefixAsASingleHost() {
		TrustedSources sources = TrustedSources.of("127.0.0.1", "::1");
		assertThat(sources.entries()).containsExactly("127.0.0.1/32", "0:0:0:0:0:0:0:1/128");
		assertThat(sources.contains(ip("127.0.0.1"))).isTrue();
		assertThat(sources.contains(ip("127.0.0.2"))).isFalse();
		assertThat(sources.contains(ip("::1"))).isTrue();
		assertThat(sources.contains(ip("::2"))).isFalse();
	}

	@Test
	void shouldMatchIpv6BlocksOnAnyBitBoundary() {
		TrustedSources sources = TrustedSources.of("2001:db8::/32", "fd00::/7", "fe80::/10");
		assertThat(sources.contains(ip("2001:db8:ffff::1"))).isTrue();
		assertThat(sources.contains(ip("2001:db9::1"))).isFalse();
		assertThat(sources.contains(ip("fc00::1"))).isTrue();
		assertThat(sources.contains(ip("fe00::1"))).isFalse();
		assertThat(sources.contains(ip("febf::1"))).isTrue();
		assertThat(sources.contains(ip("fec0::1"))).isFalse();
	}

	@Test
	void shouldMatchAnIpv4MappedIpv6AddressAsItsIpv4Form() throws UnknownHostException {
		byte[] mapped = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3 };
		InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
		assertThat(address).isInstanceOf(Inet6Address.class);
		assertThat(TrustedSources.of("10.0.0.0/8").contains(address)).isTrue();
		assertThat(TrustedSources.of("11.0.0.0/8").contains(address)).isFalse();
	}

	@Test
	void shouldReadAnIpv4MappedEntryAsItsIpv4Form() {
		TrustedSources sources = TrustedSources.of("::ffff:10.0.0.0/104", "::ffff:192.0.2.1");
		assertThat(sources.entries()).containsExactly("10.0.0.0/8", "192.0.2.1/32");
		assertThat(sources.contains(ip("10.9.9.9"))).isTrue();
	}

	@Test
	void shouldClearHostBitsBelowThePrefix() {
		TrustedSources sources = TrustedSources.of("10.1.2.3/8", " 2001:db8::1/32 ");
		assertThat(sources.entries()).containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32");
		assertThat(sources.contains(ip("10.200.0.1"))).isTrue();
	}

	@Test
	void shouldMatchEverythingOfAFamilyWithAZeroPrefix() {
		TrustedSources sources = TrustedSources.of("0.0.0.0/0");
		assertThat(sources.contains(ip("203.0.113.9"))).isTrue();
		assertThat(sources.contains(ip("2001:db8::1"))).isFalse();
		assertThat(TrustedSources.of("::/0").contains(ip("2001:db8::1"))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.256",
			"10.0.0", "localhost", "example.com/8", "", "  ", "fe80::1%eth0", "[::1]", "10.0.0.0/8/8", "::ffff:10.0.0.0/95",
			"1:2:3:4:5:6:7:8:9", "10.0.0.0 /8" })
	void shouldRefuseAnInvalidEntryNamingIt(String entry) {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedSources.of("127.0.0.1", entry))
			.withMessageStartingWith("Invalid trusted source '" + entry + "': ");
	}

	@Test
	void shouldSayWhatIsWrongWithAnEntry() {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedSources.of("10.0.0.0/33"))
			.withMessage("Invalid trusted source '10.0.0.0/33': the prefix length must be a number from 0 to 32");
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedSources.of("lb.internal"))
			.withMessageContaining("not an IPv4 or IPv6 address literal");
	}

	private static InetAddress ip(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
