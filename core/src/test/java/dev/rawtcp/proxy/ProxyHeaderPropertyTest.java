package dev.rawtcp.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import dev.rawtcp.proxy.ProxyHeader.Command;
import dev.rawtcp.proxy.ProxyHeader.Family;
import dev.rawtcp.proxy.ProxyHeader.Tlv;
import dev.rawtcp.proxy.ProxyHeaderResult.Done;
import dev.rawtcp.proxy.ProxyHeaderResult.Failed;
import dev.rawtcp.proxy.ProxyHeaderResult.NotProxy;
import dev.rawtcp.proxy.ProxyHeaderResult.Status;

import static dev.rawtcp.proxy.ProxyTestSupport.concat;
import static dev.rawtcp.proxy.ProxyTestSupport.socket;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the decoder: any valid header written by {@link ProxyHeaderEncoder} decodes to
 * itself however its bytes are split, leaving what follows it untouched; and any byte stream,
 * however split, gets one of the decoder's own results without it holding or consuming more
 * than the limit.
 */
class ProxyHeaderPropertyTest {

	@Property(tries = 1000)
	void shouldDecodeAnyValidHeaderWhereverItsBytesAreSplit(@ForAll("encodedHeaders") Encoded encoded,
			@ForAll @Size(max = 64) byte[] payload, @ForAll("cuts") List<Integer> cuts) {
		byte[] stream = concat(encoded.bytes(), payload);
		ByteArrayOutputStream rest = new ByteArrayOutputStream();
		Done done = ProxyTestSupport.decodeChunks(split(stream, cuts), rest);
		assertThat(done).isNotNull();
		assertThat(withoutChecksum(done.header())).isEqualTo(encoded.header());
		assertThat(done.headerLength()).isEqualTo(encoded.bytes().length);
		assertThat(rest.toByteArray()).isEqualTo(payload);
	}

	@Property(tries = 3000)
	void shouldAnswerAnyBytesWithItsOwnResultsWithinTheLimit(@ForAll("garbage") byte[] stream,
			@ForAll("cuts") List<Integer> cuts, @ForAll @IntRange(min = 52, max = 700) int maxHeaderSize) {
		ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(maxHeaderSize);
		int limit = Math.max(ProxyHeaderDecoder.V1_MAX_LENGTH, maxHeaderSize);
		int consumed = 0;
		ProxyHeaderResult result = null;
		for (ByteBuffer chunk : split(stream, cuts)) {
			int before = chunk.position();
			result = decoder.decode(chunk);
			consumed += chunk.position() - before;
			assertThat(consumed).isLessThanOrEqualTo(limit);
			assertThat(decoder.buffered()).isLessThanOrEqualTo(limit);
			if (result instanceof NotProxy notProxy) {
				assertThat(chunk.position()).isEqualTo(before);
				assertThat(notProxy.replay().remaining()).isLessThan(12);
			}
			if (result instanceof Done done) {
				assertThat(done.headerLength()).isEqualTo(consumed).isLessThanOrEqualTo(limit);
			}
			if (result.status() != Status.NEED_MORE) {
				return;
			}
		}
		result = decoder.endOfStream();
		assertThat(result.status()).isIn(Status.NOT_PROXY, Status.FAILED);
		if (result instanceof Failed failed) {
			assertThat(failed.reason()).isEqualTo(ProxyHeaderError.TRUNCATED);
		}
	}

	@Provide
	Arbitrary<Encoded> encodedHeaders() {
		return Arbitraries.oneOf(v1Headers(), v2Headers());
	}

	@Provide
	Arbitrary<List<Integer>> cuts() {
		Arbitrary<List<Integer>> some = Arbitraries.integers().between(0, 700).list().ofMaxSize(12);
		// every byte apart
		Arbitrary<List<Integer>> all = Arbitraries.just(List.of(-1));
		return Arbitraries.frequencyOf(Tuple.of(9, some), Tuple.of(1, all));
	}

