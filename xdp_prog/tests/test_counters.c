// SPDX-License-Identifier: BSD-2-Clause
/*
 * One test per xl_stats counter: each makes exactly that counter move and asserts the exact
 * delta of the whole struct (seen and the one counter by the number of frames, everything else
 * by zero), so a frame counted twice or under the wrong reason fails.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/bpf.h>

#include <criterion/criterion.h>

#include "harness_cr.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define REPEAT		37 /* frames per test: an odd count that no stray increment reaches by accident */

static struct xl_harness *h;

static void open_bpf(int with_xsk)
{
	h = xl_harness_open_or_skip(with_xsk);
}

static void fini(void)
{
	xl_harness_close(h);
	h = NULL;
}

TestSuite(steer_counters, .fini = fini, .timeout = 60);

static struct xl_flow_key flow4(void)
{
	return xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 40000, 5000);
}

static size_t udp4(uint8_t *buf)
{
	struct xl_flow_key k = flow4();

	return (size_t)xl_harness_frame(&k, 16, buf, 256);
}

static size_t udp6(uint8_t *buf)
{
	struct xl_flow_key k = xl_harness_key6(IPPROTO_UDP, 1, 2, 40000, 5000);

	return (size_t)xl_harness_frame(&k, 16, buf, 256);
}

static void set_cfg(uint32_t flags, uint32_t hot_pkts)
{
	struct xl_cfg cfg = {.flags = flags | XL_CFG_F_TEST_CLOCK,
			     .hot_pkts = hot_pkts,
			     .test_clock_ns = 1000000};

	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
}

/* Run frame REPEAT times; the delta must be seen = REPEAT, *counter = REPEAT (and promotions). */
static void expect_only(const uint8_t *frame, size_t len, const char *what, size_t off,
			uint32_t want_rv, uint64_t promotions)
{
	struct xl_stats a, b;
	uint64_t *pa = (uint64_t *)&a, *pb = (uint64_t *)&b;
	size_t i, n = sizeof(a) / sizeof(uint64_t);
	uint32_t rv;

	cr_assert_eq(xl_harness_stats(h, &a), 0);
	cr_assert_eq(xl_harness_run(h, frame, len, REPEAT, &rv, NULL), 0);
	cr_assert_eq(xl_harness_stats(h, &b), 0);
	cr_assert_eq(rv, want_rv, "%s: XDP action %u, expected %u", what, rv, want_rv);
	for (i = 0; i < n; i++) {
		size_t f = i * sizeof(uint64_t);
		uint64_t want = 0;

		if (f == offsetof(struct xl_stats, seen) || f == off)
			want = REPEAT;
		if (f == offsetof(struct xl_stats, hot_promotions))
			want = promotions;
		cr_assert_eq(pb[i] - pa[i], want,
			     "%s: counter at byte %zu moved by %llu, expected %llu", what, f,
			     (unsigned long long)(pb[i] - pa[i]), (unsigned long long)want);
	}
}

#define PASSED(r)  (offsetof(struct xl_stats, passed) + (r) * sizeof(uint64_t))
#define STEERED(v) (offsetof(struct xl_stats, steered) + (v) * sizeof(uint64_t))

static void expect_pass_reason(const uint8_t *frame, size_t len, int reason)
{
	expect_only(frame, len, "pass reason", PASSED(reason), XDP_PASS, 0);
}

/* ---- pass reasons ---- */

Test(steer_counters, passed_no_match)
{
	uint8_t f[256];

	open_bpf(0);
	expect_pass_reason(f, udp4(f), XL_PASS_NO_MATCH);
}

Test(steer_counters, passed_rule)
{
	uint8_t f[256];
	struct xl_flow_key k = flow4();
	struct xl_rule r = {.id = 1, .action = XL_ACT_PASS};

	open_bpf(0);
	set_cfg(XL_CFG_F_RULES_EXACT, 0);
	cr_assert_eq(xl_harness_add_exact(h, &k, &r), 0);
	expect_pass_reason(f, udp4(f), XL_PASS_RULE);
}

