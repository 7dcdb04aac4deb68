// SPDX-License-Identifier: BSD-2-Clause
/*
 * unit: the built-in handlers. The echo rewrite is checked on a table of frames (UDP/TCP, IPv4
 * with options, IPv6 with an extension header, VLAN tags, and frames it must leave alone): every
 * address and port swapped, payload untouched, and every checksum that was valid stays valid.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "handler.h"

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct frame_case {
	const char *name;
	int family;	/* 4, 6, or 0: not IP */
	uint8_t proto;	/* IPPROTO_UDP / IPPROTO_TCP / IPPROTO_ICMP */
	int vlans;	/* 0..2 */
	int ip_opts;	/* IPv4 option bytes (multiple of 4) */
	int v6_ext;	/* 1: one destination-options header */
	int fragment;	/* IPv4 MF set */
	uint8_t expect; /* enum xl_verdict */
};

static size_t payload_len = 37; /* L4 payload bytes of build()'s frames */

/* Builds a frame with valid checksums; returns its length and the L3/L4 offsets. */
static size_t build(const struct frame_case *c, uint8_t *f, size_t *l3, size_t *l4)
{
	size_t off = 12, ipl, l4len = (c->proto == IPPROTO_TCP ? 20 : 8) + payload_len, i;
	uint8_t *ip, *l4p, nh = c->proto;
	uint32_t s;
	uint16_t ck;
	int v;

	memset(f, 0, 256);
	for (i = 0; i < 6; i++) {
		f[i] = (uint8_t)(0xd0 + i);
		f[6 + i] = (uint8_t)(0xa0 + i);
	}
	for (v = 0; v < c->vlans; v++) {
		f[off] = v == 0 && c->vlans == 2 ? 0x88 : 0x81;
		f[off + 1] = v == 0 && c->vlans == 2 ? 0xa8 : 0x00;
		f[off + 3] = (uint8_t)(10 + v);
		off += 4;
	}
	f[off] = c->family == 6 ? 0x86 : 0x08;
	f[off + 1] = c->family == 6 ? 0xdd : c->family == 4 ? 0x00 : 0x06;
	off += 2;
	*l3 = off;
	ip = f + off;
	if (c->family == 4) {
		ipl = 20 + (size_t)c->ip_opts;
		ip[0] = (uint8_t)(0x40 | ipl / 4);
		ip[2] = (uint8_t)((ipl + l4len) >> 8);
		ip[3] = (uint8_t)(ipl + l4len);
		ip[6] = c->fragment ? 0x20 : 0x40;
		ip[8] = 64;
		ip[9] = nh;
		memcpy(ip + 12, "\xc6\x12\x00\x02", 4);
		memcpy(ip + 16, "\xc6\x12\x00\x01", 4);
		for (i = 20; i < ipl; i++)
			ip[i] = 1; /* NOP options */
		ck = fold(sum16(0, ip, ipl));
		ip[10] = (uint8_t)(ck >> 8);
		ip[11] = (uint8_t)ck;
	} else if (c->family == 6) {
		ipl = 40 + (c->v6_ext ? 8 : 0);
		ip[0] = 0x60;
		ip[4] = (uint8_t)((ipl - 40 + l4len) >> 8);
		ip[5] = (uint8_t)(ipl - 40 + l4len);
		ip[6] = c->v6_ext ? 60 : nh;
		ip[7] = 64;
		inet_pton(AF_INET6, "2001:2::2", ip + 8);
		inet_pton(AF_INET6, "2001:2::1", ip + 24);
		if (c->v6_ext)
			ip[40] = nh; /* next header; length 0 = 8 bytes */
	} else {
		memset(ip, 0x5a, 28); /* ARP-ish body */
		*l4 = off;
		return off + 28;
	}
	*l4 = off + ipl;
	l4p = f + *l4;
	l4p[0] = 0x9c;
	l4p[1] = 0x40; /* sport 40000 */
	l4p[2] = 0x1b;
	l4p[3] = 0x58; /* dport 7000 */
	if (c->proto == IPPROTO_UDP) {
		l4p[4] = (uint8_t)(l4len >> 8);
		l4p[5] = (uint8_t)l4len;
	} else {
		l4p[12] = 0x50;
	}
	for (i = (c->proto == IPPROTO_TCP ? 20 : 8); i < l4len; i++)
		l4p[i] = (uint8_t)(i * 7);
	/* pseudo header + L4 */
	s = c->family == 4 ? sum16(0, ip + 12, 8) : sum16(0, ip + 8, 32);
	s += nh + (uint32_t)l4len;
	s = sum16(s, l4p, l4len);
	ck = fold(s);
	if (c->proto == IPPROTO_UDP && !ck)
		ck = 0xffff;
	l4p[c->proto == IPPROTO_TCP ? 16 : 6] = (uint8_t)(ck >> 8);
	l4p[c->proto == IPPROTO_TCP ? 17 : 7] = (uint8_t)ck;
	return *l4 + l4len;
}

