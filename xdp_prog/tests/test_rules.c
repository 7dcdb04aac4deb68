// SPDX-License-Identifier: BSD-2-Clause
/*
 * Rules of each kind, their precedence (steer.h "Steering precedence") and run-time updates,
 * through BPF_PROG_TEST_RUN with a real AF_XDP socket on queue 0 (so FAST decisions redirect).
 * The rule that decided is identified by its xl_hits counter, the verdict by the counter delta.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include <criterion/criterion.h>

#include "harness_cr.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static struct xl_harness *h;

static void open_bpf(void)
{
	h = xl_harness_open_or_skip(true);
}

static void fini(void)
{
	xl_harness_close(h);
	h = NULL;
}

static void set_flags(uint32_t flags)
{
	struct xl_cfg cfg = {.flags = flags};

	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
}

static struct xl_rule rule(uint32_t id, uint8_t action)
{
	struct xl_rule r = {.id = id, .action = action};

	return r;
}

static void add_exact(const struct xl_flow_key *k, uint32_t id, uint8_t act)
{
	struct xl_rule r = rule(id, act);

	cr_assert_eq(xl_harness_add_exact(h, k, &r), 0);
}

static void add_port(uint8_t family, uint8_t proto, uint16_t dport, const __be32 *daddr,
		     uint32_t id, uint8_t act)
{
	struct xl_port_key k;
	struct xl_rule r = rule(id, act);

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.proto = proto;
	k.dport = htons(dport);
	if (daddr)
		memcpy(k.daddr, daddr, sizeof(k.daddr));
	cr_assert_eq(xl_harness_add_port(h, &k, &r), 0);
}

static void add_pfx4(uint32_t addr, uint32_t len, uint32_t id, uint8_t act)
{
	struct xl_pfx4_key k = {.prefixlen = len, .addr = htonl(addr)};
	struct xl_rule r = rule(id, act);

	cr_assert_eq(xl_harness_add_pfx4(h, &k, &r), 0);
}

static void add_pfx6(const __be32 *addr, uint32_t len, uint32_t id, uint8_t act)
{
	struct xl_pfx6_key k = {.prefixlen = len};
	struct xl_rule r = rule(id, act);

	memcpy(k.addr, addr, sizeof(k.addr));
	cr_assert_eq(xl_harness_add_pfx6(h, &k, &r), 0);
}

static struct xl_outcome send_flow(const struct xl_flow_key *k)
{
	struct xl_outcome o;

	cr_assert_eq(xl_harness_send_flow(h, k, 32, &o), 0, "counter invariant broken");
	return o;
}

static uint64_t hits(uint32_t id)
{
	uint64_t n = 0;

	cr_assert_eq(xl_harness_hits(h, id, &n), 0);
	return n;
}

static void expect_steered(const struct xl_flow_key *k, int via, uint32_t id)
{
	uint64_t before = hits(id);
	struct xl_outcome o = send_flow(k);

	cr_assert_eq(o.retval, XDP_REDIRECT);
	cr_assert_eq(o.kind, XL_OUT_STEERED, "kind %d code %d", o.kind, o.code);
	cr_assert_eq(o.code, via, "steered via %d, expected %d", o.code, via);
	cr_assert_eq(hits(id) - before, 1, "rule %u did not decide", id);
}

static void expect_rule_pass(const struct xl_flow_key *k, uint32_t id)
{
	uint64_t before = hits(id);
	struct xl_outcome o = send_flow(k);

	cr_assert_eq(o.retval, XDP_PASS);
	cr_assert_eq(o.kind, XL_OUT_PASSED);
	cr_assert_eq(o.code, XL_PASS_RULE, "pass reason %d", o.code);
	cr_assert_eq(hits(id) - before, 1, "rule %u did not decide", id);
}

static void expect_no_match(const struct xl_flow_key *k)
{
	struct xl_outcome o = send_flow(k);

	cr_assert_eq(o.retval, XDP_PASS);
	cr_assert_eq(o.kind, XL_OUT_PASSED);
	cr_assert_eq(o.code, XL_PASS_NO_MATCH, "pass reason %d", o.code);
}

TestSuite(steer_rules, .fini = fini, .timeout = 60);

Test(steer_rules, exact_rule_matches_only_its_five_tuple)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 40000, 5000);
	struct xl_flow_key other = k;

	open_bpf();
	set_flags(XL_CFG_F_RULES_EXACT);
	add_exact(&k, 10, XL_ACT_FAST);
	expect_steered(&k, XL_VIA_EXACT, 10);
	other.sport = htons(40001);
	expect_no_match(&other);
	other = k;
	other.proto = IPPROTO_TCP;
	expect_no_match(&other);
	other = k;
	other.saddr[0] = htonl(IP4(198, 18, 0, 2));
	expect_no_match(&other);
}

Test(steer_rules, exact_rule_ipv6_tcp)
{
	struct xl_flow_key k = xl_harness_key6(IPPROTO_TCP, 1, 2, 40000, 443);
	struct xl_flow_key other = k;

	open_bpf();
	set_flags(XL_CFG_F_RULES_EXACT);
	add_exact(&k, 11, XL_ACT_FAST);
	expect_steered(&k, XL_VIA_EXACT, 11);
	other.daddr[3] = htonl(3);
	expect_no_match(&other);
}

Test(steer_rules, exact_pass_rule_is_an_exception)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 40000, 5000);

	open_bpf();
	set_flags(XL_CFG_F_RULES_EXACT);
	add_exact(&k, 12, XL_ACT_PASS);
	expect_rule_pass(&k, 12);
}

Test(steer_rules, unknown_action_acts_as_pass)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 40000, 5000);

	open_bpf();
	set_flags(XL_CFG_F_RULES_EXACT);
	add_exact(&k, 13, 7);
	expect_rule_pass(&k, 13);
}

Test(steer_rules, port_rule_any_address_both_families)
{
	struct xl_flow_key k4 =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 19, 200, 1), 1234, 4789);
	struct xl_flow_key k6 = xl_harness_key6(IPPROTO_UDP, 5, 6, 1234, 4789);
	struct xl_flow_key tcp = k4;
	struct xl_flow_key port = k4;

	open_bpf();
	set_flags(XL_CFG_F_RULES_PORT);
	add_port(XL_FAMILY_ANY, IPPROTO_UDP, 4789, NULL, 20, XL_ACT_FAST);
	expect_steered(&k4, XL_VIA_PORT, 20);
	expect_steered(&k6, XL_VIA_PORT, 20);
	tcp.proto = IPPROTO_TCP;
	expect_no_match(&tcp);
	port.dport = htons(4790);
	expect_no_match(&port);
}

Test(steer_rules, port_rule_with_address)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_TCP, IP4(198, 18, 0, 1), IP4(198, 18, 9, 9), 1234, 80);
	struct xl_flow_key k6 = xl_harness_key6(IPPROTO_TCP, 1, 9, 1234, 80);
	struct xl_flow_key other = k;

	open_bpf();
	set_flags(XL_CFG_F_RULES_PORT);
	add_port(XL_FAMILY_V4, IPPROTO_TCP, 80, k.daddr, 21, XL_ACT_FAST);
	add_port(XL_FAMILY_V6, IPPROTO_TCP, 80, k6.daddr, 22, XL_ACT_FAST);
	expect_steered(&k, XL_VIA_PORT, 21);
	expect_steered(&k6, XL_VIA_PORT, 22);
	other.daddr[0] = htonl(IP4(198, 18, 9, 10));
	expect_no_match(&other);
}

Test(steer_rules, prefix_rules_longest_match_wins)
{
	struct xl_flow_key in24 =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 19, 7, 20), 1, 2);
	struct xl_flow_key in16 =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 19, 8, 20), 1, 2);
	struct xl_flow_key out =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 8, 20), 1, 2);

	open_bpf();
	set_flags(XL_CFG_F_RULES_PFX4);
	add_pfx4(IP4(198, 19, 0, 0), 16, 30, XL_ACT_FAST);
	add_pfx4(IP4(198, 19, 7, 0), 24, 31, XL_ACT_PASS);
	expect_rule_pass(&in24, 31);
	expect_steered(&in16, XL_VIA_PREFIX, 30);
	expect_no_match(&out);
}

Test(steer_rules, prefix_rules_ipv6)
{
	struct xl_flow_key k = xl_harness_key6(IPPROTO_UDP, 1, 0x10, 1, 2);
	struct xl_flow_key other = k;
	__be32 p64[4] = {htonl(0x20010002), 0, 0, 0};

	open_bpf();
	set_flags(XL_CFG_F_RULES_PFX6);
	add_pfx6(p64, 64, 32, XL_ACT_FAST);
	expect_steered(&k, XL_VIA_PREFIX, 32);
	other.daddr[1] = htonl(1); /* 2001:2:0:1::10: outside the /64 */
	expect_no_match(&other);
}

