/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file packets.h
 * @brief Builders for crafted Ethernet frames, used by the steering tests.
 *
 * A frame is described by a struct xl_pkt_spec (every field zero means "the normal, well-formed
 * value") and serialised by xl_pkt_build() into a caller buffer. The spec covers Ethernet, a stack
 * of 802.1Q / 802.1ad tags, IPv4 (any IHL, options, fragments), IPv6 with any chain of extension
 * headers (hop-by-hop, routing, destination options, fragment, AH, or any other type), UDP, TCP,
 * ICMP, ICMPv6, ARP, LLDP and raw EtherTypes, plus knobs that lie: IHL below 5, IPv4 total length
 * longer or shorter than the frame, IPv6 payload length lies, a bad IP version, a short TCP data
 * offset, and truncation at any byte offset.
 *
 * All multi-byte fields in the spec are in host byte order; the builder writes network order.
 * The builders do not allocate and are not thread-safe only in the trivial sense that two threads
 * must not share one output buffer. The PRNG (xl_rng) is a small deterministic generator so that
 * every randomised test is reproducible from its printed seed.
 */
#ifndef XL_TESTS_PACKETS_H
#define XL_TESTS_PACKETS_H

#include <stddef.h>
#include <stdint.h>

#define XL_PKT_MAX_VLAN 8  /**< most tags a spec can carry (deeper than any parser bound) */
#define XL_PKT_MAX_EXT	24 /**< most IPv6 extension headers a spec can carry */
#define XL_PKT_MAX_LEN	4096

/* EtherTypes (host order). */
#define XL_ETH_P_IP	0x0800
#define XL_ETH_P_ARP	0x0806
#define XL_ETH_P_8021Q	0x8100
#define XL_ETH_P_8021AD 0x88a8
#define XL_ETH_P_QINQ1	0x9100 /**< pre-standard QinQ, not an 802 tag */
#define XL_ETH_P_IPV6	0x86dd
#define XL_ETH_P_LLDP	0x88cc

/* IP protocol / IPv6 next-header numbers. */
#define XL_IPPROTO_HOPOPTS  0
#define XL_IPPROTO_ICMP	    1
#define XL_IPPROTO_TCP	    6
#define XL_IPPROTO_UDP	    17
#define XL_IPPROTO_ROUTING  43
#define XL_IPPROTO_FRAGMENT 44
#define XL_IPPROTO_ESP	    50
#define XL_IPPROTO_AH	    51
#define XL_IPPROTO_ICMPV6   58
#define XL_IPPROTO_NONE	    59
#define XL_IPPROTO_DSTOPTS  60
#define XL_IPPROTO_MH	    135
#define XL_IPPROTO_SCTP	    132

/** What follows the Ethernet header and tags. */
enum xl_pkt_l3 {
	XL_PKT_L3_IPV4 = 0, /**< default */
	XL_PKT_L3_IPV6,
	XL_PKT_L3_ARP,
	XL_PKT_L3_LLDP,
	XL_PKT_L3_RAW, /**< spec.ethertype followed by payload_len pattern bytes */
	XL_PKT_L3_MAX,
};

/** What follows the IP header (and the IPv6 extension chain). */
enum xl_pkt_l4 {
	XL_PKT_L4_UDP = 0, /**< default */
	XL_PKT_L4_TCP,
	XL_PKT_L4_ICMP,	  /**< ICMP echo request (protocol 1), also allowed over IPv6 */
	XL_PKT_L4_ICMPV6, /**< ICMPv6 echo request (protocol 58), also allowed over IPv4 */
	XL_PKT_L4_RAW,	  /**< protocol spec.l4_proto followed by payload_len pattern bytes */
	XL_PKT_L4_MAX,
};

/** One VLAN tag: TPID (host order; 0 = 802.1Q) and TCI (host order). */
struct xl_pkt_vlan {
	uint16_t tpid;
	uint16_t tci;
};

/**
 * One IPv6 extension header. The builder writes the right next-header byte; @type selects the
 * layout: FRAGMENT is always 8 bytes (@frag_off in 8-octet units, @mf); AH is (@len + 2) * 4
 * bytes; every other type (hop-by-hop, routing, destination options, mobility, unknown) is
 * (@len + 1) * 8 bytes with PadN options. ESP and "no next header" are written as a single 8-byte
 * opaque block after which the chain stops: nothing the spec says about L4 follows them.
 */
struct xl_pkt_ext {
	uint8_t type;	   /**< IPv6 next-header value of this header */
	uint8_t len;	   /**< Hdr Ext Len field as written on the wire */
	uint16_t frag_off; /**< FRAGMENT only: offset in 8-octet units (13 bits) */
	uint8_t mf;	   /**< FRAGMENT only: more-fragments flag */
};

/** A frame description. Zero-initialised means: untagged IPv4/UDP, 20-byte header, 18-byte payload. */
struct xl_pkt_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t n_vlan; /**< number of tags in @vlan, outermost first */
	struct xl_pkt_vlan vlan[XL_PKT_MAX_VLAN];
	enum xl_pkt_l3 l3;
	uint16_t ethertype; /**< L3_RAW only */

	/* IPv4 (l3 == IPV4). Addresses in host order. */
	uint32_t saddr4;
	uint32_t daddr4;
	uint8_t ip4_opt_len;   /**< option bytes (padded with NOP/EOL, rounded up to 4); max 40 */
	uint8_t ip4_ihl;       /**< 0 = derived from options; otherwise written as is (lie) */
	uint8_t ip4_version;   /**< 0 = 4; otherwise written as is */
	uint16_t ip4_frag_off; /**< fragment offset in 8-octet units (13 bits) */
	uint8_t ip4_mf;	       /**< more-fragments flag */
	uint8_t ip4_df;
	int32_t ip4_tot_len_delta; /**< added to the true total length (lies both ways) */

	/* IPv6 (l3 == IPV6). Addresses in network order, as on the wire. */
	uint8_t saddr6[16];
	uint8_t daddr6[16];
	uint8_t ip6_version; /**< 0 = 6; otherwise written as is */
	uint8_t n_ext;	     /**< extension headers in @ext, in chain order */
	struct xl_pkt_ext ext[XL_PKT_MAX_EXT];
	int32_t ip6_plen_delta; /**< added to the true payload length */

	/* L4. */
	enum xl_pkt_l4 l4;
	uint8_t l4_proto;      /**< L4_RAW only */
	uint16_t sport;	       /**< UDP/TCP; host order */
	uint16_t dport;	       /**< UDP/TCP; host order */
	uint8_t tcp_doff;      /**< 0 = 5 (+ tcp_opt_len/4); otherwise written as is */
	uint8_t tcp_opt_len;   /**< TCP option bytes (NOPs, rounded up to 4); max 40 */
	int32_t udp_len_delta; /**< added to the true UDP length */
	uint16_t payload_len;  /**< bytes after the L4 header (or after L3 for RAW kinds) */
	uint8_t payload_seed;  /**< payload pattern: byte i = seed + i */

	uint16_t
		pad_to; /**< zero-pad the frame up to this length (e.g. 60, the Ethernet minimum) */

	/* Truncation: if @truncate, the frame is cut to @truncate_len bytes after building. */
	uint8_t truncate;
	uint16_t truncate_len;
};

