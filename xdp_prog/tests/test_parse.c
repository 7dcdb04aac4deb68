// SPDX-License-Identifier: BSD-2-Clause
/*
 * Parse conformance: a named table of crafted frames, each with a hand-written expected verdict
 * and counter, run through xl_steer under BPF_PROG_TEST_RUN (Criterion ParameterizedTest).
 * Every frame is then cut at every byte offset, twice: a raw cut (the IP length fields now lie)
 * and a cut whose IPv4 tot_len / IPv6 payload_len is rewritten to fit (so the L4 and extension
 * header bounds are reached too). For each cut the expectation comes from the reference
 * classifier (ref_classify.c) and must match the program's counter delta exactly.
 *
 * Rule set for the table: catch-all prefixes 0.0.0.0/0 and ::/0 with action FAST, so every frame
 * that parses to a UDP/TCP flow is chosen for the fast lane: XDP_REDIRECT + steered[prefix] for
 * rows run with an AF_XDP socket on queue 0 (harness, private netns), XDP_PASS + fallbacks for
 * rows run without (steer.h "Counters").
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "harness.h"
#include "packets.h"
#include "ref_classify.h"

#define FAST	-1 /* expected: chosen for the fast lane (steered, or a fallback without socket) */
#define RULE_V4 11
#define RULE_V6 12

struct parse_case {
	char name[40];
	struct xl_pkt_spec spec;
	int expect; /* FAST or an enum xl_pass_reason, for the whole frame */
};

/* Helpers for specs. */
#define V4 .saddr4 = 0xc6120001, .daddr4 = 0xc6120102
#define V6                                                                      \
	.l3 = XL_PKT_L3_IPV6,                                                   \
	.saddr6 = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, \
	.daddr6 = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2}
#define UDP_PL(n) .sport = 4000, .dport = 53, .payload_len = (n)
#define TCP_PL(n) .l4 = XL_PKT_L4_TCP, .sport = 4001, .dport = 443, .payload_len = (n)
#define UDP	  UDP_PL(18)
#define TCP	  TCP_PL(10)
#define TAG(tp, id)                       \
	{                                 \
		.tpid = (tp), .tci = (id) \
	}
#define EXT(t, l)                       \
	{                               \
		.type = (t), .len = (l) \
	}
#define FRAG(off, more)                                                      \
	{                                                                    \
		.type = XL_IPPROTO_FRAGMENT, .frag_off = (off), .mf = (more) \
	}
#define Q  XL_ETH_P_8021Q
#define AD XL_ETH_P_8021AD

