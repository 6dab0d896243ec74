package dev.rawtcp.proxy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The peers allowed to send a PROXY protocol header: a list of CIDR blocks, IPv4 or IPv6,
 * such as {@code 10.0.0.0/8}, {@code 2001:db8::/32} or {@code ::1/128}. An address without a
 * prefix length is a single host ({@code /32} or {@code /128}). Host bits below the prefix are
 * ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). An IPv4-mapped IPv6 address
 * ({@code ::ffff:10.1.2.3}) is its IPv4 form, in entries and in the addresses checked.
 * <p>
 * An empty list restricts nothing: {@link #anyone()} contains every address. Entries are
 * literals only: a host name is refused, never resolved. Immutable.
 */
public final class TrustedSources {

	private static final TrustedSources ANYONE = new TrustedSources(List.of());

	private final List<Block> blocks;

	private TrustedSources(List<Block> blocks) {
		this.blocks = List.copyOf(blocks);
	}

	/**
	 * No restriction: every peer may send a header.
	 * @return the unrestricted instance
	 */
	public static TrustedSources anyone() {
		return ANYONE;
	}

	/**
	 * Parse CIDR entries.
	 * @param entries the entries, such as {@code 10.0.0.0/8} or {@code ::1}
	 * @return the trusted sources; {@link #anyone()} if there are no entries
	 * @throws IllegalArgumentException naming the first invalid entry and what is wrong with it
	 */
	public static TrustedSources of(String... entries) {
		return of(List.of(entries));
	}

	/**
	 * Parse CIDR entries.
	 * @param entries the entries, such as {@code 10.0.0.0/8} or {@code ::1}
	 * @return the trusted sources; {@link #anyone()} if there are no entries
	 * @throws IllegalArgumentException naming the first invalid entry and what is wrong with it
	 */
	public static TrustedSources of(Collection<String> entries) {
		if (entries.isEmpty()) {
			return ANYONE;
		}
		List<Block> blocks = new ArrayList<>(entries.size());
		for (String entry : entries) {
			blocks.add(Block.parse(entry));
		}
		return new TrustedSources(blocks);
	}

	/**
	 * Whether the list restricts anything.
	 * @return {@code false} for the empty list, which trusts everyone
	 */
	public boolean isRestricted() {
		return !this.blocks.isEmpty();
	}

	/**
	 * Whether a peer may send a header.
	 * @param address the peer's address
	 * @return {@code true} if the list is empty or a block contains the address
	 */
	public boolean contains(InetAddress address) {
		if (this.blocks.isEmpty()) {
			return true;
		}
		byte[] bytes = Block.normalize(address.getAddress());
		for (Block block : this.blocks) {
			if (block.contains(bytes)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The blocks in canonical form, such as {@code 10.0.0.0/8}, in the order given.
	 * @return the blocks, empty when everyone is trusted
	 */
	public List<String> entries() {
		return this.blocks.stream().map(Block::toString).toList();
	}

	@Override
	public String toString() {
		return this.blocks.isEmpty() ? "anyone" : entries().toString();
	}

	/** One CIDR block: network bytes (host bits cleared) and a prefix length. */
	private record Block(byte[] network, int prefix) {

		static Block parse(String entry) {
			String text = entry.strip();
			if (text.isEmpty()) {
				throw invalid(entry, "it is empty");
			}
			int slash = text.indexOf('/');
			int end = (slash >= 0) ? slash : text.length();
			byte[] address = IpLiterals.ipv4(text, 0, end);
			int mappedBits = 0;
			if (address == null) {
				address = IpLiterals.ipv6(text, 0, end);
				if (address == null) {
					throw invalid(entry, "it is not an IPv4 or IPv6 address literal, optionally followed by /prefix");
				}
				if (IpLiterals.isIpv4Mapped(address)) {
					mappedBits = 96;
					address = normalize(address);
				}
			}
			int maxPrefix = address.length * 8;
			int prefix = maxPrefix;
			if (slash >= 0) {
				prefix = IpLiterals.decimal(text, slash + 1, text.length(), maxPrefix + mappedBits);
				if (prefix < 0) {
					throw invalid(entry, "the prefix length must be a number from " + mappedBits + " to "
							+ (maxPrefix + mappedBits));
				}
				if (prefix < mappedBits) {
					throw invalid(entry, "an IPv4-mapped block's prefix length must be at least 96");
				}
				prefix -= mappedBits;
			}
			for (int bit = prefix; bit < maxPrefix; bit++) {
				address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
			}
			return new Block(address, prefix);
		}

		/** IPv4-mapped IPv6 bytes become the 4 IPv4 bytes. */
		static byte[] normalize(byte[] address) {
			if (IpLiterals.isIpv4Mapped(address)) {
				byte[] ipv4 = new byte[4];
				System.arraycopy(address, 12, ipv4, 0, 4);
				return ipv4;
			}
			return address;
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int full = this.prefix / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (address[full] & mask) == (this.network[full] & 0xFF);
		}

		private static IllegalArgumentException invalid(String entry, String reason) {
			return new IllegalArgumentException("Invalid trusted source '" + entry + "': " + reason);
		}

		@Override
		public String toString() {
			StringBuilder text = new StringBuilder();
			if (this.network.length == 4) {
				for (int i = 0; i < 4; i++) {
					text.append((i > 0) ? "." : "").append(this.network[i] & 0xFF);
				}
			}
			else {
				for (int i = 0; i < 16; i += 2) {
					text.append((i > 0) ? ":" : "")
						.append(Integer.toHexString(((this.network[i] & 0xFF) << 8) | (this.network[i + 1] & 0xFF)));
				}
			}
			return text.append('/').append(this.prefix).toString();
		}

	}

}