Test(steer_counters, passed_not_ip)
{
	uint8_t f[64] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06};

	open_bpf(0);
	memset(f + 14, 0, 28); /* an ARP body */
	expect_pass_reason(f, 42, XL_PASS_NOT_IP);
}

Test(steer_counters, passed_vlan_depth)
{
	uint8_t f[256], g[256];
	size_t len;

	open_bpf(0);
	len = udp4(f);
	/* three tags: 802.1ad, 802.1Q, 802.1Q, then the IPv4 EtherType */
	memcpy(g, f, 12);
	memcpy(g + 12, "\x88\xa8\x00\x01\x81\x00\x00\x02\x81\x00\x00\x03", 12);
	memcpy(g + 24, f + 12, len - 12);
	expect_pass_reason(g, len + 12, XL_PASS_VLAN_DEPTH);
}

Test(steer_counters, passed_truncated)
{
	uint8_t f[256];

	open_bpf(0);
	udp4(f);
	expect_pass_reason(f, 14 + 19, XL_PASS_TRUNCATED); /* IPv4 header one byte short */
}

Test(steer_counters, passed_bad_ipv4)
{
	uint8_t f[256];
	size_t len;

	open_bpf(0);
	len = udp4(f);
	f[14] = 0x44; /* IHL 4 */
	expect_pass_reason(f, len, XL_PASS_BAD_IPV4);
}

Test(steer_counters, passed_bad_ipv6)
{
	uint8_t f[256];
	size_t len;

	open_bpf(0);
	len = udp6(f);
	f[14 + 5] += 1; /* payload length one byte longer than the frame */
	expect_pass_reason(f, len, XL_PASS_BAD_IPV6);
}

Test(steer_counters, passed_fragment)
{
	uint8_t f[256];
	size_t len;

	open_bpf(0);
	len = udp4(f);
	f[14 + 6] = 0x20; /* MF, offset 0: a first fragment also goes to the kernel */
	expect_pass_reason(f, len, XL_PASS_FRAGMENT);
}

Test(steer_counters, passed_ipv6_ext_depth)
{
	uint8_t f[256], g[256];
	size_t len, i, n = XL_IPV6_EXT_MAX + 1;

	open_bpf(0);
	len = udp6(f);
	memcpy(g, f, 14 + 40);
	g[14 + 6] = 60; /* destination options */
	for (i = 0; i < n; i++) {
		uint8_t *e = g + 14 + 40 + i * 8;

		memset(e, 0, 8);
		e[0] = i + 1 < n ? 60 : IPPROTO_UDP;
		e[2] = 1; /* PadN of length 4 */
		e[3] = 4;
	}
	memcpy(g + 14 + 40 + n * 8, f + 14 + 40, len - 14 - 40);
	g[14 + 4] = 0;
	g[14 + 5] = (uint8_t)(len - 14 - 40 + n * 8);
	expect_pass_reason(g, len + n * 8, XL_PASS_IPV6_EXT_DEPTH);
}

Test(steer_counters, passed_not_l4)
{
	uint8_t f[256];
	size_t len;

	open_bpf(0);
	len = udp4(f);
	f[14 + 9] = IPPROTO_ICMP;
	expect_pass_reason(f, len, XL_PASS_NOT_L4);
}

Test(steer_counters, passed_bad_l4)
{
	uint8_t f[256];
	size_t len;

	open_bpf(0);
	len = udp4(f);
	f[14 + 20 + 4] = 0; /* UDP length 4 < 8 */
	f[14 + 20 + 5] = 4;
	expect_pass_reason(f, len, XL_PASS_BAD_L4);
}

/* ---- steered, fallbacks, promotions ---- */