Test(steer_rules, ipv4_prefix_does_not_match_ipv6)
{
	struct xl_flow_key k6 = xl_harness_key6(IPPROTO_UDP, 1, 2, 1, 2);

	open_bpf();
	set_flags(XL_CFG_F_RULES_PFX4 | XL_CFG_F_RULES_PFX6);
	add_pfx4(0, 0, 33, XL_ACT_FAST); /* 0.0.0.0/0 */
	expect_no_match(&k6);
}

Test(steer_rules, rule_kind_flag_gates_lookup)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 40000, 5000);

	open_bpf();
	add_exact(&k, 40, XL_ACT_FAST);
	add_port(XL_FAMILY_ANY, IPPROTO_UDP, 5000, NULL, 41, XL_ACT_FAST);
	add_pfx4(IP4(198, 18, 0, 0), 15, 42, XL_ACT_FAST);
	set_flags(0);
	expect_no_match(&k);
	set_flags(XL_CFG_F_RULES_PFX4);
	expect_steered(&k, XL_VIA_PREFIX, 42);
	set_flags(XL_CFG_F_RULES_PFX4 | XL_CFG_F_RULES_PORT);
	expect_steered(&k, XL_VIA_PORT, 41);
	set_flags(XL_CFG_F_RULES_ALL);
	expect_steered(&k, XL_VIA_EXACT, 40);
}