static int l4_csum_ok(const struct frame_case *c, const uint8_t *f, size_t len, size_t l3,
		      size_t l4)
{
	const uint8_t *ip = f + l3;
	uint32_t s = c->family == 4 ? sum16(0, ip + 12, 8) : sum16(0, ip + 8, 32);

	s += c->proto + (uint32_t)(len - l4);
	s = sum16(s, f + l4, len - l4);
	return fold(s) == 0 && (c->family != 4 || fold(sum16(0, ip, (ip[0] & 0xf) * 4u)) == 0);
}

static struct frame_case cases[] = {
	{"udp4", 4, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX},
	{"tcp4", 4, IPPROTO_TCP, 0, 0, 0, 0, XL_VERDICT_TX},
	{"udp4_options", 4, IPPROTO_UDP, 0, 8, 0, 0, XL_VERDICT_TX},
	{"udp4_vlan", 4, IPPROTO_UDP, 1, 0, 0, 0, XL_VERDICT_TX},
	{"tcp4_qinq", 4, IPPROTO_TCP, 2, 0, 0, 0, XL_VERDICT_TX},
	{"udp6", 6, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX},
	{"tcp6_ext", 6, IPPROTO_TCP, 0, 0, 1, 0, XL_VERDICT_TX},
	{"udp6_vlan", 6, IPPROTO_UDP, 1, 0, 0, 0, XL_VERDICT_TX},
	{"icmp4", 4, IPPROTO_ICMP, 0, 0, 0, 0, XL_VERDICT_DROP},
	{"fragment4", 4, IPPROTO_UDP, 0, 0, 0, 1, XL_VERDICT_DROP},
	{"arp", 0, 0, 0, 0, 0, 0, XL_VERDICT_DROP},
};

