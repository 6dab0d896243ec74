package dev.rawtcp.proxy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rawtcp.proxy.ProxyHeader.Command;
import dev.rawtcp.proxy.ProxyHeader.Family;
import dev.rawtcp.proxy.ProxyHeader.Ssl;
import dev.rawtcp.proxy.ProxyHeader.Tlv;
import dev.rawtcp.proxy.ProxyHeaderResult.Done;
import dev.rawtcp.proxy.ProxyHeaderResult.Failed;
import dev.rawtcp.proxy.ProxyHeaderResult.NotProxy;
import dev.rawtcp.proxy.ProxyHeaderResult.Status;

import static dev.rawtcp.proxy.ProxyTestSupport.address;
import static dev.rawtcp.proxy.ProxyTestSupport.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The examples of the PROXY protocol specification and every way a header can be refused.
 */
class ProxyHeaderDecoderTest {

	private static final String V2_SIGNATURE = "0d0a0d0a000d0a515549540a";

	// version 1

	@Test
	void shouldDecodeTheSpecificationsHttpExampleAndLeaveTheRequestForTheHandler() {
		String request = "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n";
		ByteBuffer in = ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n" + request);
		Done done = done(new ProxyHeaderDecoder().decode(in));
		assertThat(done.header()).isEqualTo(new ProxyHeader(1, Command.PROXY, Family.INET,
				address("192.168.0.1", 56324), address("192.168.0.11", 443), List.of()));
		assertThat(done.consumed()).isEqualTo(47);
		assertThat(done.headerLength()).isEqualTo(47);
		assertThat(StandardCharsets.US_ASCII.decode(in).toString()).isEqualTo(request);
	}

	@Test
	void shouldDecodeTheLongestTcp4Line() {
		String line = "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n";
		assertThat(line).hasSize(56);
		Done done = done(new ProxyHeaderDecoder().decode(ascii(line)));
		assertThat(done.header().source()).isEqualTo(address("255.255.255.255", 65535));
		assertThat(done.header().destination()).isEqualTo(address("255.255.255.255", 65535));
	}

	@Test
	void shouldDecodeTheLongestTcp6Line() {
		String full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
		String line = "PROXY TCP6 " + full + " " + full + " 65535 65535\r\n";
		assertThat(line).hasSize(104);
		Done done = done(new ProxyHeaderDecoder().decode(ascii(line)));
		assertThat(done.header().family()).isEqualTo(Family.INET6);
		assertThat(done.header().source()).isEqualTo(address(full, 65535));
	}

	@Test
	void shouldDecodeCompressedAndMappedIpv6Addresses() {
		Done done = done(new ProxyHeaderDecoder().decode(ascii("PROXY TCP6 2001:DB8::1 ::ffff:192.0.2.7 0 80\r\n")));
		assertThat(done.header().source()).isEqualTo(address("2001:db8:0:0:0:0:0:1", 0));
		assertThat(done.header().destination()).isEqualTo(address("192.0.2.7", 80));
	}