/* Precedence: one row per pair of kinds; the higher one decides whatever the actions are. */
struct prec_case {
	const char *name;
	uint8_t exact, port_addr, port_any, pfx; /* 0 absent, else 1 + action */
	int hot;				 /* flow promoted into the hot set first */
	uint32_t decider;			 /* rule id expected to decide, 0 = hot set */
	int steered;				 /* 1 steered, 0 PASS rule */
	int via;
};

static const struct prec_case prec_cases[] = {
	{"exact PASS over port FAST", 1 + XL_ACT_PASS, 0, 1 + XL_ACT_FAST, 0, 0, 101, 0, 0},
	{"exact FAST over prefix PASS", 1 + XL_ACT_FAST, 0, 0, 1 + XL_ACT_PASS, 0, 101, 1,
	 XL_VIA_EXACT},
	{"port+addr PASS over port any FAST", 0, 1 + XL_ACT_PASS, 1 + XL_ACT_FAST, 0, 0, 102, 0, 0},
	{"port+addr FAST over port any PASS", 0, 1 + XL_ACT_FAST, 1 + XL_ACT_PASS, 0, 0, 102, 1,
	 XL_VIA_PORT},
	{"port any PASS over prefix FAST", 0, 0, 1 + XL_ACT_PASS, 1 + XL_ACT_FAST, 0, 103, 0, 0},
	{"port any FAST over prefix PASS", 0, 0, 1 + XL_ACT_FAST, 1 + XL_ACT_PASS, 0, 103, 1,
	 XL_VIA_PORT},
	{"prefix PASS over hot set", 0, 0, 0, 1 + XL_ACT_PASS, 1, 104, 0, 0},
	{"exact FAST over hot set", 1 + XL_ACT_FAST, 0, 0, 0, 1, 101, 1, XL_VIA_EXACT},
	{"hot set alone", 0, 0, 0, 0, 1, 0, 1, XL_VIA_HOT},
	{"all four, exact PASS decides", 1 + XL_ACT_PASS, 1 + XL_ACT_FAST, 1 + XL_ACT_FAST,
	 1 + XL_ACT_FAST, 1, 101, 0, 0},
};

