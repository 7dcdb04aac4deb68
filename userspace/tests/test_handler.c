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
	int family;        /* 4, 6, or 0: not IP */
	uint8_t proto;     /* IPPROTO_UDP / IPPROTO_TCP / IPPROTO_ICMP */
	int vlans;         /* 0..2 */
	int ip_opts;       /* IPv4 option bytes (multiple of 4) */
	int v6_ext;        /* 1: one destination-options header */
	int fragment;      /* IPv4 MF set */
	uint8_t expect;    /* enum xl_verdict */
};

/* Builds a frame with valid checksums; returns its length and the L3/L4 offsets. */
static size_t build(const struct frame_case *c, uint8_t *f, size_t *l3, size_t *l4)
{
	size_t off = 12, ipl, l4len = (c->proto == IPPROTO_TCP ? 20 : 8) + 37, i;
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
	{ "udp4", 4, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX },
	{ "tcp4", 4, IPPROTO_TCP, 0, 0, 0, 0, XL_VERDICT_TX },
	{ "udp4_options", 4, IPPROTO_UDP, 0, 8, 0, 0, XL_VERDICT_TX },
	{ "udp4_vlan", 4, IPPROTO_UDP, 1, 0, 0, 0, XL_VERDICT_TX },
	{ "tcp4_qinq", 4, IPPROTO_TCP, 2, 0, 0, 0, XL_VERDICT_TX },
	{ "udp6", 6, IPPROTO_UDP, 0, 0, 0, 0, XL_VERDICT_TX },
	{ "tcp6_ext", 6, IPPROTO_TCP, 0, 0, 1, 0, XL_VERDICT_TX },
	{ "udp6_vlan", 6, IPPROTO_UDP, 1, 0, 0, 0, XL_VERDICT_TX },
	{ "icmp4", 4, IPPROTO_ICMP, 0, 0, 0, 0, XL_VERDICT_DROP },
	{ "fragment4", 4, IPPROTO_UDP, 0, 0, 0, 1, XL_VERDICT_DROP },
	{ "arp", 0, 0, 0, 0, 0, 0, XL_VERDICT_DROP },
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
	cr_assert_arr_eq(f + l3 + (c->family == 4 ? 12 : 8), orig + l3 + (c->family == 4 ? 12 + 4 : 24),
			 alen, "%s: saddr <- daddr", c->name);
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
		cr_assert_eq(xl_handler_echo_frame(f, (uint32_t)n), XL_VERDICT_DROP, "length %zu", n);
		cr_assert_arr_eq(f, orig, len);
	}
}

Test(handler_builtin, names)
{
	const char *names[] = { "echo", "drop", "count", "fwd" };
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
	uint8_t junk[64] = { 0 };
	unsigned int i;

	for (i = 0; i < 3; i++)
		p[i] = (struct xl_pkt){ .data = junk, .len = sizeof(junk), .room = 2048 };
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
