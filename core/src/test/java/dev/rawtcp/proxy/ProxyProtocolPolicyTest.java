package dev.rawtcp.proxy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.rawtcp.proxy.ProxyProtocolPolicy.Action;
import dev.rawtcp.proxy.ProxyProtocolPolicy.Decision;

import static dev.rawtcp.proxy.ProxyTestSupport.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What a listener does with a connection once its decoder has spoken, per mode and trust.
 */
class ProxyProtocolPolicyTest {

	private static final InetSocketAddress BALANCER = address("10.0.0.5", 40000);

	private static final InetSocketAddress STRANGER = address("203.0.113.9", 40000);

	private static final TrustedSources TRUSTED = TrustedSources.of("10.0.0.0/8");

	@Test
	void shouldUseAHeaderFromATrustedSourceAndPresentTheClientsAddress() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED);
		Decision decision = policy.decide(BALANCER, decode("PROXY TCP4 198.51.100.7 10.0.0.1 5555 7000\r\n"));
		assertThat(decision.action()).isEqualTo(Action.USE_HEADER);
		assertThat(decision.reason()).isNull();
		assertThat(decision.remoteAddress(BALANCER)).isEqualTo(address("198.51.100.7", 5555));
	}

	@Test
	void shouldServeALocalHeaderAsTheBalancersOwnConnection() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED);
		ProxyHeaderResult local = new ProxyHeaderDecoder()
			.decode(ByteBuffer.wrap(ProxyHeaderEncoder.v2(ProxyHeader.local(), false, 0)));
		Decision decision = policy.decide(BALANCER, local);
		assertThat(decision.action()).isEqualTo(Action.USE_HEADER);
		assertThat(decision.remoteAddress(BALANCER)).isSameAs(BALANCER);
	}

	@Test
	void shouldRefuseAHeaderFromAnUntrustedPeerInEitherMode() {
		for (ProxyProtocolMode mode : new ProxyProtocolMode[] { ProxyProtocolMode.OPTIONAL, ProxyProtocolMode.REQUIRED }) {
			ProxyProtocolPolicy policy = new ProxyProtocolPolicy(mode, TRUSTED);
			Decision decision = policy.decide(STRANGER, decode("PROXY TCP4 198.51.100.7 10.0.0.1 5555 7000\r\n"));
			assertThat(decision.action()).isEqualTo(Action.REFUSE);
			assertThat(decision.reason()).isEqualTo(ProxyHeaderError.UNTRUSTED);
			assertThat(decision.message()).contains("203.0.113.9");
			assertThat(decision.remoteAddress(STRANGER)).isSameAs(STRANGER);
		}
	}

	@Test
	void shouldTrustEveryPeerWithoutAList() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TrustedSources.anyone());
		assertThat(policy.admits(STRANGER.getAddress())).isTrue();
		assertThat(policy.decide(STRANGER, decode("PROXY UNKNOWN\r\n")).action()).isEqualTo(Action.USE_HEADER);
	}

	@Test
	void shouldAdmitAnUntrustedPeerOnlyWhenTheHeaderIsOptional() {
		assertThat(new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED).admits(STRANGER.getAddress())).isFalse();
		assertThat(new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED).admits(BALANCER.getAddress())).isTrue();
		assertThat(new ProxyProtocolPolicy(ProxyProtocolMode.OPTIONAL, TRUSTED).admits(STRANGER.getAddress())).isTrue();
		assertThat(new ProxyProtocolPolicy(ProxyProtocolMode.OFF, TRUSTED).admits(STRANGER.getAddress())).isTrue();
	}

	@Test
	void shouldServeAPlainConnectionWhenTheHeaderIsOptional() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.OPTIONAL, TRUSTED);
		Decision decision = policy.decide(STRANGER, decode("GET / HTTP/1.1\r\n"));
		assertThat(decision.action()).isEqualTo(Action.SERVE_PLAIN);
		assertThat(decision.header()).isNull();
		assertThat(decision.remoteAddress(STRANGER)).isSameAs(STRANGER);
	}

	@Test
	void shouldRefuseAPlainConnectionWhenTheHeaderIsRequired() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED);
		Decision decision = policy.decide(BALANCER, decode("GET / HTTP/1.1\r\n"));
		assertThat(decision.action()).isEqualTo(Action.REFUSE);
		assertThat(decision.reason()).isEqualTo(ProxyHeaderError.MISSING);
	}

	@Test
	void shouldCloseQuietlyAConnectionThatSentNothingWhenTheHeaderIsRequired() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED);
		Decision decision = policy.decide(BALANCER, new ProxyHeaderDecoder().endOfStream());
		assertThat(decision.action()).isEqualTo(Action.CLOSE);
		assertThat(decision.reason()).isNull();
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		decoder.decode(ByteBuffer.wrap("PR".getBytes(StandardCharsets.US_ASCII)));
		assertThat(policy.decide(BALANCER, decoder.endOfStream()).reason()).isEqualTo(ProxyHeaderError.MISSING);
	}

	@Test
	void shouldRefuseAnInvalidHeaderWithItsReason() {
		for (ProxyProtocolMode mode : new ProxyProtocolMode[] { ProxyProtocolMode.OPTIONAL, ProxyProtocolMode.REQUIRED }) {
			Decision decision = new ProxyProtocolPolicy(mode, TrustedSources.anyone()).decide(BALANCER,
					decode("PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n"));
			assertThat(decision.action()).isEqualTo(Action.REFUSE);
			assertThat(decision.reason()).isEqualTo(ProxyHeaderError.MALFORMED);
		}
	}

	@Test
	void shouldReadMoreWhileTheHeaderIsIncomplete() {
		Decision decision = new ProxyProtocolPolicy(ProxyProtocolMode.REQUIRED, TRUSTED).decide(BALANCER,
				decode("PROXY TCP4"));
		assertThat(decision.action()).isEqualTo(Action.READ_MORE);
	}

	@Test
	void shouldHaveNothingToDecideWhenOff() {
		ProxyProtocolPolicy policy = new ProxyProtocolPolicy(ProxyProtocolMode.OFF, TRUSTED);
		assertThat(policy.isEnabled()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> policy.decide(BALANCER, decode("PROXY UNKNOWN\r\n")));
	}

	private static ProxyHeaderResult decode(String text) {
		return new ProxyHeaderDecoder().decode(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
	}

}