Test(steer_rules, precedence_table)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 19, 3, 3), 40000, 6000);
	size_t i;

	open_bpf();
	for (i = 0; i < sizeof(prec_cases) / sizeof(prec_cases[0]); i++) {
		const struct prec_case *c = &prec_cases[i];
		struct xl_pfx4_key pk = {.prefixlen = 16, .addr = htonl(IP4(198, 19, 0, 0))};
		struct xl_port_key ak, yk;
		struct xl_cfg cfg = {.flags = XL_CFG_F_RULES_ALL | XL_CFG_F_HOT |
					      XL_CFG_F_TEST_CLOCK,
				     .hot_pkts = 1,
				     .test_clock_ns = 1000 + i * 1000000000ULL};

		cr_log_info("precedence case: %s", c->name);
		memset(&ak, 0, sizeof(ak));
		ak.family = XL_FAMILY_V4;
		ak.proto = IPPROTO_UDP;
		ak.dport = k.dport;
		ak.daddr[0] = k.daddr[0];
		memset(&yk, 0, sizeof(yk));
		yk.proto = IPPROTO_UDP;
		yk.dport = k.dport;
		/* clean slate for this row */
		xl_harness_del(h, XL_MAP_EXACT, &k);
		xl_harness_del(h, XL_MAP_PORT, &ak);
		xl_harness_del(h, XL_MAP_PORT, &yk);
		xl_harness_del(h, XL_MAP_PFX4, &pk);
		xl_harness_hot_del(h, &k);
		cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
		if (c->hot) {
			/* threshold 1: the first packet promotes the flow */
			struct xl_outcome o = send_flow(&k);

			cr_assert_eq(o.promotions, 1, "%s: promotion", c->name);
			cr_assert_eq(o.code, XL_VIA_HOT, "%s", c->name);
		}
		if (c->exact)
			add_exact(&k, 101, c->exact - 1);
		if (c->port_addr)
			add_port(XL_FAMILY_V4, IPPROTO_UDP, 6000, k.daddr, 102, c->port_addr - 1);
		if (c->port_any)
			add_port(XL_FAMILY_ANY, IPPROTO_UDP, 6000, NULL, 103, c->port_any - 1);
		if (c->pfx)
			add_pfx4(IP4(198, 19, 0, 0), 16, 104, c->pfx - 1);
		if (!c->hot) {
			/* rules decide before detection: the flow must never become hot */
			cfg.hot_pkts = 1;
		}
		if (c->steered && c->decider)
			expect_steered(&k, c->via, c->decider);
		else if (c->steered) {
			struct xl_outcome o = send_flow(&k);

			cr_assert_eq(o.kind, XL_OUT_STEERED, "%s", c->name);
			cr_assert_eq(o.code, XL_VIA_HOT, "%s", c->name);
		} else
			expect_rule_pass(&k, c->decider);
		if (!c->hot)
			cr_assert_eq(xl_harness_hot_get(h, &k, &(struct xl_hot_val){0}), -ENOENT,
				     "%s: a rule-matched flow was measured", c->name);
	}
}

