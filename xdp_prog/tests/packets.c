// SPDX-License-Identifier: BSD-2-Clause
/*
 * Crafted-frame builders for the steering tests. Everything is written byte by byte in network
 * order, so no struct layout or alignment of the host matters.
 */
#include "packets.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int overflow;
};

static void put8(struct writer *w, uint8_t v)
{
	if (w->len >= w->cap) {
		w->overflow = 1;
		return;
	}
	w->buf[w->len++] = v;
}

static void put16(struct writer *w, uint16_t v)
{
	put8(w, v >> 8);
	put8(w, v & 0xff);
}

static void put32(struct writer *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffff);
}

static void putn(struct writer *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(w, p[i]);
}

static void set16(struct writer *w, size_t off, uint16_t v)
{
	if (off + 2 > w->len)
		return;
	w->buf[off] = v >> 8;
	w->buf[off + 1] = v & 0xff;
}

static void put_pattern(struct writer *w, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		put8(w, (uint8_t)(seed + i));
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int l4_proto_of(const struct xl_pkt_spec *s)
{
	switch (s->l4) {
	case XL_PKT_L4_UDP:
		return XL_IPPROTO_UDP;
	case XL_PKT_L4_TCP:
		return XL_IPPROTO_TCP;
	case XL_PKT_L4_ICMP:
		return XL_IPPROTO_ICMP;
	case XL_PKT_L4_ICMPV6:
		return XL_IPPROTO_ICMPV6;
	case XL_PKT_L4_RAW:
		return s->l4_proto;
	default:
		return -1;
	}
}

static const uint8_t default_dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t default_src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t lldp_dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
static const uint8_t zero_mac[6];

/* Writes the L4 header and payload; returns the L4 offset. Checksum fixed later. */
static size_t put_l4(struct writer *w, const struct xl_pkt_spec *s)
{
	size_t off = w->len;
	size_t tcp_opt = ((size_t)s->tcp_opt_len + 3) & ~(size_t)3;

	switch (s->l4) {
	case XL_PKT_L4_UDP:
		put16(w, s->sport);
		put16(w, s->dport);
		put16(w, (uint16_t)(8 + s->payload_len + s->udp_len_delta));
		put16(w, 0);
		break;
	case XL_PKT_L4_TCP:
		put16(w, s->sport);
		put16(w, s->dport);
		put32(w, 0x01020304); /* seq */
		put32(w, 0);	      /* ack */
		put8(w, (uint8_t)((s->tcp_doff ? s->tcp_doff : 5 + tcp_opt / 4) << 4));
		put8(w, 0x02); /* SYN */
		put16(w, 65535);
		put16(w, 0);
		put16(w, 0);
		for (size_t i = 0; i < tcp_opt; i++)
			put8(w, 1); /* NOP */
		break;
	case XL_PKT_L4_ICMP:
	case XL_PKT_L4_ICMPV6:
		put8(w, s->l4 == XL_PKT_L4_ICMP ? 8 : 128); /* echo request */
		put8(w, 0);
		put16(w, 0);
		put16(w, 0x1234); /* id */
		put16(w, 1);	  /* seq */
		break;
	default:
		break;
	}
	put_pattern(w, s->payload_len, s->payload_seed);
	return off;
}

static void fix_l4_csum(struct writer *w, const struct xl_pkt_spec *s, size_t l4_off,
			const uint8_t *src, const uint8_t *dst, size_t alen)
{
	size_t n, csum_at;
	uint32_t sum = 0;

	if (w->overflow || l4_off >= w->len)
		return;
	n = w->len - l4_off;
	switch (s->l4) {
	case XL_PKT_L4_UDP:
		csum_at = 6;
		break;
	case XL_PKT_L4_TCP:
		csum_at = 16;
		break;
	case XL_PKT_L4_ICMP:
	case XL_PKT_L4_ICMPV6:
		csum_at = 2;
		break;
	default:
		return;
	}
	if (csum_at + 2 > n)
		return;
	if (s->l4 != XL_PKT_L4_ICMP) {
		sum = csum_add(sum, src, alen);
		sum = csum_add(sum, dst, alen);
		sum += (uint32_t)l4_proto_of(s);
		sum += (uint32_t)n;
	}
	sum = csum_add(sum, w->buf + l4_off, n);
	set16(w, l4_off + csum_at, csum_fold(sum));
}

static void put_ipv4(struct writer *w, const struct xl_pkt_spec *s, struct xl_pkt_layout *lo)
{
	size_t opt = ((size_t)s->ip4_opt_len + 3) & ~(size_t)3;
	size_t hlen = 20 + opt, start = w->len, l4_off;
	uint8_t ihl = s->ip4_ihl ? s->ip4_ihl & 0x0f : (uint8_t)(hlen / 4);
	uint8_t ver = s->ip4_version ? s->ip4_version & 0x0f : 4;
	uint16_t frag = (uint16_t)(s->ip4_frag_off & 0x1fff);
	uint8_t a[8];
	uint32_t sum;

	if (s->ip4_mf)
		frag |= 0x2000;
	if (s->ip4_df)
		frag |= 0x4000;
	put8(w, (uint8_t)(ver << 4 | ihl));
	put8(w, 0);	  /* tos */
	put16(w, 0);	  /* tot_len, fixed below */
	put16(w, 0x4242); /* id */
	put16(w, frag);
	put8(w, 64); /* ttl */
	put8(w, (uint8_t)l4_proto_of(s));
	put16(w, 0); /* check, fixed below */
	put32(w, s->saddr4);
	put32(w, s->daddr4);
	/* Options: NOPs ending in EOL, a valid encoding of any padded length. */
	for (size_t i = 0; i < opt; i++)
		put8(w, i + 1 == opt ? 0 : 1);
	l4_off = put_l4(w, s);
	lo->l4_off = (int)l4_off;
	if (w->overflow)
		return;
	set16(w, start + 2, (uint16_t)((int32_t)(w->len - start) + s->ip4_tot_len_delta));
	sum = csum_add(0, w->buf + start, hlen);
	set16(w, start + 10, csum_fold(sum));
	a[0] = s->saddr4 >> 24;
	a[1] = s->saddr4 >> 16;
	a[2] = s->saddr4 >> 8;
	a[3] = (uint8_t)s->saddr4;
	a[4] = s->daddr4 >> 24;
	a[5] = s->daddr4 >> 16;
	a[6] = s->daddr4 >> 8;
	a[7] = (uint8_t)s->daddr4;
	if (!frag || frag == 0x4000)
		fix_l4_csum(w, s, l4_off, a, a + 4, 4);
}

static void put_ipv6(struct writer *w, const struct xl_pkt_spec *s, struct xl_pkt_layout *lo)
{
	size_t start = w->len;
	uint8_t ver = s->ip6_version ? s->ip6_version & 0x0f : 6;
	int stopped = 0;

	put32(w, (uint32_t)ver << 28);
	put16(w, 0); /* payload length, fixed below */
	put8(w, (uint8_t)(s->n_ext ? s->ext[0].type : l4_proto_of(s)));
	put8(w, 64);
	putn(w, s->saddr6, 16);
	putn(w, s->daddr6, 16);
	for (unsigned i = 0; i < s->n_ext && !stopped; i++) {
		const struct xl_pkt_ext *e = &s->ext[i];
		uint8_t next = (uint8_t)(i + 1 < s->n_ext ? s->ext[i + 1].type : l4_proto_of(s));
		size_t n;

		switch (e->type) {
		case XL_IPPROTO_FRAGMENT:
			put8(w, next);
			put8(w, 0);
			put16(w, (uint16_t)((e->frag_off & 0x1fff) << 3 | (e->mf ? 1 : 0)));
			put32(w, 0xabcd0000u + i);
			break;
		case XL_IPPROTO_AH:
			n = ((size_t)e->len + 2) * 4;
			put8(w, next);
			put8(w, e->len);
			for (size_t k = 2; k < n; k++)
				put8(w, (uint8_t)k);
			break;
		case XL_IPPROTO_ESP:
			put32(w, 0x1000 + i); /* SPI */
			put32(w, 1);	      /* sequence */
			stopped = 1;
			break;
		case XL_IPPROTO_NONE:
			stopped = 1;
			break;
		default:
			/* Hop-by-hop, routing, destination options, mobility, unknown. */
			n = ((size_t)e->len + 1) * 8;
			put8(w, next);
			put8(w, e->len);
			if (e->type == XL_IPPROTO_ROUTING) {
				put8(w, 0); /* routing type 0 semantics not used */
				put8(w, 0); /* segments left: 0, so no processing needed */
				for (size_t k = 4; k < n; k++)
					put8(w, 0);
			} else {
				/* One PadN option covering the rest. */
				put8(w, 1);
				put8(w, (uint8_t)(n - 4));
				for (size_t k = 4; k < n; k++)
					put8(w, 0);
			}
			break;
		}
	}
	if (stopped) {
		put_pattern(w, s->payload_len, s->payload_seed);
		lo->l4_off = -1;
	} else {
		size_t l4_off = put_l4(w, s);
		int frag = 0;

		lo->l4_off = (int)l4_off;
		for (unsigned i = 0; i < s->n_ext; i++)
			if (s->ext[i].type == XL_IPPROTO_FRAGMENT &&
			    (s->ext[i].frag_off || s->ext[i].mf))
				frag = 1;
		if (!frag)
			fix_l4_csum(w, s, l4_off, s->saddr6, s->daddr6, 16);
	}
	if (w->overflow)
		return;
	set16(w, start + 4, (uint16_t)((int32_t)(w->len - start - 40) + s->ip6_plen_delta));
}

int xl_pkt_build(const struct xl_pkt_spec *s, void *buf, size_t cap, struct xl_pkt_layout *layout)
{
	struct writer w = {.buf = buf, .cap = cap};
	struct xl_pkt_layout lo = {.l3_off = -1, .l4_off = -1};
	const uint8_t *dst = s->dst_mac, *src = s->src_mac;
	uint16_t et;

	if (s->n_vlan > XL_PKT_MAX_VLAN || s->n_ext > XL_PKT_MAX_EXT || s->ip4_opt_len > 40 ||
	    s->tcp_opt_len > 40 || s->l3 >= XL_PKT_L3_MAX || s->l4 >= XL_PKT_L4_MAX)
		return -EINVAL;

	if (!memcmp(dst, zero_mac, 6))
		dst = s->l3 == XL_PKT_L3_LLDP ? lldp_dst : default_dst;
	if (!memcmp(src, zero_mac, 6))
		src = default_src;
	putn(&w, dst, 6);
	putn(&w, src, 6);
	for (unsigned i = 0; i < s->n_vlan; i++) {
		put16(&w, s->vlan[i].tpid ? s->vlan[i].tpid : XL_ETH_P_8021Q);
		put16(&w, s->vlan[i].tci);
	}
	switch (s->l3) {
	case XL_PKT_L3_IPV4:
		et = XL_ETH_P_IP;
		break;
	case XL_PKT_L3_IPV6:
		et = XL_ETH_P_IPV6;
		break;
	case XL_PKT_L3_ARP:
		et = XL_ETH_P_ARP;
		break;
	case XL_PKT_L3_LLDP:
		et = XL_ETH_P_LLDP;
		break;
	default:
		et = s->ethertype;
		break;
	}
	put16(&w, et);
	lo.l3_off = (int)w.len;

	switch (s->l3) {
	case XL_PKT_L3_IPV4:
		put_ipv4(&w, s, &lo);
		break;
	case XL_PKT_L3_IPV6:
		put_ipv6(&w, s, &lo);
		break;
	case XL_PKT_L3_ARP:
		put16(&w, 1); /* Ethernet */
		put16(&w, XL_ETH_P_IP);
		put8(&w, 6);
		put8(&w, 4);
		put16(&w, 1); /* request */
		putn(&w, src, 6);
		put32(&w, s->saddr4);
		putn(&w, zero_mac, 6);
		put32(&w, s->daddr4);
		break;
	case XL_PKT_L3_LLDP:
		put16(&w, 1 << 9 | 7); /* chassis id, len 7 */
		put8(&w, 4);	       /* subtype: MAC */
		putn(&w, src, 6);
		put16(&w, 2 << 9 | 7); /* port id, len 7 */
		put8(&w, 3);
		putn(&w, src, 6);
		put16(&w, 3 << 9 | 2); /* TTL */
		put16(&w, 120);
		put16(&w, 0); /* end */
		break;
	default:
		put_pattern(&w, s->payload_len, s->payload_seed);
		break;
	}
	while (w.len < s->pad_to)
		put8(&w, 0);
	if (w.overflow)
		return -ENOSPC;
	lo.full_len = (int)w.len;
	lo.len = lo.full_len;
	if (s->truncate && s->truncate_len < w.len)
		lo.len = s->truncate_len;
	if (layout)
		*layout = lo;
	return lo.len;
}

void xl_pkt_ip6(uint8_t out[16], uint16_t hi, uint32_t lo)
{
	memset(out, 0, 16);
	out[0] = 0x20;
	out[1] = 0x01;
	out[2] = 0x00;
	out[3] = 0x02;
	out[6] = hi >> 8;
	out[7] = hi & 0xff;
	out[12] = lo >> 24;
	out[13] = lo >> 16;
	out[14] = lo >> 8;
	out[15] = lo & 0xff;
}

static const char *l3_name[] = {"ipv4", "ipv6", "arp", "lldp", "raw"};
static const char *l4_name[] = {"udp", "tcp", "icmp", "icmpv6", "raw"};

void xl_pkt_describe(const struct xl_pkt_spec *s, char *out, size_t cap)
{
	size_t n = 0;

#define APPEND(...)                                                       \
	do {                                                              \
		if (n < cap) {                                            \
			int r_ = snprintf(out + n, cap - n, __VA_ARGS__); \
			n += r_ > 0 ? (size_t)r_ : 0;                     \
		}                                                         \
	} while (0)
	if (!cap)
		return;
	out[0] = 0;
	for (unsigned i = 0; i < s->n_vlan && i < XL_PKT_MAX_VLAN; i++)
		APPEND("vlan(%04x) ", s->vlan[i].tpid ? s->vlan[i].tpid : XL_ETH_P_8021Q);
	APPEND("%s", s->l3 < XL_PKT_L3_MAX ? l3_name[s->l3] : "?");
	if (s->l3 == XL_PKT_L3_RAW)
		APPEND("(%04x)", s->ethertype);
	if (s->l3 == XL_PKT_L3_IPV4) {
		if (s->ip4_opt_len)
			APPEND(" opt=%u", s->ip4_opt_len);
		if (s->ip4_ihl)
			APPEND(" ihl=%u", s->ip4_ihl);
		if (s->ip4_version)
			APPEND(" ver=%u", s->ip4_version);
		if (s->ip4_frag_off || s->ip4_mf)
			APPEND(" frag=%u%s", s->ip4_frag_off, s->ip4_mf ? "+mf" : "");
		if (s->ip4_tot_len_delta)
			APPEND(" totlen%+d", s->ip4_tot_len_delta);
	}
	if (s->l3 == XL_PKT_L3_IPV6) {
		if (s->ip6_version)
			APPEND(" ver=%u", s->ip6_version);
		for (unsigned i = 0; i < s->n_ext && i < XL_PKT_MAX_EXT; i++) {
			const struct xl_pkt_ext *e = &s->ext[i];

			if (e->type == XL_IPPROTO_FRAGMENT)
				APPEND(" frag(%u%s)", e->frag_off, e->mf ? "+mf" : "");
			else
				APPEND(" ext%u(%u)", e->type, e->len);
		}
		if (s->ip6_plen_delta)
			APPEND(" plen%+d", s->ip6_plen_delta);
	}
	if (s->l3 == XL_PKT_L3_IPV4 || s->l3 == XL_PKT_L3_IPV6) {
		APPEND(" %s", s->l4 < XL_PKT_L4_MAX ? l4_name[s->l4] : "?");
		if (s->l4 == XL_PKT_L4_RAW)
			APPEND("(%u)", s->l4_proto);
		if (s->l4 == XL_PKT_L4_UDP || s->l4 == XL_PKT_L4_TCP)
			APPEND(" %u->%u", s->sport, s->dport);
		if (s->tcp_doff)
			APPEND(" doff=%u", s->tcp_doff);
	}
	APPEND(" pl=%u", s->payload_len);
	if (s->pad_to)
		APPEND(" pad=%u", s->pad_to);
	if (s->truncate)
		APPEND(" trunc=%u", s->truncate_len);
#undef APPEND
}

void xl_pkt_hexdump(const void *buf, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = buf;
	size_t n = 0;

	if (!cap)
		return;
	for (size_t i = 0; i < len && n + 3 < cap; i++) {
		out[n++] = hex[p[i] >> 4];
		out[n++] = hex[p[i] & 15];
	}
	out[n] = 0;
}

/* ---- PRNG ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void xl_rng_seed(struct xl_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t xl_rng_next(struct xl_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint32_t xl_rng_below(struct xl_rng *r, uint32_t n)
{
	if (!n)
		return 0;
	return (uint32_t)(((xl_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Percent chance. */
static int chance(struct xl_rng *r, unsigned pct)
{
	return xl_rng_below(r, 100) < pct;
}

uint32_t xl_pkt_pool_ip4(struct xl_rng *r, unsigned bits)
{
	uint32_t var = bits ? xl_rng_below(r, 1u << (bits > 17 ? 17 : bits)) : 0;

	/* 198.18.0.0/15 spans 17 bits of host part. */
	return xl_pkt_ip4(198, 18, 0, 0) + var;
}

void xl_pkt_pool_ip6(struct xl_rng *r, unsigned bits, uint8_t out[16])
{
	uint32_t var = bits ? xl_rng_below(r, 1u << (bits > 16 ? 16 : bits)) : 0;

	/* Vary both the /64 and the interface id so prefixes of several lengths match. */
	xl_pkt_ip6(out, (uint16_t)(var & 0x3), var >> 2);
}

uint16_t xl_pkt_pool_port(struct xl_rng *r)
{
	static const uint16_t ports[] = {0, 53, 80, 443, 1000, 1001, 4789, 8080, 65535};

	if (chance(r, 10))
		return (uint16_t)xl_rng_next(r);
	return ports[xl_rng_below(r, sizeof(ports) / sizeof(ports[0]))];
}

static void random_ext(struct xl_rng *r, struct xl_pkt_ext *e)
{
	static const uint8_t types[] = {
		XL_IPPROTO_HOPOPTS,
		XL_IPPROTO_ROUTING,
		XL_IPPROTO_DSTOPTS,
		XL_IPPROTO_FRAGMENT,
		XL_IPPROTO_HOPOPTS,
		XL_IPPROTO_ROUTING,
		XL_IPPROTO_DSTOPTS,
		XL_IPPROTO_FRAGMENT,
		XL_IPPROTO_AH,
		XL_IPPROTO_MH,
		XL_IPPROTO_ESP,
		XL_IPPROTO_NONE,
		253, /* experimental */
	};

	memset(e, 0, sizeof(*e));
	e->type = types[xl_rng_below(r, sizeof(types))];
	e->len = (uint8_t)(chance(r, 92) ? xl_rng_below(r, 3) : xl_rng_below(r, 256));
	if (e->type == XL_IPPROTO_FRAGMENT) {
		e->frag_off = (uint16_t)(chance(r, 60) ? 0 : xl_rng_below(r, 0x2000));
		e->mf = (uint8_t)chance(r, 50);
	}
}

void xl_pkt_random_spec(struct xl_rng *r, struct xl_pkt_spec *s, unsigned bits)
{
	static const uint16_t tpids[] = {XL_ETH_P_8021Q, XL_ETH_P_8021AD, XL_ETH_P_8021Q,
					 XL_ETH_P_8021AD, XL_ETH_P_QINQ1};
	static const uint16_t ethertypes[] = {XL_ETH_P_IP,	 XL_ETH_P_IPV6, XL_ETH_P_ARP,
					      XL_ETH_P_8021Q,	 0x0042,	0x88b5,
					      0x8847 /* MPLS */, 0x0600,	0x05ff};
	uint32_t u;

	memset(s, 0, sizeof(*s));
	u = xl_rng_below(r, 100);
	s->n_vlan = u < 55   ? 0
		    : u < 75 ? 1
		    : u < 87 ? 2
		    : u < 94 ? 3
			     : (uint8_t)(4 + xl_rng_below(r, 2));
	for (unsigned i = 0; i < s->n_vlan; i++) {
		s->vlan[i].tpid = tpids[xl_rng_below(r, sizeof(tpids) / sizeof(tpids[0]))];
		s->vlan[i].tci = (uint16_t)xl_rng_below(r, 0x10000);
	}
	u = xl_rng_below(r, 100);
	s->l3 = u < 45	 ? XL_PKT_L3_IPV4
		: u < 87 ? XL_PKT_L3_IPV6
		: u < 92 ? XL_PKT_L3_ARP
		: u < 95 ? XL_PKT_L3_LLDP
			 : XL_PKT_L3_RAW;
	s->ethertype = chance(r, 50) ? ethertypes[xl_rng_below(r, sizeof(ethertypes) / 2)]
				     : (uint16_t)xl_rng_below(r, 0x10000);
	s->saddr4 = xl_pkt_pool_ip4(r, bits);
	s->daddr4 = xl_pkt_pool_ip4(r, bits);
	xl_pkt_pool_ip6(r, bits, s->saddr6);
	xl_pkt_pool_ip6(r, bits, s->daddr6);

	if (chance(r, 20))
		s->ip4_opt_len = (uint8_t)(4 * xl_rng_below(r, 11));
	if (chance(r, 3))
		s->ip4_ihl = (uint8_t)xl_rng_below(r, 16);
	if (chance(r, 2))
		s->ip4_version = (uint8_t)xl_rng_below(r, 16);
	u = xl_rng_below(r, 100);
	if (u < 6) {
		s->ip4_mf = 1; /* first fragment */
	} else if (u < 15) {
		s->ip4_frag_off = (uint16_t)(1 + xl_rng_below(r, 0x1fff));
		s->ip4_mf = (uint8_t)chance(r, 50);
	}
	s->ip4_df = (uint8_t)chance(r, 30);
	if (chance(r, 6))
		s->ip4_tot_len_delta = chance(r, 50) ? (int32_t)xl_rng_below(r, 61) - 30
						     : (int32_t)xl_rng_below(r, 70000) - 35000;

	if (chance(r, 2))
		s->ip6_version = (uint8_t)xl_rng_below(r, 16);
	if (chance(r, 45)) {
		u = xl_rng_below(r, 100);
		s->n_ext = (uint8_t)(u < 40 ? 1 : u < 65 ? 2 : u < 80 ? 3 : 4 + xl_rng_below(r, 9));
		for (unsigned i = 0; i < s->n_ext; i++)
			random_ext(r, &s->ext[i]);
		if (chance(r, 15)) {
			/* A long chain of only the walked kinds, around any parser bound. */
			static const uint8_t walked[] = {XL_IPPROTO_HOPOPTS, XL_IPPROTO_ROUTING,
							 XL_IPPROTO_DSTOPTS, XL_IPPROTO_FRAGMENT};

			s->n_ext = (uint8_t)(4 + xl_rng_below(r, 6));
			for (unsigned i = 0; i < s->n_ext; i++) {
				memset(&s->ext[i], 0, sizeof(s->ext[i]));
				s->ext[i].type = walked[xl_rng_below(r, 4)];
				s->ext[i].len = (uint8_t)xl_rng_below(r, 2);
			}
		}
	}
	if (chance(r, 6))
		s->ip6_plen_delta = chance(r, 50) ? (int32_t)xl_rng_below(r, 61) - 30
						  : (int32_t)xl_rng_below(r, 70000) - 35000;

	u = xl_rng_below(r, 100);
	s->l4 = u < 45	 ? XL_PKT_L4_UDP
		: u < 80 ? XL_PKT_L4_TCP
		: u < 86 ? XL_PKT_L4_ICMP
		: u < 92 ? XL_PKT_L4_ICMPV6
			 : XL_PKT_L4_RAW;
	s->l4_proto = chance(r, 50) ? (uint8_t)xl_rng_below(r, 256) : XL_IPPROTO_SCTP;
	s->sport = xl_pkt_pool_port(r);
	s->dport = xl_pkt_pool_port(r);
	if (chance(r, 10))
		s->tcp_opt_len = (uint8_t)(4 * xl_rng_below(r, 11));
	if (chance(r, 3))
		s->tcp_doff = (uint8_t)xl_rng_below(r, 16);
	if (chance(r, 3))
		s->udp_len_delta = (int32_t)xl_rng_below(r, 41) - 20;
	s->payload_len = (uint16_t)(chance(r, 90) ? xl_rng_below(r, 65) : xl_rng_below(r, 1400));
	s->payload_seed = (uint8_t)xl_rng_next(r);
	if (chance(r, 25))
		s->pad_to = 60;
	if (chance(r, 8)) {
		s->truncate = 1;
		s->truncate_len = (uint16_t)xl_rng_below(r, 160);
	}
}

size_t xl_pkt_mutate(struct xl_rng *r, uint8_t *buf, size_t len, size_t cap)
{
	static const uint8_t interesting[] = {
		0x00, 0xff, 0x80, 0x7f, 0x01, 0x04, 0x05, 0x06, 0x11, 0x2b, 0x2c, 0x3a, 0x3b, 0x3c,
		0x33, 0x45, 0x46, 0x4f, 0x60, 0x81, 0x88, 0xa8, 0x86, 0xdd, 0x08, 0x20, 0x3f, 0x40};
	unsigned n = 1 + xl_rng_below(r, 4);

	for (unsigned k = 0; k < n; k++) {
		size_t at;

		switch (xl_rng_below(r, 8)) {
		case 0: /* bit flip */
		case 1:
			if (!len)
				break;
			at = xl_rng_below(r, (uint32_t)len);
			buf[at] ^= (uint8_t)(1u << xl_rng_below(r, 8));
			break;
		case 2: /* interesting byte, biased to the headers */
		case 3:
			if (!len)
				break;
			at = xl_rng_below(r, (uint32_t)(len < 96 ? len : 96));
			buf[at] = interesting[xl_rng_below(r, sizeof(interesting))];
			break;
		case 4: /* random byte */
			if (!len)
				break;
			at = xl_rng_below(r, (uint32_t)len);
			buf[at] = (uint8_t)xl_rng_next(r);
			break;
		case 5: /* insert a few bytes */
			if (len + 8 > cap)
				break;
			at = xl_rng_below(r, (uint32_t)len + 1);
			{
				size_t m = 1 + xl_rng_below(r, 8);

				memmove(buf + at + m, buf + at, len - at);
				for (size_t i = 0; i < m; i++)
					buf[at + i] = (uint8_t)xl_rng_next(r);
				len += m;
			}
			break;
		case 6: /* delete a few bytes */
			if (!len)
				break;
			at = xl_rng_below(r, (uint32_t)len);
			{
				size_t m = 1 + xl_rng_below(r, 8);

				if (m > len - at)
					m = len - at;
				memmove(buf + at, buf + at + m, len - at - m);
				len -= m;
			}
			break;
		default: /* truncate */
			len = xl_rng_below(r, (uint32_t)len + 1);
			break;
		}
	}
	return len;
}