	@Test
	void shouldDecodeTheShortUnknownLineWithoutAddresses() {
		String line = "PROXY UNKNOWN\r\n";
		assertThat(line).hasSize(15);
		Done done = done(new ProxyHeaderDecoder().decode(ascii(line + "data")));
		assertThat(done.header()).isEqualTo(new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, List.of()));
		assertThat(done.header().hasAddresses()).isFalse();
		InetSocketAddress peer = address("10.0.0.1", 4000);
		assertThat(done.header().sourceOr(peer)).isSameAs(peer);
	}

	@Test
	void shouldDecodeTheWorstCaseUnknownLineOf107BytesIgnoringItsAddresses() {
		String full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
		String line = "PROXY UNKNOWN " + full + " " + full + " 65535 65535\r\n";
		assertThat(line).hasSize(107);
		Done done = done(new ProxyHeaderDecoder().decode(ascii(line)));
		assertThat(done.header().family()).isEqualTo(Family.UNSPEC);
		assertThat(done.header().source()).isNull();
	}

	@Test
	void shouldRefuseALineWithoutCrlfWithin107BytesAsTooLarge() {
		String full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
		ByteBuffer in = ascii("PROXY UNKNOWN " + full + " " + full + " 65535 655355\r\n");
		Failed failed = failed(new ProxyHeaderDecoder().decode(in), ProxyHeaderError.TOO_LARGE);
		assertThat(failed.message()).contains("107");
		assertThat(in.position()).isEqualTo(107);
	}

	@Test
	void shouldRefuseALongLineAsSoonAs107BytesArrivedWithoutCrlf() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		assertThat(decoder.decode(ascii("PROXY UNKNOWN " + "a".repeat(92))).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.buffered()).isEqualTo(106);
		ByteBuffer more = ascii("bbbbbbbb");
		failed(decoder.decode(more), ProxyHeaderError.TOO_LARGE);
		assertThat(more.position()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n",
			"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\r\n", "PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n",
			"PROXY tcp4 192.168.0.1 192.168.0.11 56324 443\r\n", "PROXY TCP4 192.168.000.1 192.168.0.11 56324 443\r\n",
			"PROXY TCP4 192.168.0.1 192.168.0.256 56324 443\r\n", "PROXY TCP4 192.168.0 192.168.0.11 56324 443\r\n",
			"PROXY TCP4 192.168.0.1.5 192.168.0.11 56324 443\r\n", "PROXY TCP4 localhost 192.168.0.11 56324 443\r\n",
			"PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n", "PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n",
			"PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 +443\r\n",
			"PROXY TCP4 ::1 ::1 56324 443\r\n", "PROXY TCP6 192.168.0.1 192.168.0.11 56324 443\r\n",
			"PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n", "PROXY TCP6 1::2::3 ::1 1 2\r\n", "PROXY TCP6 12345::1 ::1 1 2\r\n",
			"PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", "PROXY TCP6 [::1] ::1 1 2\r\n", "PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2\r\n",
			"PROXY TCP6 :1:2:3:4:5:6:7 ::1 1 2\r\n", "PROXY TCP6 1:2:3:4:5:6:7: ::1 1 2\r\n",
			"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 extra\r\n", "PROXY TCP4 192.168.0.1  192.168.0.11 56324 443\r\n",
			"PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n", "PROXY TCP4 192.168.0.1 192.168.0.11 56324 \r\n",
			"PROXY  TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "PROXY \r\n", "PROXY UNKNOWNX\r\n",
			"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\t\r\n" })
	void shouldRefuseALineThatDoesNotMatchTheSpecificationAsMalformed(String line) {
		failed(new ProxyHeaderDecoder().decode(ascii(line)), ProxyHeaderError.MALFORMED);
	}

	@Test
	void shouldRefuseANonAsciiByteAsSoonAsItArrivesWithoutWaitingForCrlf() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		ByteBuffer in = ByteBuffer.wrap(new byte[] { 'P', 'R', 'O', 'X', 'Y', ' ', 'T', 0, 'x', 'x' });
		failed(decoder.decode(in), ProxyHeaderError.MALFORMED);
		assertThat(in.position()).isEqualTo(8);
	}

	// version 2

	@Test
	void shouldDecodeTcpOverIpv4AndLeaveThePayload() {
		ByteBuffer in = hex(V2_SIGNATURE + "21 11 000c c0000201 c6336407 d431 01bb" + "cafe");
		Done done = done(new ProxyHeaderDecoder().decode(in));
		assertThat(done.header()).isEqualTo(new ProxyHeader(2, Command.PROXY, Family.INET, address("192.0.2.1", 54321),
				address("198.51.100.7", 443), List.of()));
		assertThat(done.consumed()).isEqualTo(28);
		assertThat(in.remaining()).isEqualTo(2);
		assertThat(in.getShort() & 0xFFFF).isEqualTo(0xCAFE);
	}

	@Test
	void shouldDecodeUdpOverIpv4WithItsAddresses() {
		Done done = done(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 12 000c 7f000001 7f000002 0001 0002")));
		assertThat(done.header().family()).isEqualTo(Family.INET);
		assertThat(done.header().source()).isEqualTo(address("127.0.0.1", 1));
	}

	@Test
	void shouldDecodeTcpOverIpv6() {
		String source = "20010db8000000000000000000000001";
		String destination = "00000000000000000000000000000001";
		Done done = done(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 21 0024" + source + destination + "ffff 0050")));
		assertThat(done.header()).isEqualTo(new ProxyHeader(2, Command.PROXY, Family.INET6,
				address("2001:db8::1", 65535), address("::1", 80), List.of()));
	}

	@Test
	void shouldDecodeAUnixHeaderWithoutExposingItsPathsButWithItsTlvs() {
		String paths = "00".repeat(216);
		Done done = done(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 31 00dd" + paths + "01 0002 6832")));
		assertThat(done.header().family()).isEqualTo(Family.UNIX);
		assertThat(done.header().hasAddresses()).isFalse();
		assertThat(done.header().alpn()).isEqualTo("h2");
	}

	@Test
	void shouldDecodeAnUnspecifiedProxyHeaderIgnoringItsAddressBlock() {
		Done done = done(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 00 0004 deadbeef")));
		assertThat(done.header()).isEqualTo(new ProxyHeader(2, Command.PROXY, Family.UNSPEC, null, null, List.of()));
		assertThat(done.headerLength()).isEqualTo(20);
	}

	@Test
	void shouldDecodeLocalAndSkipWhateverItsBlockHolds() {
		ByteBuffer in = hex(V2_SIGNATURE + "20 11 000c 0a000001 0a000002 1f90 1f91" + "aa");
		Done done = done(new ProxyHeaderDecoder().decode(in));
		assertThat(done.header()).isEqualTo(ProxyHeader.local());
		assertThat(done.header().command()).isEqualTo(Command.LOCAL);
		assertThat(in.remaining()).isOne();
	}

	@Test
	void shouldDecodeLocalWithAnyFamilyByteSinceItIsIgnored() {
		Done done = done(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "20 ff 0000")));
		assertThat(done.header()).isEqualTo(ProxyHeader.local());
	}

	@Test
	void shouldExposeEveryRegisteredTlvAndAmazonsVpcEndpointId() {
		byte[] ssl = ProxyHeaderEncoder.ssl(Ssl.CLIENT_SSL | Ssl.CLIENT_CERT_CONN, 0,
				ProxyHeaderEncoder.tlv(Ssl.SUBTYPE_VERSION, "TLSv1.3"), ProxyHeaderEncoder.tlv(Ssl.SUBTYPE_CN, "client.example"),
				ProxyHeaderEncoder.tlv(Ssl.SUBTYPE_CIPHER, "TLS_AES_256_GCM_SHA384"),
				ProxyHeaderEncoder.tlv(Ssl.SUBTYPE_SIG_ALG, "SHA256"), ProxyHeaderEncoder.tlv(Ssl.SUBTYPE_KEY_ALG, "RSA2048"));
		byte[] vpce = ("\u0001vpce-08d2bf15fac5001c9").getBytes(StandardCharsets.US_ASCII);
		List<Tlv> tlvs = List.of(ProxyHeaderEncoder.tlv(ProxyHeader.TYPE_ALPN, "h2"),
				ProxyHeaderEncoder.tlv(ProxyHeader.TYPE_AUTHORITY, "bücher.example"),
				new Tlv(ProxyHeader.TYPE_UNIQUE_ID, new byte[] { 1, 2, 3 }), new Tlv(ProxyHeader.TYPE_SSL, ssl),
				ProxyHeaderEncoder.tlv(ProxyHeader.TYPE_NETNS, "blue"), new Tlv(ProxyHeader.TYPE_AWS, vpce),
				new Tlv(0xE5, new byte[] { 9 }));
		ProxyHeader expected = new ProxyHeader(2, Command.PROXY, Family.INET, address("10.1.2.3", 5000),
				address("10.0.0.1", 7000), tlvs);
		Done done = done(new ProxyHeaderDecoder().decode(ByteBuffer.wrap(ProxyHeaderEncoder.v2(expected, false, 0))));
		ProxyHeader header = done.header();
		assertThat(header).isEqualTo(expected);
		assertThat(header.alpn()).isEqualTo("h2");
		assertThat(header.authority()).isEqualTo("bücher.example");
		assertThat(header.uniqueId()).containsExactly(1, 2, 3);
		assertThat(header.netns()).isEqualTo("blue");
		assertThat(header.awsVpcEndpointId()).isEqualTo("vpce-08d2bf15fac5001c9");
		assertThat(header.tlv(0xE5)).isEqualTo(new Tlv(0xE5, new byte[] { 9 }));
		Ssl sslInfo = header.ssl();
		assertThat(sslInfo).isNotNull();
		assertThat(sslInfo.isTls()).isTrue();
		assertThat(sslInfo.hasCertificateOnConnection()).isTrue();
		assertThat(sslInfo.hasCertificateInSession()).isFalse();
		assertThat(sslInfo.isCertificateVerified()).isTrue();
		assertThat(sslInfo.version()).isEqualTo("TLSv1.3");
		assertThat(sslInfo.commonName()).isEqualTo("client.example");
		assertThat(sslInfo.cipher()).isEqualTo("TLS_AES_256_GCM_SHA384");
		assertThat(sslInfo.signatureAlgorithm()).isEqualTo("SHA256");
		assertThat(sslInfo.keyAlgorithm()).isEqualTo("RSA2048");
	}

	@Test
	void shouldAnswerNullForAbsentTlvsAndForAnotherAwsSubtype() {
		ProxyHeader header = new ProxyHeader(2, Command.PROXY, Family.UNIX, null, null,
				List.of(new Tlv(ProxyHeader.TYPE_AWS, new byte[] { 2, 'x' }), new Tlv(ProxyHeader.TYPE_AWS, new byte[0])));
		assertThat(header.awsVpcEndpointId()).isNull();
		assertThat(header.alpn()).isNull();
		assertThat(header.authority()).isNull();
		assertThat(header.uniqueId()).isNull();
		assertThat(header.ssl()).isNull();
		assertThat(header.netns()).isNull();
	}

	@Test
	void shouldReportAnUnverifiedClientCertificate() {
		Ssl ssl = Ssl.parse(ByteBuffer.wrap(ProxyHeaderEncoder.ssl(Ssl.CLIENT_SSL | Ssl.CLIENT_CERT_SESS, 0x12)));
		assertThat(ssl).isNotNull();
		assertThat(ssl.hasCertificateInSession()).isTrue();
		assertThat(ssl.verify()).isEqualTo(0x12);
		assertThat(ssl.isCertificateVerified()).isFalse();
		assertThat(ssl.version()).isNull();
		Ssl noCertificate = Ssl.parse(ByteBuffer.wrap(ProxyHeaderEncoder.ssl(Ssl.CLIENT_SSL, 0)));
		assertThat(noCertificate.isCertificateVerified()).isFalse();
	}

	@Test
	void shouldVerifyAValidChecksumAndDropNoopPadding() {
		ProxyHeader expected = new ProxyHeader(2, Command.PROXY, Family.INET, address("10.1.2.3", 5000),
				address("10.0.0.1", 7000), List.of(ProxyHeaderEncoder.tlv(ProxyHeader.TYPE_ALPN, "h2")));
		byte[] bytes = ProxyHeaderEncoder.v2(expected, true, 2);
		Done done = done(new ProxyHeaderDecoder().decode(ByteBuffer.wrap(bytes)));
		assertThat(done.header().tlvs()).extracting(Tlv::type).containsExactly(ProxyHeader.TYPE_ALPN, ProxyHeader.TYPE_CRC32C);
		assertThat(done.header().alpn()).isEqualTo("h2");
	}

	@Test
	void shouldRefuseAChecksumThatDoesNotMatch() {
		ProxyHeader header = new ProxyHeader(2, Command.PROXY, Family.INET, address("10.1.2.3", 5000),
				address("10.0.0.1", 7000), List.of());
		byte[] bytes = ProxyHeaderEncoder.v2(header, true, 0);
		bytes[17] ^= 1;
		failed(new ProxyHeaderDecoder().decode(ByteBuffer.wrap(bytes)), ProxyHeaderError.CHECKSUM_MISMATCH);
		byte[] crcTampered = ProxyHeaderEncoder.v2(header, true, 0);
		crcTampered[crcTampered.length - 1] ^= 1;
		failed(new ProxyHeaderDecoder().decode(ByteBuffer.wrap(crcTampered)), ProxyHeaderError.CHECKSUM_MISMATCH);
	}

	@ParameterizedTest
	@CsvSource({ "11 11 000c, UNSUPPORTED_VERSION", "31 11 000c, UNSUPPORTED_VERSION", "22 11 000c, UNSUPPORTED_COMMAND",
			"2f 11 000c, UNSUPPORTED_COMMAND", "21 41 000c, UNSUPPORTED_FAMILY", "21 13 000c, UNSUPPORTED_FAMILY" })
	void shouldRefuseAFixedPartOutsideTheSpecificationOnceItIsIn(String fixedPart, ProxyHeaderError reason) {
		ByteBuffer in = hex(V2_SIGNATURE + fixedPart + "0a000001 0a000002 0001 0002");
		failed(new ProxyHeaderDecoder().decode(in), reason);
		assertThat(in.position()).isEqualTo(16);
	}

	@Test
	void shouldRefuseALengthAboveTheLimitAsSoonAsTheFixedPartIsIn() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(100);
		ByteBuffer in = hex(V2_SIGNATURE + "21 11 0055" + "00".repeat(200));
		Failed failed = failed(decoder.decode(in), ProxyHeaderError.TOO_LARGE);
		assertThat(failed.message()).contains("101").contains("100");
		assertThat(in.position()).isEqualTo(16);
		assertThat(done(new ProxyHeaderDecoder(100).decode(hex(V2_SIGNATURE + "21 00 0054" + "00".repeat(84))))
			.headerLength()).isEqualTo(100);
	}

	@Test
	void shouldRefuseTheLargestLengthWithTheDefaultLimit() {
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 11 ffff")), ProxyHeaderError.TOO_LARGE);
	}

	@Test
	void shouldAcceptTheLargestHeaderWithTheHardCap() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(ProxyHeaderDecoder.MAX_HEADER_SIZE);
		ByteBuffer in = hex(V2_SIGNATURE + "21 11 ffff 0a000001 0a000002 0001 0002 e0 fff0" + "00".repeat(65520));
		Done done = done(decoder.decode(in));
		assertThat(done.headerLength()).isEqualTo(65551);
		assertThat(done.header().tlv(0xE0).length()).isEqualTo(65520);
	}

	@Test
	void shouldRefuseAnAddressBlockShorterThanItsFamily() {
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 11 000b 0a000001 0a000002 0001 00")),
				ProxyHeaderError.MALFORMED);
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 21 000c" + "00".repeat(12))),
				ProxyHeaderError.MALFORMED);
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + "21 31 000c" + "00".repeat(12))),
				ProxyHeaderError.MALFORMED);
	}

	@Test
	void shouldRefuseTlvsThatDoNotFillTheHeaderExactly() {
		String inet = "21 11 %04x 0a000001 0a000002 0001 0002";
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + String.format(inet, 12 + 2) + "01 00")),
				ProxyHeaderError.MALFORMED);
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + String.format(inet, 12 + 5) + "01 0003 6832")),
				ProxyHeaderError.MALFORMED);
	}

	@Test
	void shouldRefuseAChecksumTlvOfTheWrongLength() {
		String header = V2_SIGNATURE + "21 11 0012 0a000001 0a000002 0001 0002 03 0003 000000";
		failed(new ProxyHeaderDecoder().decode(hex(header)), ProxyHeaderError.MALFORMED);
	}

	@Test
	void shouldRefuseAMalformedSslTlv() {
		String inet = "21 11 %04x 0a000001 0a000002 0001 0002";
		// shorter than the client byte and the verify field
		failed(new ProxyHeaderDecoder().decode(hex(V2_SIGNATURE + String.format(inet, 12 + 7) + "20 0004 01000000")),
				ProxyHeaderError.MALFORMED);
		// a sub-TLV that runs past the SSL TLV
		failed(new ProxyHeaderDecoder().decode(
				hex(V2_SIGNATURE + String.format(inet, 12 + 11) + "20 0008 0100000000 21 0009")),
				ProxyHeaderError.MALFORMED);
	}

	@Test
	void shouldRefuseAMalformedSslTlvBuiltByHand() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(2, Command.PROXY, Family.UNSPEC, null,
				null, List.of(new Tlv(ProxyHeader.TYPE_SSL, new byte[] { 1 }))));
	}

	// not a header

	@ParameterizedTest
	@ValueSource(strings = { "GET / HTTP/1.1\r\n", "proxy TCP4", "\n", "HELO", "" + (char) 0x16 + (char) 3 })
	void shouldSeeAPlainConnectionAtItsFirstByteAndConsumeNothing(String start) {
		ByteBuffer in = ascii(start);
		NotProxy notProxy = notProxy(new ProxyHeaderDecoder().decode(in));
		assertThat(in.position()).isZero();
		assertThat(notProxy.replay().hasRemaining()).isFalse();
		assertThat(notProxy.endOfStream()).isFalse();
	}

	@Test
	void shouldHandBackTheSignaturePrefixConsumedByEarlierReads() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		assertThat(decoder.decode(ascii("PR")).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.decode(ascii("O")).status()).isEqualTo(Status.NEED_MORE);
		ByteBuffer in = ascii("XIMA");
		NotProxy notProxy = notProxy(decoder.decode(in));
		assertThat(StandardCharsets.US_ASCII.decode(notProxy.replay()).toString()).isEqualTo("PRO");
		assertThat(in.position()).isZero();
		assertThat(notProxy.replay().isReadOnly()).isTrue();
	}

	@Test
	void shouldSeeAPlainConnectionWhenTheVersion1SignatureLacksItsSpace() {
		ByteBuffer in = ascii("PROXYZ");
		notProxy(new ProxyHeaderDecoder().decode(in));
		assertThat(in.position()).isZero();
	}

	@Test
	void shouldSeeAPlainConnectionInsideTheVersion2Signature() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		assertThat(decoder.decode(hex("0d0a0d0a00")).status()).isEqualTo(Status.NEED_MORE);
		ByteBuffer in = hex("0d0b");
		NotProxy notProxy = notProxy(decoder.decode(in));
		assertThat(notProxy.replay().remaining()).isEqualTo(5);
		assertThat(in.position()).isZero();
	}

	@Test
	void shouldNeedMoreForAnEmptyBuffer() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		assertThat(decoder.decode(ByteBuffer.allocate(0)).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.decode(ascii("PROXY ")).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.decode(ByteBuffer.allocate(0)).status()).isEqualTo(Status.NEED_MORE);
		assertThat(decoder.buffered()).isEqualTo(6);
	}

	// end of stream

	@Test
	void shouldReportAnEmptyConnectionAtEndOfStreamWithNothingReceived() {
		NotProxy notProxy = notProxy(new ProxyHeaderDecoder().endOfStream());
		assertThat(notProxy.endOfStream()).isTrue();
		assertThat(notProxy.isEmptyConnection()).isTrue();
	}

	@Test
	void shouldHandBackASignaturePrefixAtEndOfStream() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		decoder.decode(ascii("PRO"));
		NotProxy notProxy = notProxy(decoder.endOfStream());
		assertThat(notProxy.isEmptyConnection()).isFalse();
		assertThat(StandardCharsets.US_ASCII.decode(notProxy.replay()).toString()).isEqualTo("PRO");
	}

	@Test
	void shouldReportATruncatedHeaderAtEndOfStreamInsideEitherVersion() {
		for (ByteBuffer start : List.of(ascii("PROXY "), ascii("PROXY TCP4 1.2.3.4"), hex(V2_SIGNATURE),
				hex(V2_SIGNATURE + "21 11"), hex(V2_SIGNATURE + "21 11 000c 0a00"))) {
			ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
			assertThat(decoder.decode(start).status()).isEqualTo(Status.NEED_MORE);
			failed(decoder.endOfStream(), ProxyHeaderError.TRUNCATED);
		}
	}

	// splits and lifecycle

	@Test
	void shouldDecodeTheSameHeaderWhateverTwoPointsSplitIt() {
		ProxyHeader header = new ProxyHeader(2, Command.PROXY, Family.INET6, address("2001:db8::7", 40000),
				address("2001:db8::1", 443), List.of(ProxyHeaderEncoder.tlv(ProxyHeader.TYPE_AUTHORITY, "example.com")));
		byte[] payload = { 'h', 'i' };
		for (byte[] encoded : List.of(ProxyHeaderEncoder.v2(header, true, 1), ProxyHeaderEncoder.v1(
				new ProxyHeader(1, Command.PROXY, Family.INET6, header.source(), header.destination(), List.of())))) {
			byte[] stream = concat(encoded, payload);
			for (int i = 0; i <= stream.length; i++) {
				for (int j = i; j <= stream.length; j++) {
					ByteArrayOutputStream rest = new ByteArrayOutputStream();
					Done done = ProxyTestSupport.decodeChunks(List.of(ByteBuffer.wrap(stream, 0, i).slice(),
							ByteBuffer.wrap(stream, i, j - i).slice(), ByteBuffer.wrap(stream, j, stream.length - j).slice()),
							rest);
					assertThat(done).as("split at %d and %d", i, j).isNotNull();
					assertThat(done.headerLength()).isEqualTo(encoded.length);
					assertThat(rest.toByteArray()).containsExactly(payload);
				}
			}
		}
	}

	@Test
	void shouldDecodeOneByteAtATimeFromADirectBuffer() {
		byte[] bytes = ProxyHeaderEncoder.v2(new ProxyHeader(2, Command.PROXY, Family.INET, address("10.1.2.3", 5000),
				address("10.0.0.1", 7000), List.of(ProxyHeaderEncoder.tlv(ProxyHeader.TYPE_ALPN, "h2"))), true, 0);
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		ByteBuffer one = ByteBuffer.allocateDirect(1);
		for (int i = 0; i < bytes.length - 1; i++) {
			one.clear();
			one.put(bytes[i]).flip();
			assertThat(decoder.decode(one).status()).isEqualTo(Status.NEED_MORE);
			assertThat(one.hasRemaining()).isFalse();
		}
		one.clear();
		one.put(bytes[bytes.length - 1]).flip();
		Done done = done(decoder.decode(one));
		assertThat(done.consumed()).isOne();
		assertThat(done.header().alpn()).isEqualTo("h2");
	}

	@Test
	void shouldAllocateNothingPerByte() {
		assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
				"This JVM does not count the bytes a thread allocates");
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		byte[] bytes = ProxyHeaderEncoder.v2(new ProxyHeader(2, Command.PROXY, Family.INET, address("10.1.2.3", 5000),
				address("10.0.0.1", 7000), List.of(new Tlv(0xE0, new byte[4000]))), false, 0);
		decodeByteByByte(bytes);
		long before = threads.getCurrentThreadAllocatedBytes();
		decodeByteByByte(bytes);
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		// the header's own array, its TLV's copy and the results: about 8 KiB, against 32 KiB for 8 bytes per byte
		assertThat(allocated).as("bytes allocated for a %d-byte header fed one byte at a time", bytes.length)
			.isLessThan(4L * bytes.length + 8192);
	}

	private static void decodeByteByByte(byte[] bytes) {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		ByteBuffer one = ByteBuffer.allocate(1);
		ProxyHeaderResult result = null;
		for (byte b : bytes) {
			one.clear();
			one.put(b).flip();
			result = decoder.decode(one);
		}
		assertThat(result).isInstanceOf(Done.class);
	}

	@Test
	void shouldRefuseEveryCallOnceFinished() {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
		decoder.decode(ascii("PROXY UNKNOWN\r\n"));
		assertThatIllegalStateException().isThrownBy(() -> decoder.decode(ascii("x")));
		assertThatIllegalStateException().isThrownBy(decoder::endOfStream);
	}

	@Test
	void shouldRefuseAMaximumOutsideItsRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeaderDecoder(51))
			.withMessageContaining("'maxHeaderSize'")
			.withMessageContaining("52");
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeaderDecoder(65552))
			.withMessageContaining("65551");
		assertThat(new ProxyHeaderDecoder().maxHeaderSize()).isEqualTo(4096);
	}

	@Test
	void shouldGiveEveryReasonALowerCaseKebabTag() {
		assertThat(ProxyHeaderError.values()).extracting(ProxyHeaderError::tag)
			.allMatch((tag) -> tag.matches("[a-z]+(-[a-z]+)*"))
			.doesNotHaveDuplicates();
		assertThat(ProxyHeaderError.TOO_LARGE.tag()).isEqualTo("too-large");
	}

	@Test
	void shouldRefuseAHeaderModelThatDoesNotHoldTogether() {
		InetSocketAddress a = address("10.0.0.1", 1);
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(3, Command.PROXY, Family.INET, a, a, List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(2, Command.PROXY, Family.INET, a, null, List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(2, Command.LOCAL, Family.INET, a, a, List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(2, Command.PROXY, Family.UNIX, a, a, List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null,
				List.of(new Tlv(1, new byte[0]))));
		assertThatIllegalArgumentException().isThrownBy(() -> new Tlv(256, new byte[0]));
	}

	static Done done(ProxyHeaderResult result) {
		assertThat(result).isInstanceOf(Done.class);
		return (Done) result;
	}

	static Failed failed(ProxyHeaderResult result, ProxyHeaderError reason) {
		assertThat(result).isInstanceOf(Failed.class);
		Failed failed = (Failed) result;
		assertThat(failed.reason()).as(failed.message()).isEqualTo(reason);
		return failed;
	}

	static NotProxy notProxy(ProxyHeaderResult result) {
		assertThat(result).isInstanceOf(NotProxy.class);
		return (NotProxy) result;
	}

	private static ByteBuffer ascii(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	private static ByteBuffer hex(String text) {
		return ByteBuffer.wrap(HexFormat.of().parseHex(text.replace(" ", "")));
	}

}