static struct parse_case cases[] = {
	/* IPv4 */
	{"ipv4_udp", {V4, UDP}, FAST},
	{"ipv4_tcp", {V4, TCP}, FAST},
	{"ipv4_udp_empty", {V4, .sport = 1, .dport = 2}, FAST},
	{"ipv4_tcp_empty", {V4, .l4 = XL_PKT_L4_TCP, .sport = 1, .dport = 2}, FAST},
	{"ipv4_udp_padded_to_60",
	 {V4, .sport = 1, .dport = 2, .payload_len = 2, .pad_to = 60},
	 FAST},
	{"ipv4_opts_ihl6", {V4, UDP, .ip4_opt_len = 4}, FAST},
	{"ipv4_opts_ihl10", {V4, TCP, .ip4_opt_len = 20}, FAST},
	{"ipv4_opts_ihl15", {V4, UDP, .ip4_opt_len = 40}, FAST},
	{"ipv4_ihl4", {V4, UDP, .ip4_ihl = 4}, XL_PASS_BAD_IPV4},
	{"ipv4_ihl0", {V4, UDP, .ip4_ihl = 0xf0 /* nibble 0 */}, XL_PASS_BAD_IPV4},
	{"ipv4_ihl15_header_past_frame", {V4, UDP, .ip4_ihl = 15}, XL_PASS_TRUNCATED},
	{"ipv4_version6", {V4, UDP, .ip4_version = 6}, XL_PASS_BAD_IPV4},
	{"ipv4_tot_len_beyond_frame", {V4, UDP, .ip4_tot_len_delta = 1}, XL_PASS_BAD_IPV4},
	{"ipv4_tot_len_65535", {V4, UDP, .ip4_tot_len_delta = 65535 - 46}, XL_PASS_BAD_IPV4},
	{"ipv4_tot_len_below_ihl", {V4, UDP, .ip4_tot_len_delta = 19 - 46}, XL_PASS_BAD_IPV4},
	{"ipv4_tot_len_zero", {V4, UDP, .ip4_tot_len_delta = -46}, XL_PASS_BAD_IPV4},
	{"ipv4_tot_len_cuts_udp_hdr", {V4, UDP, .ip4_tot_len_delta = 24 - 46}, XL_PASS_TRUNCATED},
	{"ipv4_tot_len_cuts_tcp_hdr", {V4, TCP, .ip4_tot_len_delta = 39 - 50}, XL_PASS_TRUNCATED},
	{"ipv4_tot_len_below_udp_len", {V4, UDP, .ip4_tot_len_delta = -1}, XL_PASS_BAD_L4},
	{"ipv4_first_fragment", {V4, UDP, .ip4_mf = 1}, XL_PASS_FRAGMENT},
	{"ipv4_middle_fragment", {V4, UDP, .ip4_mf = 1, .ip4_frag_off = 100}, XL_PASS_FRAGMENT},
	{"ipv4_last_fragment", {V4, UDP, .ip4_frag_off = 100}, XL_PASS_FRAGMENT},
	{"ipv4_max_frag_offset", {V4, TCP, .ip4_frag_off = 0x1fff}, XL_PASS_FRAGMENT},
	{"ipv4_df_not_fragment", {V4, UDP, .ip4_df = 1}, FAST},
	{"ipv4_icmp", {V4, .l4 = XL_PKT_L4_ICMP, .payload_len = 8}, XL_PASS_NOT_L4},
	{"ipv4_icmp_fragment", {V4, .l4 = XL_PKT_L4_ICMP, .ip4_frag_off = 3}, XL_PASS_FRAGMENT},
	{"ipv4_sctp",
	 {V4, .l4 = XL_PKT_L4_RAW, .l4_proto = XL_IPPROTO_SCTP, .payload_len = 28},
	 XL_PASS_NOT_L4},
	{"ipv4_proto_ipv6_frag_number",
	 {V4, .l4 = XL_PKT_L4_RAW, .l4_proto = XL_IPPROTO_FRAGMENT, .payload_len = 16},
	 XL_PASS_NOT_L4},
	{"ipv4_udp_len_7", {V4, UDP, .udp_len_delta = -19}, XL_PASS_BAD_L4},
	{"ipv4_udp_len_8_of_26", {V4, UDP, .udp_len_delta = -18}, FAST},
	{"ipv4_udp_len_beyond_end", {V4, UDP, .udp_len_delta = 1}, XL_PASS_BAD_L4},
	{"ipv4_tcp_doff4", {V4, TCP, .tcp_doff = 4}, XL_PASS_BAD_L4},
	{"ipv4_tcp_doff0", {V4, TCP, .tcp_doff = 0xf0 /* nibble 0 */}, XL_PASS_BAD_L4},
	{"ipv4_tcp_doff15_past_end", {V4, TCP, .tcp_doff = 15}, XL_PASS_TRUNCATED},
	{"ipv4_tcp_options_40", {V4, TCP, .tcp_opt_len = 40}, FAST},
	{"ipv4_opts_tcp_opts_jumbo_payload",
	 {V4, TCP_PL(1400), .ip4_opt_len = 40, .tcp_opt_len = 40},
	 FAST},
	/* VLAN */
	{"vlan_8021q_ipv4_udp", {V4, UDP, .n_vlan = 1, .vlan = {TAG(Q, 10)}}, FAST},
	{"vlan_8021ad_ipv4_tcp", {V4, TCP, .n_vlan = 1, .vlan = {TAG(AD, 20)}}, FAST},
	{"vlan_qinq_ad_q_ipv4", {V4, UDP, .n_vlan = 2, .vlan = {TAG(AD, 1), TAG(Q, 2)}}, FAST},
	{"vlan_q_q_ipv6", {V6, UDP, .n_vlan = 2, .vlan = {TAG(Q, 1), TAG(Q, 2)}}, FAST},
	{"vlan_ad_ad_ipv6_tcp", {V6, TCP, .n_vlan = 2, .vlan = {TAG(AD, 1), TAG(AD, 4095)}}, FAST},
	{"vlan_three_tags",
	 {V4, UDP, .n_vlan = 3, .vlan = {TAG(AD, 1), TAG(Q, 2), TAG(Q, 3)}},
	 XL_PASS_VLAN_DEPTH},
	{"vlan_five_tags",
	 {V6, TCP, .n_vlan = 5, .vlan = {TAG(Q, 1), TAG(Q, 2), TAG(AD, 3), TAG(Q, 4), TAG(Q, 5)}},
	 XL_PASS_VLAN_DEPTH},
	{"vlan_9100_not_a_tag",
	 {V4, UDP, .n_vlan = 1, .vlan = {TAG(XL_ETH_P_QINQ1, 7)}},
	 XL_PASS_NOT_IP},
	{"vlan_two_tags_arp",
	 {.l3 = XL_PKT_L3_ARP, .n_vlan = 2, .vlan = {TAG(AD, 1), TAG(Q, 2)}},
	 XL_PASS_NOT_IP},
	{"vlan_ipv4_opts_fragment",
	 {V4, UDP, .n_vlan = 1, .vlan = {TAG(Q, 9)}, .ip4_opt_len = 40, .ip4_frag_off = 7},
	 XL_PASS_FRAGMENT},
	/* Not IP */
	{"arp", {.l3 = XL_PKT_L3_ARP, .saddr4 = 0xc6120001, .daddr4 = 0xc6120002}, XL_PASS_NOT_IP},
	{"arp_padded", {.l3 = XL_PKT_L3_ARP, .pad_to = 60}, XL_PASS_NOT_IP},
	{"lldp", {.l3 = XL_PKT_L3_LLDP}, XL_PASS_NOT_IP},
	{"ethertype_88b5",
	 {.l3 = XL_PKT_L3_RAW, .ethertype = 0x88b5, .payload_len = 46},
	 XL_PASS_NOT_IP},
	{"ethertype_8023_length",
	 {.l3 = XL_PKT_L3_RAW, .ethertype = 46, .payload_len = 46},
	 XL_PASS_NOT_IP},
	{"ethertype_mpls",
	 {.l3 = XL_PKT_L3_RAW, .ethertype = 0x8847, .payload_len = 46},
	 XL_PASS_NOT_IP},
	{"ethertype_ipv4_reversed_bytes",
	 {.l3 = XL_PKT_L3_RAW, .ethertype = 0x0008, .payload_len = 46},
	 XL_PASS_NOT_IP},
	/* IPv6 */
	{"ipv6_udp", {V6, UDP}, FAST},
	{"ipv6_tcp", {V6, TCP}, FAST},
	{"ipv6_hop_by_hop_udp", {V6, UDP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_HOPOPTS, 0)}}, FAST},
	{"ipv6_routing_tcp", {V6, TCP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_ROUTING, 2)}}, FAST},
	{"ipv6_dstopts_udp", {V6, UDP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_DSTOPTS, 1)}}, FAST},
	{"ipv6_atomic_fragment_udp", {V6, UDP, .n_ext = 1, .ext = {FRAG(0, 0)}}, FAST},
	{"ipv6_first_fragment", {V6, UDP, .n_ext = 1, .ext = {FRAG(0, 1)}}, XL_PASS_FRAGMENT},
	{"ipv6_middle_fragment", {V6, TCP, .n_ext = 1, .ext = {FRAG(185, 1)}}, XL_PASS_FRAGMENT},
	{"ipv6_last_fragment", {V6, UDP, .n_ext = 1, .ext = {FRAG(185, 0)}}, XL_PASS_FRAGMENT},
	{"ipv6_hop_dst_frag_mf_icmpv6",
	 {V6, .l4 = XL_PKT_L4_ICMPV6, .n_ext = 3,
	  .ext = {EXT(XL_IPPROTO_HOPOPTS, 0), EXT(XL_IPPROTO_DSTOPTS, 0), FRAG(0, 1)}},
	 XL_PASS_FRAGMENT},
	{"ipv6_chain_6_udp",
	 {V6, UDP, .n_ext = 6,
	  .ext = {EXT(XL_IPPROTO_HOPOPTS, 0), EXT(XL_IPPROTO_DSTOPTS, 1),
		  EXT(XL_IPPROTO_ROUTING, 2), FRAG(0, 0), EXT(XL_IPPROTO_DSTOPTS, 0),
		  EXT(XL_IPPROTO_DSTOPTS, 3)}},
	 FAST},
	{"ipv6_chain_6_tcp_vlan2",
	 {V6, TCP, .n_vlan = 2, .vlan = {TAG(AD, 5), TAG(Q, 6)}, .n_ext = 6,
	  .ext = {EXT(XL_IPPROTO_HOPOPTS, 1), EXT(XL_IPPROTO_ROUTING, 0),
		  EXT(XL_IPPROTO_ROUTING, 0), EXT(XL_IPPROTO_DSTOPTS, 0), FRAG(0, 0), FRAG(0, 0)}},
	 FAST},
	{"ipv6_chain_6_then_icmpv6",
	 {V6, .l4 = XL_PKT_L4_ICMPV6, .n_ext = 6,
	  .ext = {EXT(0, 0), EXT(0, 0), EXT(0, 0), EXT(0, 0), EXT(0, 0), EXT(0, 0)}},
	 XL_PASS_NOT_L4},
	{"ipv6_chain_7",
	 {V6, UDP, .n_ext = 7,
	  .ext = {EXT(XL_IPPROTO_HOPOPTS, 0), EXT(XL_IPPROTO_DSTOPTS, 0),
		  EXT(XL_IPPROTO_ROUTING, 0), EXT(XL_IPPROTO_DSTOPTS, 0),
		  EXT(XL_IPPROTO_DSTOPTS, 0), EXT(XL_IPPROTO_DSTOPTS, 0),
		  EXT(XL_IPPROTO_DSTOPTS, 0)}},
	 XL_PASS_IPV6_EXT_DEPTH},
	{"ipv6_chain_7th_is_fragment",
	 {V6, UDP, .n_ext = 7,
	  .ext = {EXT(0, 0), EXT(0, 0), EXT(0, 0), EXT(0, 0), EXT(0, 0), EXT(0, 0), FRAG(5, 1)}},
	 XL_PASS_IPV6_EXT_DEPTH},
	{"ipv6_chain_12",
	 {V6, TCP, .n_ext = 12,
	  .ext = {EXT(60, 0), EXT(60, 0), EXT(60, 0), EXT(60, 0), EXT(60, 0), EXT(60, 0),
		  EXT(60, 0), EXT(60, 0), EXT(60, 0), EXT(60, 0), EXT(60, 0), EXT(60, 0)}},
	 XL_PASS_IPV6_EXT_DEPTH},
	{"ipv6_ah_udp", {V6, UDP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_AH, 4)}}, XL_PASS_NOT_L4},
	{"ipv6_esp", {V6, UDP_PL(32), .n_ext = 1, .ext = {EXT(XL_IPPROTO_ESP, 0)}}, XL_PASS_NOT_L4},
	{"ipv6_no_next_header",
	 {V6, UDP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_NONE, 0)}},
	 XL_PASS_NOT_L4},
	{"ipv6_mobility_header",
	 {V6, UDP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_MH, 0)}},
	 XL_PASS_NOT_L4},
	{"ipv6_hop_then_unknown_253",
	 {V6, UDP, .n_ext = 2, .ext = {EXT(0, 0), EXT(253, 0)}},
	 XL_PASS_NOT_L4},
	{"ipv6_icmpv6", {V6, .l4 = XL_PKT_L4_ICMPV6, .payload_len = 8}, XL_PASS_NOT_L4},
	{"ipv6_icmp_v4_number", {V6, .l4 = XL_PKT_L4_ICMP}, XL_PASS_NOT_L4},
	{"ipv6_plen_beyond_frame", {V6, UDP, .ip6_plen_delta = 1}, XL_PASS_BAD_IPV6},
	{"ipv6_plen_65535", {V6, UDP, .ip6_plen_delta = 65535 - 26}, XL_PASS_BAD_IPV6},
	{"ipv6_plen_zero", {V6, UDP, .ip6_plen_delta = -26}, XL_PASS_TRUNCATED},
	{"ipv6_plen_cuts_udp_hdr", {V6, UDP, .ip6_plen_delta = -20}, XL_PASS_TRUNCATED},
	{"ipv6_plen_below_udp_len", {V6, UDP, .ip6_plen_delta = -1}, XL_PASS_BAD_L4},
	{"ipv6_plen_cuts_ext",
	 {V6, UDP, .n_ext = 1, .ext = {EXT(XL_IPPROTO_DSTOPTS, 3)}, .ip6_plen_delta = -40},
	 XL_PASS_TRUNCATED},
	{"ipv6_plen_cuts_frag_hdr",
	 {V6, UDP, .n_ext = 1, .ext = {FRAG(0, 0)}, .ip6_plen_delta = -30},
	 XL_PASS_TRUNCATED},
	{"ipv6_ext_len_255_past_frame",
	 {V6, UDP, .n_ext = 1, .ext = {EXT(0, 255)}, .ip6_plen_delta = -2000},
	 XL_PASS_TRUNCATED},
	{"ipv6_version4", {V6, UDP, .ip6_version = 4}, XL_PASS_BAD_IPV6},
	{"ipv6_padded_trailer_ignored", {V6, .sport = 9, .dport = 9, .pad_to = 200}, FAST},
	{"ipv6_tcp_doff4", {V6, TCP, .tcp_doff = 4}, XL_PASS_BAD_L4},
	{"ipv6_udp_len_7", {V6, UDP, .udp_len_delta = -19}, XL_PASS_BAD_L4},
	{"ipv6_udp_jumbo_payload", {V6, UDP_PL(1400)}, FAST},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Expected counter in the program's stats for a classification. */
