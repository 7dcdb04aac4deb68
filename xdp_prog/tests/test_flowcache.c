// SPDX-License-Identifier: BSD-2-Clause
/*
 * The flow cache xl_flowc (steer.h "Flow cache") when two flows share a slot: one slot holds one
 * flow's rule verdict and hot mark, so a flow that takes the slot over must clear the other
 * flow's record, and each flow must still get its own decision, every time. The differential
 * test rarely makes two of its flows collide; this one finds a colliding pair in the map itself
 * (no copy of the BPF hash here) and alternates them.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include <criterion/criterion.h>

#include "harness_cr.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define T		10	      /* packets per window that make a flow hot */
#define WIN		1000000000ULL /* 1 s windows */
#define T0		5000000000ULL
#define CANDIDATES	600 /* flows sent to find a collision: P(none) < 1e-9 over 8192 slots */
#define RULE_ID		7
#define RULE_PORT	7000

static struct xl_harness *h;
static struct xl_cfg cfg;
static struct xl_fslot *snap; /* XL_FLOWC_SLOTS x ncpus values */

static void fini(void)
{
	xl_harness_close(h);
	h = NULL;
	free(snap);
	snap = NULL;
}

TestSuite(steer_flowcache, .fini = fini, .timeout = 60);

/* Candidate flow i; odd ones go to the port rule's port, even ones to another port. */
static struct xl_flow_key flow(uint32_t i)
{
	return xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 1, 1), IP4(198, 18, 3, i & 0xff),
			       (uint16_t)(20000 + i), (i & 1) ? RULE_PORT : 9000);
}

static void open_bpf(uint8_t rule_action)
{
	struct xl_port_key pk;
	struct xl_rule r = {.id = RULE_ID, .action = rule_action};
	cpu_set_t one;

	/* slots are per CPU: every packet and every read must see the same CPU's table */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	h = xl_harness_open_or_skip(true);
	memset(&pk, 0, sizeof(pk));
	pk.proto = IPPROTO_UDP;
	pk.dport = htons(RULE_PORT);
	cr_assert_eq(xl_harness_add_port(h, &pk, &r), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = XL_CFG_F_HOT | XL_CFG_F_TEST_CLOCK | XL_CFG_F_RULES_PORT;
	cfg.hot_pkts = T;
	cfg.window_ns = WIN;
	cfg.test_clock_ns = T0;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	snap = calloc((size_t)XL_FLOWC_SLOTS * xl_harness_ncpus(), sizeof(*snap));
	cr_assert_not_null(snap);
}

static struct xl_outcome send1(const struct xl_flow_key *k)
{
	struct xl_outcome o;

	cr_assert_eq(xl_harness_send_flow(h, k, 64, &o), 0, "counter invariant broken");
	return o;
}

/* Slot of the calling CPU's table that holds k, or -1. Reads the whole map in one call. */
static int slot_of(const struct xl_flow_key *k)
{
	int fd = xl_harness_map_fd(h, XL_MAP_FLOWC), ncpu = xl_harness_ncpus(),
	    cpu = sched_getcpu();
	static uint32_t keys[XL_FLOWC_SLOTS];
	__u32 out_batch = 0, count = XL_FLOWC_SLOTS;
	uint32_t i;
	int ret;

	cr_assert_geq(fd, 0);
	ret = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, snap, &count, NULL);
	cr_assert(ret == 0 || errno == ENOENT, "batch lookup of xl_flowc: %s", strerror(errno));
	cr_assert_eq(count, XL_FLOWC_SLOTS, "read %u slots", count);
	for (i = 0; i < XL_FLOWC_SLOTS; i++)
		if (!memcmp(&snap[(size_t)keys[i] * ncpu + cpu].key, k, sizeof(*k)))
			return (int)keys[i];
	return -1;
}

/*
 * Two flows that share a slot, found by sending candidates (each one's verdict lands in its slot)
 * and reading the map. mixed: one to the rule's port (odd candidates, in *a) and one not (even,
 * in *b); else both not (even).
 */
static void colliding_pair(int mixed, struct xl_flow_key *a, struct xl_flow_key *b)
{
	static int16_t owner[XL_FLOWC_SLOTS];
	uint32_t i;

	memset(owner, 0xff, sizeof(owner));
	for (i = 0; i < CANDIDATES; i++) {
		struct xl_flow_key k = flow(i);
		uint32_t o;
		int s;

		if (!mixed && (i & 1))
			continue;
		send1(&k);
		s = slot_of(&k);
		cr_assert_geq(s, 0, "candidate %u is in no slot after its packet", i);
		o = (uint32_t)owner[s];
		if (owner[s] >= 0 && (!mixed || (o & 1) != (i & 1))) {
			*a = flow((i & 1) ? i : o);
			*b = flow((i & 1) ? o : i);
			return;
		}
		owner[s] = (int16_t)i;
	}
	cr_assert_fail("no two of %d flows share a slot", CANDIDATES);
}

/* Send packets of k until it is promoted (its first packet may have gone out already). */
static void make_hot(const struct xl_flow_key *k)
{
	struct xl_outcome o;
	int n;

	for (n = 0; n < T; n++)
		o = send1(k);
	cr_assert_eq(o.kind, XL_OUT_STEERED, "hot flow promoted (kind %d code %d)", o.kind, o.code);
	cr_assert_eq(o.code, XL_VIA_HOT);
}