ParameterizedTestParameters(handler_echo, frames)
{
	return cr_make_param_array(struct frame_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct frame_case *c, handler_echo, frames)
{
	uint8_t f[256], orig[256];
	size_t l3, l4, len = build(c, f, &l3, &l4), alen;
	enum xl_verdict v;

	if (c->family && c->proto != IPPROTO_ICMP)
		cr_assert(l4_csum_ok(c, f, len, l3, l4), "%s: test frame built valid", c->name);
	memcpy(orig, f, sizeof(f));
	v = xl_handler_echo_frame(f, (uint32_t)len);
	cr_assert_eq(v, c->expect, "%s: verdict %d", c->name, v);
	if (v != XL_VERDICT_TX) {
		cr_assert_arr_eq(f, orig, len, "%s: a dropped frame is left unchanged", c->name);
		return;
	}
	alen = c->family == 4 ? 4 : 16;
	cr_assert_arr_eq(f, orig + 6, 6, "%s: dst MAC <- src MAC", c->name);
	cr_assert_arr_eq(f + 6, orig, 6);
	cr_assert_arr_eq(f + l3 + (c->family == 4 ? 12 : 8),
			 orig + l3 + (c->family == 4 ? 12 + 4 : 24), alen, "%s: saddr <- daddr",
			 c->name);
	cr_assert_arr_eq(f + l3 + (c->family == 4 ? 16 : 24), orig + l3 + (c->family == 4 ? 12 : 8),
			 alen);
	cr_assert_arr_eq(f + l4, orig + l4 + 2, 2, "%s: ports swapped", c->name);
	cr_assert_arr_eq(f + l4 + 2, orig + l4, 2);
	cr_assert_arr_eq(f + l4 + 4, orig + l4 + 4, len - l4 - 4, "%s: rest of L4 untouched",
			 c->name);
	cr_assert(l4_csum_ok(c, f, len, l3, l4), "%s: checksums still valid after the swap",
		  c->name);
}

Test(handler_echo, truncated_frames_are_dropped_unchanged)
{
	uint8_t f[256], orig[256];
	size_t l3, l4, len = build(&cases[0], f, &l3, &l4), n;

	memcpy(orig, f, sizeof(f));
	for (n = 0; n < l4 + 4; n++) {
		cr_assert_eq(xl_handler_echo_frame(f, (uint32_t)n), XL_VERDICT_DROP, "length %zu",
			     n);
		cr_assert_arr_eq(f, orig, len);
	}
}

Test(handler_builtin, names)
{
	const char *names[] = {"echo", "drop", "count", "fwd"};
	unsigned int i;

	for (i = 0; i < 4; i++) {
		const struct xl_handler *h = xl_handler_builtin(names[i]);

		cr_assert_not_null(h, "%s", names[i]);
		cr_assert_str_eq(h->name, names[i]);
		cr_assert_not_null(h->batch);
	}
	cr_assert_null(xl_handler_builtin("reflect"));
	cr_assert_eq(errno, ENOENT);
	cr_assert_null(xl_handler_builtin(NULL));
}

Test(handler_builtin, verdicts)
{
	struct xl_pkt p[3];
	uint8_t junk[64] = {0};
	unsigned int i;

	for (i = 0; i < 3; i++)
		p[i] = (struct xl_pkt){.data = junk, .len = sizeof(junk), .room = 2048};
	xl_handler_builtin("fwd")->batch(NULL, p, 3);
	for (i = 0; i < 3; i++)
		cr_assert_eq(p[i].verdict, XL_VERDICT_FWD);
	xl_handler_builtin("drop")->batch(NULL, p, 3);
	for (i = 0; i < 3; i++)
		cr_assert_eq(p[i].verdict, XL_VERDICT_DROP);
	p[0].verdict = XL_VERDICT_TX;
	xl_handler_builtin("echo")->batch(NULL, p, 1);
	cr_assert_eq(p[0].verdict, XL_VERDICT_DROP, "a non-IP frame is not echoed");
}

/* ---- echo-ts: the timestamp trailer ---------------------------------------------------------- */

/* Rewrites the UDP checksum of a frame made by build() after its payload changed. */
static void udp_recsum(const struct frame_case *c, uint8_t *f, size_t len, size_t l3, size_t l4)
{
	const uint8_t *ip = f + l3;
	uint32_t s = c->family == 4 ? sum16(0, ip + 12, 8) : sum16(0, ip + 8, 32);
	uint16_t ck;

	f[l4 + 6] = f[l4 + 7] = 0;
	s += IPPROTO_UDP + (uint32_t)(len - l4);
	ck = fold(sum16(s, f + l4, len - l4));
	if (!ck)
		ck = 0xffff;
	f[l4 + 6] = (uint8_t)(ck >> 8);
	f[l4 + 7] = (uint8_t)ck;
}

/* A UDP frame whose payload ends with an empty trailer, checksums valid. */
static size_t build_ts(const struct frame_case *c, size_t payload, uint8_t *f, size_t *l3,
		       size_t *l4)
{
	struct xl_ts_trailer t = {.magic = XL_TS_TRAILER_MAGIC};
	size_t len;

	payload_len = payload;
	len = build(c, f, l3, l4);
	payload_len = 37;
	memcpy(f + len - sizeof(t), &t, sizeof(t));
	udp_recsum(c, f, len, *l3, *l4);
	return len;
}

struct ts_case {
	const char *name;
	struct frame_case frame;
	size_t payload; /* odd and even: the trailer at an odd and an even offset of the datagram */
};

static struct ts_case ts_cases[] = {
	{"udp4_odd", {"udp4", 4, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX}, 37},
	{"udp4_even", {"udp4", 4, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX}, 40},
	{"udp4_vlan_opts", {"udp4", 4, IPPROTO_UDP, 1, 8, 0, 0, XL_VERDICT_TX}, 33},
	{"udp6_odd", {"udp6", 6, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX}, 61},
	{"udp6_even_ext", {"udp6", 6, IPPROTO_UDP, 0, 0, 1, 0, XL_VERDICT_TX}, 72},
};

ParameterizedTestParameters(handler_ts, fill_keeps_the_checksum_valid)
{
	return cr_make_param_array(struct ts_case, ts_cases,
				   sizeof(ts_cases) / sizeof(ts_cases[0]));
}

ParameterizedTest(struct ts_case *tc, handler_ts, fill_keeps_the_checksum_valid)
{
	uint8_t f[256], orig[256];
	size_t l3, l4, len = build_ts(&tc->frame, tc->payload, f, &l3, &l4);
	struct xl_pkt p = {.data = f,
			   .len = (uint32_t)len,
			   .room = sizeof(f),
			   .ts_src = 1,
			   .xdp_ns = 0x1122334455667788ull,
			   .rx_hw_ns = 0};
	struct xl_ts_trailer t;

	cr_assert(l4_csum_ok(&tc->frame, f, len, l3, l4), "%s: built valid", tc->name);
	memcpy(orig, f, sizeof(f));
	cr_assert_eq(xl_handler_ts_fill(&p, 0x0102030405060708ull), 1, "%s: filled", tc->name);
	memcpy(&t, f + len - sizeof(t), sizeof(t));
	cr_assert_eq(t.magic, XL_TS_TRAILER_MAGIC);
	cr_assert_eq(t.src, 1);
	cr_assert_eq(t.xdp_ns, 0x1122334455667788ull);
	cr_assert_eq(t.worker_ns, 0x0102030405060708ull);
	cr_assert_eq(t.rx_hw_ns, 0);
	cr_assert(l4_csum_ok(&tc->frame, f, len, l3, l4), "%s: checksum still valid", tc->name);
	cr_assert_arr_eq(f + l4 + 8, orig + l4 + 8, len - l4 - 8 - sizeof(t),
			 "%s: payload before the trailer untouched", tc->name);
}

Test(handler_ts, frames_without_a_trailer_or_a_stamp_are_left_alone)
{
	struct frame_case udp4 = {"udp4", 4, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX};
	struct frame_case tcp4 = {"tcp4", 4, IPPROTO_TCP, 0, 0, 0, 0, XL_VERDICT_TX};
	uint8_t f[256], orig[256];
	size_t l3, l4, len = build_ts(&udp4, 40, f, &l3, &l4);
	struct xl_pkt p = {.data = f, .len = (uint32_t)len, .room = sizeof(f), .xdp_ns = 5};

	memcpy(orig, f, sizeof(f));
	cr_assert_eq(xl_handler_ts_fill(&p, 9), 0, "not stamped (ts_src 0)");
	cr_assert_arr_eq(f, orig, sizeof(f));
	p.ts_src = 1;
	f[len - 32] ^= 0xff; /* no magic */
	memcpy(orig, f, sizeof(f));
	cr_assert_eq(xl_handler_ts_fill(&p, 9), 0, "no trailer");
	cr_assert_arr_eq(f, orig, sizeof(f));
	len = build(&tcp4, f, &l3, &l4);
	memcpy(orig, f, sizeof(f));
	p.len = (uint32_t)len;
	cr_assert_eq(xl_handler_ts_fill(&p, 9), 0, "TCP");
	cr_assert_arr_eq(f, orig, sizeof(f));
	p.len = (uint32_t)l4 + 7; /* truncated UDP header */
	cr_assert_eq(xl_handler_ts_fill(&p, 9), 0, "truncated");
	cr_assert_eq(xl_handler_ts_fill(NULL, 9), 0);
}

Test(handler_ts, ipv4_without_a_udp_checksum_keeps_none)
{
	struct frame_case udp4 = {"udp4", 4, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX};
	uint8_t f[256];
	size_t l3, l4, len = build_ts(&udp4, 40, f, &l3, &l4);
	struct xl_pkt p = {.data = f,
			   .len = (uint32_t)len,
			   .room = sizeof(f),
			   .ts_src = 2,
			   .xdp_ns = 7,
			   .rx_hw_ns = 8};

	f[l4 + 6] = f[l4 + 7] = 0;
	cr_assert_eq(xl_handler_ts_fill(&p, 9), 1);
	cr_assert_eq(f[l4 + 6] | f[l4 + 7], 0, "checksum 0 (none) stays 0");
}

Test(handler_ts, echo_ts_reflects_and_stamps)
{
	const struct xl_handler *h = xl_handler_builtin("echo-ts");
	struct frame_case udp6 = {"udp6", 6, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX};
	uint8_t f[256];
	size_t l3, l4, len = build_ts(&udp6, 50, f, &l3, &l4);
	struct xl_pkt p = {
		.data = f, .len = (uint32_t)len, .room = sizeof(f), .ts_src = 1, .xdp_ns = 1};
	struct xl_ts_trailer t;

	cr_assert(h);
	h->batch(h->ctx, &p, 1);
	cr_assert_eq(p.verdict, XL_VERDICT_TX);
	memcpy(&t, f + len - sizeof(t), sizeof(t));
	cr_assert_eq(t.src, 1);
	cr_assert_gt(t.worker_ns, 1, "the worker's clock read (CLOCK_MONOTONIC)");
	cr_assert(l4_csum_ok(&udp6, f, len, l3, l4), "checksum valid after swap and stamp");
	cr_assert_eq(f[l4 + 3], 0x40, "ports swapped: dport is the old sport");
}