static int expected_slot(int expect)
{
	return expect; /* FAST (-1) -> fallbacks, else passed[expect] */
}

static const char *expect_name(int e)
{
	return e == FAST ? "fast(fallback)" : xl_ref_reason_name(e);
}

/* Which single counter moved between two stats snapshots: FAST for fallbacks, else a reason;
 * -100 - n when the deltas are not exactly "seen + 1 and one other counter + 1". */
static int moved(const struct xl_stats *a, const struct xl_stats *b)
{
	int which = -100, n = 0;

	if (b->seen - a->seen != 1)
		return -99;
	for (int i = 0; i < XL_VIA_MAX; i++)
		if (b->steered[i] != a->steered[i]) {
			/* With a socket on queue 0, the catch-all prefixes steer via prefix. */
			if (i != XL_VIA_PREFIX)
				return -98;
			n += (int)(b->steered[i] - a->steered[i]);
			which = FAST;
		}
	for (int i = 0; i < XL_PASS_MAX; i++)
		if (b->passed[i] != a->passed[i]) {
			n += (int)(b->passed[i] - a->passed[i]);
			which = i;
		}
	if (b->fallbacks != a->fallbacks) {
		n += (int)(b->fallbacks - a->fallbacks);
		which = FAST;
	}
	return n == 1 ? which : -100 - n;
}