static void expect(const struct xl_flow_key *k, int kind, int code, const char *what, int round)
{
	struct xl_outcome o = send1(k);

	cr_assert_eq(o.kind, kind, "round %d: %s: outcome kind %d code %d, expected %d %d", round,
		     what, o.kind, o.code, kind, code);
	cr_assert_eq(o.code, code, "round %d: %s: code %d, expected %d", round, what, o.code, code);
	cr_assert_eq(o.promotions, 0, "round %d: %s: no new promotion", round, what);
}

/* A hot flow and a ruled flow in one slot, alternating: each keeps its own decision. */
static void alternate(uint8_t rule_action)
{
	struct xl_flow_key ruled, hot;
	uint64_t hits0, hits;
	int i;

	open_bpf(rule_action);
	colliding_pair(1, &ruled, &hot);
	make_hot(&hot);
	cr_assert_eq(xl_harness_hits(h, RULE_ID, &hits0), 0);
	for (i = 0; i < 20; i++) {
		if (rule_action == XL_ACT_FAST)
			expect(&ruled, XL_OUT_STEERED, XL_VIA_PORT, "ruled flow", i);
		else
			expect(&ruled, XL_OUT_PASSED, XL_PASS_RULE, "ruled flow", i);
		cr_assert_geq(slot_of(&ruled), 0, "round %d: the ruled flow took the slot", i);
		expect(&hot, XL_OUT_STEERED, XL_VIA_HOT, "hot flow", i);
		cr_assert_eq(slot_of(&ruled), -1, "round %d: the hot flow took the slot back", i);
	}
	cr_assert_eq(xl_harness_hits(h, RULE_ID, &hits), 0);
	cr_assert_eq(hits - hits0, 20, "one rule hit per packet of the ruled flow");
}

Test(steer_flowcache, fast_rule_and_hot_flow_share_a_slot)
{
	alternate(XL_ACT_FAST);
}

Test(steer_flowcache, pass_rule_and_hot_flow_share_a_slot)
{
	alternate(XL_ACT_PASS);
}

/* A flow that takes over a hot flow's slot does not take its hot mark. */
Test(steer_flowcache, cold_flow_never_inherits_a_hot_mark)
{
	struct xl_flow_key cold, hot;
	int i;

	open_bpf(XL_ACT_FAST);
	colliding_pair(0, &cold, &hot);
	make_hot(&hot);
	for (i = 0; i < 4; i++) { /* fewer than T packets: the cold flow never gets hot itself */
		expect(&cold, XL_OUT_PASSED, XL_PASS_NO_MATCH, "cold flow", i);
		expect(&hot, XL_OUT_STEERED, XL_VIA_HOT, "hot flow", i);
	}
}

/*
 * The slot's front counter (steer.h "Hot set and detection", step 2) is shared too: a flow that
 * takes it over first hands the count of the flow it held to the sketch, so that flow is still
 * promoted exactly at the threshold. (Each flow of the pair sent one packet while it was found.)
 */
Test(steer_flowcache, front_counter_hands_over_its_count)
{
	struct xl_flow_key a, b;
	struct xl_outcome o;
	int i;

	open_bpf(XL_ACT_FAST);
	colliding_pair(0, &a, &b);
	for (i = 0; i < T - 3; i++) /* a: T - 2 packets, all but its first of these held in front */
		expect(&a, XL_OUT_PASSED, XL_PASS_NO_MATCH, "a, below the threshold", i);
	expect(&b, XL_OUT_PASSED, XL_PASS_NO_MATCH, "b, taking the front counter over", 0);
	expect(&a, XL_OUT_PASSED, XL_PASS_NO_MATCH, "a, one packet short", 0);
	o = send1(&a);
	cr_assert_eq(o.kind, XL_OUT_STEERED, "a's packet T is steered (kind %d code %d)", o.kind,
		     o.code);
	cr_assert_eq(o.code, XL_VIA_HOT);
	cr_assert_eq(o.promotions, 1);
}

/*
 * A flow that takes a slot over through its hot mark (rules off) does not take the verdict that
 * was there: rule flags back on with the same xl_rgen must not apply another flow's rule to it.
 */
Test(steer_flowcache, hot_flow_never_inherits_a_verdict)
{
	struct xl_flow_key ruled, hot;
	uint64_t hits0, hits;

	open_bpf(XL_ACT_FAST);
	colliding_pair(1, &ruled, &hot);
	expect(&ruled, XL_OUT_STEERED, XL_VIA_PORT, "ruled flow", 0);
	cr_assert_eq(xl_harness_hits(h, RULE_ID, &hits0), 0);
	cfg.flags &= ~XL_CFG_F_RULES_PORT;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	make_hot(&hot);
	cr_assert_eq(slot_of(&ruled), -1, "the hot flow took the slot");
	cfg.flags |= XL_CFG_F_RULES_PORT;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	expect(&hot, XL_OUT_STEERED, XL_VIA_HOT, "hot flow, rules back on", 1);
	cr_assert_eq(xl_harness_hits(h, RULE_ID, &hits), 0);
	cr_assert_eq(hits, hits0, "no rule hit for the hot flow");
	expect(&ruled, XL_OUT_STEERED, XL_VIA_PORT, "ruled flow", 2);
}