Test(steer_rules, runtime_add_change_delete)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 7), IP4(198, 18, 1, 7), 7, 7777);
	struct xl_port_key pk;

	open_bpf();
	set_flags(XL_CFG_F_RULES_PORT);
	expect_no_match(&k);
	add_port(XL_FAMILY_ANY, IPPROTO_UDP, 7777, NULL, 50, XL_ACT_FAST);
	expect_steered(&k, XL_VIA_PORT, 50);
	add_port(XL_FAMILY_ANY, IPPROTO_UDP, 7777, NULL, 51, XL_ACT_PASS); /* replace in place */
	expect_rule_pass(&k, 51);
	memset(&pk, 0, sizeof(pk));
	pk.proto = IPPROTO_UDP;
	pk.dport = htons(7777);
	cr_assert_eq(xl_harness_del(h, XL_MAP_PORT, &pk), 0);
	expect_no_match(&k);
	cr_assert_eq(hits(50), 1);
	cr_assert_eq(hits(51), 1);
}

/*
 * The verdict cache is real and xl_rgen is what invalidates it: a rule written behind the
 * cache's back (map update without the xl_rgen increment every writer must make) is not seen by
 * a flow the cache knows, is seen with the cache bypassed, and is seen once xl_rgen moves.
 */
Test(steer_rules, verdict_cache_answers_until_rgen_moves)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 9), IP4(198, 18, 1, 9), 9, 9999);
	struct xl_rule r = rule(60, XL_ACT_FAST);
	int rgen_fd, exact_fd;
	__u32 zero = 0;
	__u64 gen;

	open_bpf();
	set_flags(XL_CFG_F_RULES_ALL);
	expect_no_match(&k); /* cached: no rule */
	exact_fd = xl_harness_map_fd(h, XL_MAP_EXACT);
	rgen_fd = xl_harness_map_fd(h, XL_MAP_RGEN);
	cr_assert_geq(exact_fd, 0);
	cr_assert_geq(rgen_fd, 0);
	cr_assert_eq(bpf_map_update_elem(exact_fd, &k, &r, BPF_ANY), 0);
	expect_no_match(&k); /* stale, as documented for a writer that skips xl_rgen */
	set_flags(XL_CFG_F_RULES_ALL | XL_CFG_F_NO_VCACHE);
	expect_steered(&k, XL_VIA_EXACT, 60);
	set_flags(XL_CFG_F_RULES_ALL);
	expect_no_match(&k); /* the slot is still the old one */
	cr_assert_eq(bpf_map_lookup_elem(rgen_fd, &zero, &gen), 0);
	gen++;
	cr_assert_eq(bpf_map_update_elem(rgen_fd, &zero, &gen, BPF_ANY), 0);
	expect_steered(&k, XL_VIA_EXACT, 60);
	expect_steered(&k, XL_VIA_EXACT, 60); /* now from the cache, hit counted */
	cr_assert_eq(hits(60), 3);
}

Test(steer_rules, hit_counter_counts_every_match)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_TCP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 1, 22);
	uint8_t buf[128];
	uint32_t rv;
	int len;

	open_bpf();
	set_flags(XL_CFG_F_RULES_EXACT);
	add_exact(&k, XL_RULE_ID_MAX - 1, XL_ACT_FAST);
	len = xl_harness_frame(&k, 0, buf, sizeof(buf));
	cr_assert_eq(xl_harness_run(h, buf, (size_t)len, 1000, &rv, NULL), 0);
	cr_assert_eq(rv, XDP_REDIRECT);
	cr_assert_eq(hits(XL_RULE_ID_MAX - 1), 1000);
}

Test(steer_rules, out_of_range_rule_id_still_decides)
{
	struct xl_flow_key k =
		xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 1, 1), 1, 53);
	struct xl_outcome o;
	struct xl_stats st;

	open_bpf();
	set_flags(XL_CFG_F_RULES_EXACT);
	add_exact(&k, XL_RULE_ID_MAX, XL_ACT_FAST);
	o = send_flow(&k);
	cr_assert_eq(o.kind, XL_OUT_STEERED);
	cr_assert_eq(o.code, XL_VIA_EXACT);
	cr_assert_eq(xl_harness_stats(h, &st), 0);
	cr_assert_eq(st.steered[XL_VIA_EXACT], 1);
}