static void setup_rules(struct xl_harness *h, struct xl_ref_rules *rs)
{
	struct xl_cfg cfg = {.flags = XL_CFG_F_RULES_PFX4 | XL_CFG_F_RULES_PFX6};
	struct xl_pfx4_key k4 = {.prefixlen = 0};
	struct xl_pfx6_key k6 = {.prefixlen = 0};
	struct xl_rule r4 = {.id = RULE_V4, .action = XL_ACT_FAST};
	struct xl_rule r6 = {.id = RULE_V6, .action = XL_ACT_FAST};

	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	cr_assert_eq(xl_harness_add_pfx4(h, &k4, &r4), 0);
	cr_assert_eq(xl_harness_add_pfx6(h, &k6, &r6), 0);
	xl_ref_rules_init(rs, cfg.flags);
	cr_assert_eq(xl_ref_add_pfx4(rs, &k4, &r4), 0);
	cr_assert_eq(xl_ref_add_pfx6(rs, &k6, &r6), 0);
	xl_ref_rules_seal(rs);
}

static int ref_expect(const struct xl_ref_rules *rs, const uint8_t *f, size_t len)
{
	struct xl_ref_result r;

	cr_assert_eq(xl_ref_classify(rs, f, len, &r), 0);
	return r.verdict == XL_REF_FAST ? FAST : r.reason;
}