	@Provide
	Arbitrary<byte[]> garbage() {
		Arbitrary<byte[]> prefix = Arbitraries.of(new byte[0], bytes("PROXY "), bytes("PROXY TCP4 "),
				bytes("PROXY TCP6 "), bytes("PROXY UNKNOWN"), Arrays.copyOf(ProxyHeaderDecoder.V2_SIGNATURE, 5),
				ProxyHeaderDecoder.V2_SIGNATURE, concat(ProxyHeaderDecoder.V2_SIGNATURE, new byte[] { 0x21 }),
				concat(ProxyHeaderDecoder.V2_SIGNATURE, new byte[] { 0x21, 0x11 }),
				concat(ProxyHeaderDecoder.V2_SIGNATURE, new byte[] { 0x20 }));
		Arbitrary<byte[]> tail = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(800),
				Arbitraries.of((byte) ' ', (byte) '1', (byte) '.', (byte) ':', (byte) 'f', (byte) '\r', (byte) '\n')
					.list()
					.ofMaxSize(120)
					.map(ProxyHeaderPropertyTest::toBytes));
		return Combinators.combine(prefix, tail).as(ProxyTestSupport::concat);
	}

	private Arbitrary<Encoded> v1Headers() {
		Arbitrary<ProxyHeader> inet = Combinators.combine(ipv4(), ipv4(), ports(), ports())
			.as((s, d, sp, dp) -> new ProxyHeader(1, Command.PROXY, Family.INET, socket(s, sp), socket(d, dp), List.of()));
		Arbitrary<ProxyHeader> inet6 = Combinators.combine(ipv6(), ipv6(), ports(), ports())
			.as((s, d, sp, dp) -> new ProxyHeader(1, Command.PROXY, Family.INET6, socket(s, sp), socket(d, dp), List.of()));
		Arbitrary<ProxyHeader> unknown = Arbitraries
			.just(new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, List.of()));
		return Combinators.combine(Arbitraries.oneOf(inet, inet6, unknown), Arbitraries.of(true, false))
			.as((header, compress) -> new Encoded(header, ProxyHeaderEncoder.v1(header, compress)));
	}

	private Arbitrary<Encoded> v2Headers() {
		Arbitrary<ProxyHeader> proxy = Combinators
			.combine(Arbitraries.of(Family.values()), ipv4(), ipv4(), ipv6(), ipv6(), ports(), ports(), tlvs())
			.as((family, s4, d4, s6, d6, sp, dp, tlvs) -> switch (family) {
				case INET -> new ProxyHeader(2, Command.PROXY, family, socket(s4, sp), socket(d4, dp), tlvs);
				case INET6 -> new ProxyHeader(2, Command.PROXY, family, socket(s6, sp), socket(d6, dp), tlvs);
				case UNIX -> new ProxyHeader(2, Command.PROXY, family, null, null, tlvs);
				case UNSPEC -> new ProxyHeader(2, Command.PROXY, family, null, null, List.of());
			});
		Arbitrary<ProxyHeader> header = Arbitraries.frequencyOf(Tuple.of(8, proxy),
				Tuple.of(1, Arbitraries.just(ProxyHeader.local())));
		return Combinators.combine(header, Arbitraries.of(true, false), Arbitraries.integers().between(0, 3))
			.as((h, checksum, noops) -> new Encoded(h, ProxyHeaderEncoder.v2(h, checksum, noops)));
	}

	private Arbitrary<List<Tlv>> tlvs() {
		Arbitrary<Tlv> plain = Combinators
			.combine(Arbitraries.integers()
				.between(0, 255)
				.filter((type) -> type != ProxyHeader.TYPE_CRC32C && type != ProxyHeader.TYPE_NOOP
						&& type != ProxyHeader.TYPE_SSL),
					Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
			.as(Tlv::new);
		Arbitrary<Tlv> sub = Combinators
			.combine(Arbitraries.integers().between(0x21, 0x25), Arbitraries.strings().ascii().ofMaxLength(30))
			.as(ProxyHeaderEncoder::tlv);
		Arbitrary<Tlv> ssl = Combinators
			.combine(Arbitraries.integers().between(0, 7), Arbitraries.longs().between(0, 0xFFFFFFFFL),
					sub.list().ofMaxSize(5))
			.as((client, verify, subs) -> new Tlv(ProxyHeader.TYPE_SSL,
					ProxyHeaderEncoder.ssl(client, verify, subs.toArray(new Tlv[0]))));
		return Arbitraries.frequencyOf(Tuple.of(4, plain), Tuple.of(1, ssl))
			.list()
			.ofMaxSize(6);
	}

	private static Arbitrary<byte[]> ipv4() {
		return Arbitraries.bytes().array(byte[].class).ofSize(4);
	}

	private static Arbitrary<byte[]> ipv6() {
		Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofSize(16);
		Arbitrary<byte[]> sparse = Arbitraries.of((byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0xFF)
			.list()
			.ofSize(16)
			.map(ProxyHeaderPropertyTest::toBytes);
		return Arbitraries.oneOf(any, sparse);
	}

	private static Arbitrary<Integer> ports() {
		return Arbitraries.integers().between(0, 65535);
	}

	/** Split at the cut points (each taken modulo the length); {@code [-1]} splits every byte. */
	private static List<ByteBuffer> split(byte[] stream, List<Integer> cuts) {
		TreeSet<Integer> points = new TreeSet<>();
		if (cuts.equals(List.of(-1))) {
			for (int i = 1; i < stream.length; i++) {
				points.add(i);
			}
		}
		else {
			for (int cut : cuts) {
				points.add(cut % (stream.length + 1));
			}
		}
		points.add(stream.length);
		List<ByteBuffer> chunks = new ArrayList<>();
		int from = 0;
		for (int point : points) {
			// a view of the whole array, positioned on the chunk, as a reused read buffer would be
			chunks.add(ByteBuffer.wrap(stream, from, point - from));
			from = point;
		}
		return chunks;
	}

	private static ProxyHeader withoutChecksum(ProxyHeader header) {
		List<Tlv> tlvs = header.tlvs().stream().filter((tlv) -> tlv.type() != ProxyHeader.TYPE_CRC32C).toList();
		return new ProxyHeader(header.version(), header.command(), header.family(), header.source(),
				header.destination(), tlvs);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] toBytes(List<Byte> list) {
		byte[] bytes = new byte[list.size()];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = list.get(i);
		}
		return bytes;
	}

	/** A header and the bytes that encode it. */
	record Encoded(ProxyHeader header, byte[] bytes) {

		@Override
		public String toString() {
			return this.header + " as " + HexFormat.of().formatHex(this.bytes);
		}

	}

}