/**
 * Where each layer landed in the last built frame (byte offsets from the frame start; -1 if the
 * layer is absent).
 */
struct xl_pkt_layout {
	int l3_off;   /**< first byte after the last EtherType */
	int l4_off;   /**< first byte of the L4 header; -1 if none was written */
	int full_len; /**< frame length before truncation */
	int len;      /**< frame length returned */
};

/**
 * @brief **xl_pkt_build()** serialises @spec into @buf.
 * @param spec the frame description
 * @param buf output buffer
 * @param cap bytes available in @buf
 * @param layout optional: receives layer offsets
 * @return the frame length (>= 0), or -EINVAL for an inconsistent spec (too many tags or
 * extensions, option lengths over 40), or -ENOSPC if @cap is too small.
 */
int xl_pkt_build(const struct xl_pkt_spec *spec, void *buf, size_t cap,
		 struct xl_pkt_layout *layout);

/** @brief **xl_pkt_ip4()** builds a host-order IPv4 address from its four octets. */
static inline uint32_t xl_pkt_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

/**
 * @brief **xl_pkt_ip6()** fills @out (network order) with 2001:2:0:@hi::@lo, inside the
 * 2001:2::/48 test range.
 */
void xl_pkt_ip6(uint8_t out[16], uint16_t hi, uint32_t lo);

/** @brief **xl_pkt_describe()** writes a one-line human description of @spec into @out. */
void xl_pkt_describe(const struct xl_pkt_spec *spec, char *out, size_t cap);

/** @brief **xl_pkt_hexdump()** writes @len bytes of @buf as hex into @out (truncated to fit). */
void xl_pkt_hexdump(const void *buf, size_t len, char *out, size_t cap);

/* ---- deterministic PRNG (xoshiro256** seeded through splitmix64) ---- */

struct xl_rng {
	uint64_t s[4];
};

/** @brief **xl_rng_seed()** seeds @r deterministically from @seed. */
void xl_rng_seed(struct xl_rng *r, uint64_t seed);

/** @brief **xl_rng_next()** returns the next 64 random bits. */
uint64_t xl_rng_next(struct xl_rng *r);

/** @brief **xl_rng_below()** returns a value uniform in [0, @n) (0 if @n is 0). */
uint32_t xl_rng_below(struct xl_rng *r, uint32_t n);

/**
 * @brief **xl_pkt_random_spec()** draws a random frame description: any tag depth (0..5),
 * every L3/L4 kind, IPv4 options and fragments, IPv6 chains of 0..12 extension headers, and with
 * small probability each of the length lies and a truncation. Addresses and ports are drawn from
 * small pools (@addr_pool_bits bits of variation) so that random rule sets actually match.
 */
void xl_pkt_random_spec(struct xl_rng *r, struct xl_pkt_spec *spec, unsigned addr_pool_bits);

/** @brief **xl_pkt_pool_ip4()** a host-order address in 198.18.0.0/15 with @bits bits of variation. */
uint32_t xl_pkt_pool_ip4(struct xl_rng *r, unsigned bits);

/** @brief **xl_pkt_pool_ip6()** an address (network order) in 2001:2::/48, @bits bits of variation. */
void xl_pkt_pool_ip6(struct xl_rng *r, unsigned bits, uint8_t out[16]);

/** @brief **xl_pkt_pool_port()** a port from a small pool (well-known ports, 0, 65535, a few more). */
uint16_t xl_pkt_pool_port(struct xl_rng *r);

/**
 * @brief **xl_pkt_mutate()** applies 1..4 random byte-level mutations (bit flips, byte
 * overwrites with boundary values, insert/delete, truncate) to a frame of @len bytes in @buf.
 * @return the new length (<= @cap).
 */
size_t xl_pkt_mutate(struct xl_rng *r, uint8_t *buf, size_t len, size_t cap);

#endif /* XL_TESTS_PACKETS_H */