/* Runs one frame; returns the counter that moved (see moved()), or -200 on a run error. */
static int run_one(struct xl_harness *h, const uint8_t *f, size_t len, int *err)
{
	struct xl_stats a, b;
	uint32_t ret = 0;
	int got;

	cr_assert_eq(xl_harness_stats(h, &a), 0);
	*err = xl_harness_run(h, f, len, 1, &ret, NULL);
	if (*err)
		return -200;
	cr_assert_eq(xl_harness_stats(h, &b), 0);
	got = moved(&a, &b);
	/* Fast lane: XDP_REDIRECT + steered[prefix] with a socket, XDP_PASS + fallbacks without. */
	if (got == FAST)
		cr_assert_eq(ret, b.fallbacks != a.fallbacks ? XDP_PASS : XDP_REDIRECT,
			     "retval %u does not match the counter that moved", ret);
	else
		cr_assert_eq(ret, XDP_PASS, "retval %u for a frame passed to the kernel", ret);
	return got;
}

/* Criterion hands each row a copy, so rows are split by their name, not their index. */
static unsigned name_sum(const char *name)
{
	unsigned sum = 0;

	while (*name)
		sum += (unsigned char)*name++;
	return sum;
}

/* One load per test process: the skip reason is only computed when the load fails. */
static struct xl_harness *open_or_skip(void)
{
	struct xl_harness *h = xl_harness_open();
	int err = errno;
	const char *why;