static void add_rule_of_kind(int via)
{
	struct xl_flow_key k = flow4();
	struct xl_rule r = {.id = 9, .action = XL_ACT_FAST};
	struct xl_port_key pk = {.proto = IPPROTO_UDP, .dport = k.dport};
	struct xl_pfx4_key fk = {.prefixlen = 24, .addr = k.daddr[0]};

	switch (via) {
	case XL_VIA_EXACT:
		set_cfg(XL_CFG_F_RULES_EXACT, 0);
		cr_assert_eq(xl_harness_add_exact(h, &k, &r), 0);
		break;
	case XL_VIA_PORT:
		set_cfg(XL_CFG_F_RULES_PORT, 0);
		cr_assert_eq(xl_harness_add_port(h, &pk, &r), 0);
		break;
	case XL_VIA_PREFIX:
		set_cfg(XL_CFG_F_RULES_PFX4, 0);
		cr_assert_eq(xl_harness_add_pfx4(h, &fk, &r), 0);
		break;
	default:
		cr_assert_fail("kind %d", via);
	}
}

static void expect_steered(int via)
{
	uint8_t f[256];

	open_bpf(1);
	add_rule_of_kind(via);
	expect_only(f, udp4(f), "steered", STEERED(via), XDP_REDIRECT, 0);
}

Test(steer_counters, steered_exact)
{
	expect_steered(XL_VIA_EXACT);
}

Test(steer_counters, steered_port)
{
	expect_steered(XL_VIA_PORT);
}

Test(steer_counters, steered_prefix)
{
	expect_steered(XL_VIA_PREFIX);
}

Test(steer_counters, steered_hot_and_hot_promotions)
{
	uint8_t f[256];

	open_bpf(1);
	/* threshold 1: the first frame promotes (one promotion), every frame is steered */
	set_cfg(XL_CFG_F_HOT, 1);
	expect_only(f, udp4(f), "steered hot", STEERED(XL_VIA_HOT), XDP_REDIRECT, 1);
	/* already hot: no further promotion */
	expect_only(f, udp4(f), "steered hot again", STEERED(XL_VIA_HOT), XDP_REDIRECT, 0);
}

Test(steer_counters, fallbacks_without_socket)
{
	uint8_t f[256];

	open_bpf(1);
	add_rule_of_kind(XL_VIA_EXACT);
	cr_assert_eq(xl_harness_xsk_detach(h), 0);
	expect_only(f, udp4(f), "fallback", offsetof(struct xl_stats, fallbacks), XDP_PASS, 0);
}

Test(steer_counters, fallbacks_hot_flow_without_socket)
{
	uint8_t f[256];

	open_bpf(0);
	set_cfg(XL_CFG_F_HOT, 1);
	expect_only(f, udp6(f), "hot fallback", offsetof(struct xl_stats, fallbacks), XDP_PASS, 1);
}

Test(steer_counters, seen_counts_every_frame_once)
{
	uint8_t f[256];
	struct xl_stats st;
	uint64_t sum = 0;
	int i;

	memset(f, 0, sizeof(f));
	open_bpf(0);
	cr_assert_eq(xl_harness_run(h, f, udp4(f), 5, NULL, NULL), 0);
	cr_assert_eq(xl_harness_run(h, f, 20, 7, NULL, NULL), 0); /* truncated */
	f[12] = 0x88;						  /* LLDP */
	f[13] = 0xcc;
	cr_assert_eq(xl_harness_run(h, f, 60, 11, NULL, NULL), 0);
	cr_assert_eq(xl_harness_stats(h, &st), 0);
	cr_assert_eq(st.seen, 23);
	for (i = 0; i < XL_VIA_MAX; i++)
		sum += st.steered[i];
	for (i = 0; i < XL_PASS_MAX; i++)
		sum += st.passed[i];
	sum += st.fallbacks;
	cr_assert_eq(sum, st.seen, "seen != sum(steered) + sum(passed) + fallbacks");
	cr_assert_eq(st.passed[XL_PASS_TRUNCATED], 7);
	cr_assert_eq(st.passed[XL_PASS_NOT_IP], 11);
}