	if (h)
		return h;
	why = xl_harness_skip_reason();
	if (why)
		cr_skip_test("%s", why);
	cr_assert_fail("cannot open the harness: %s", strerror(err));
	return NULL;
}

/*
 * Under Valgrind every row costs a test process (~3 s of Valgrind start-up and program load), so
 * a fixed eighth of the rows runs there (every cut of each, all assertions); the plain and
 * sanitizer runs cover the whole table, and steer_diff runs the reference under Valgrind too.
 */
ParameterizedTestParameters(steer_parse, table)
{
	static struct parse_case some[N_CASES / 8 + 1];
	size_t n = 0;

	if (!xl_harness_under_valgrind())
		return cr_make_param_array(struct parse_case, cases, N_CASES);
	for (size_t i = 0; i < N_CASES; i += 8)
		some[n++] = cases[i];
	return cr_make_param_array(struct parse_case, some, n);
}

ParameterizedTest(struct parse_case *c, steer_parse, table)
{
	uint8_t frame[XL_PKT_MAX_LEN], cut[XL_PKT_MAX_LEN];
	struct xl_pkt_layout lo;
	struct xl_ref_rules rs;
	struct xl_harness *h;
	int len, got, want, err, failures = 0, runs = 0;
	char desc[256], hex[2 * 200 + 1];

	len = xl_pkt_build(&c->spec, frame, sizeof(frame), &lo);
	cr_assert_gt(len, 0, "%s: spec does not build (%d)", c->name, len);
	xl_pkt_describe(&c->spec, desc, sizeof(desc));
	h = open_or_skip();
	setup_rules(h, &rs);
	/* Half the rows with a socket on queue 0 (fast = steered[prefix] + XDP_REDIRECT), half
	 * without (fast = fallbacks + XDP_PASS), so both fast-lane outcomes are checked. */
	if (name_sum(c->name) % 2 && xl_harness_xsk_attach(h))
		cr_log_warn("%s: no AF_XDP socket on lo; checking fallbacks only", c->name);

	/* Whole frame: hand-written expectation, the reference, and the program must agree. */
	want = ref_expect(&rs, frame, (size_t)len);
	cr_expect_eq(want, c->expect, "%s [%s]: reference says %s, the table says %s", c->name,
		     desc, expect_name(want), expect_name(c->expect));
	got = run_one(h, frame, (size_t)len, &err);
	cr_assert_eq(err, 0, "%s: run: %s", c->name, strerror(-err));
	cr_expect_eq(got, expected_slot(c->expect), "%s [%s]: program moved %s, expected %s",
		     c->name, desc, expect_name(got), expect_name(c->expect));

	/* Every cut, raw and with the IP length rewritten to fit. */
	for (int t = 0; t < len; t++) {
		for (int fix = 0; fix < 2; fix++) {
			size_t n = (size_t)t;

			memcpy(cut, frame, n);
			if (fix) {
				int ip = lo.l3_off, v;

				if (c->spec.l3 == XL_PKT_L3_IPV4 && t >= ip + 4)
					v = t - ip;
				else if (c->spec.l3 == XL_PKT_L3_IPV6 && t >= ip + 40)
					v = t - ip - 40;
				else
					continue;
				cut[ip + 2 + (c->spec.l3 == XL_PKT_L3_IPV6) * 2] =
					(uint8_t)(v >> 8);
				cut[ip + 3 + (c->spec.l3 == XL_PKT_L3_IPV6) * 2] = (uint8_t)v;
			}
			want = ref_expect(&rs, cut, n);
			got = run_one(h, cut, n, &err);
			runs++;
			if (n < 14) {
				/* PROG_TEST_RUN refuses frames shorter than an Ethernet header. */
				cr_expect_eq(err, -EINVAL, "%s: cut %zu: run gave %d", c->name, n,
					     err);
				cr_expect_eq(want, XL_PASS_TRUNCATED, "%s: cut %zu", c->name, n);
				continue;
			}
			cr_assert_eq(err, 0, "%s: cut %zu: run: %s", c->name, n, strerror(-err));
			if (got != want) {
				failures++;
				xl_pkt_hexdump(cut, n < 200 ? n : 200, hex, sizeof(hex));
				cr_log_error("%s [%s] cut at %zu%s: program %s, reference %s; "
					     "frame %s",
					     c->name, desc, n, fix ? " (IP length fixed)" : "",
					     expect_name(got), expect_name(want), hex);
			}
		}
	}
	cr_log_info("%s: %d bytes, %d cut runs, %d disagreements", c->name, len, runs, failures);
	cr_expect_eq(failures, 0, "%s: %d cuts disagree with the reference", c->name, failures);
	xl_ref_rules_free(&rs);
	xl_harness_close(h);
}

/* The table itself is checked too: sizes, and that it covers every pass reason a frame can get
 * from parsing, plus the fast lane. */
Test(steer_parse, table_covers_every_parse_reason)
{
	int seen[XL_PASS_MAX] = {0}, fast = 0;

	for (size_t i = 0; i < N_CASES; i++) {
		if (cases[i].expect == FAST)
			fast++;
		else
			seen[cases[i].expect]++;
		for (size_t j = 0; j < i; j++)
			cr_expect_str_neq(cases[i].name, cases[j].name, "duplicate name");
	}
	cr_expect_gt(fast, 0);
	for (int r = XL_PASS_NOT_IP; r < XL_PASS_MAX; r++)
		cr_expect_gt(seen[r], 0, "no table row expects %s", xl_ref_reason_name(r));
}
