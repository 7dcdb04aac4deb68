// SPDX-License-Identifier: BSD-2-Clause
/*
 * Hot-flow promotion and demotion through BPF_PROG_TEST_RUN with controlled rates: the test
 * clock (XL_CFG_F_TEST_CLOCK) places every packet in time, so windows, idle times and the
 * demotion contract of steer.h ("Hot set and detection") are checked exactly. The tests from
 * promote_on_real_clock() on run on the real clock, where the flow cache answers a hot flow
 * alone (xl_cached_hot()) while its mark is of the current jiffy.
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
#define T		10	      /* packets per window */
#define WIN		1000000000ULL /* 1 s windows */
#define IDLE		3000000000ULL /* 3 s idle time: hold = 4 windows */
#define T0		5000000000ULL

static struct xl_harness *h;
static struct xl_cfg cfg;

static void open_bpf(uint32_t detector)
{
	h = xl_harness_open_or_skip(true);
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = XL_CFG_F_HOT | XL_CFG_F_TEST_CLOCK;
	cfg.hot_pkts = T;
	cfg.window_ns = WIN;
	cfg.idle_ns = IDLE;
	cfg.test_clock_ns = T0;
	cfg.detector = detector;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
}

static void fini(void)
{
	xl_harness_close(h);
	h = NULL;
}

static void at(uint64_t now)
{
	cfg.test_clock_ns = now;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
}

static struct xl_flow_key flow(uint32_t n)
{
	return xl_harness_key4(IPPROTO_UDP, IP4(198, 18, 0, 1), IP4(198, 18, 2, n & 0xff),
			       (uint16_t)(10000 + n), 9000);
}

/* Send one packet of k; returns 1 if steered via the hot set, 0 if passed (NO_MATCH). */
static int send1(const struct xl_flow_key *k, uint32_t *promotions)
{
	struct xl_outcome o;

	cr_assert_eq(xl_harness_send_flow(h, k, 64, &o), 0, "counter invariant broken");
	if (promotions)
		*promotions += o.promotions;
	if (o.kind == XL_OUT_STEERED) {
		cr_assert_eq(o.code, XL_VIA_HOT);
		cr_assert_eq(o.retval, XDP_REDIRECT);
		return 1;
	}
	cr_assert_eq(o.kind, XL_OUT_PASSED);
	cr_assert_eq(o.code, XL_PASS_NO_MATCH, "reason %d", o.code);
	cr_assert_eq(o.promotions, 0);
	return 0;
}

/* Send n packets, all expected with the same outcome. */
static void send_n(const struct xl_flow_key *k, int n, int hot)
{
	int i;

	for (i = 0; i < n; i++)
		cr_assert_eq(send1(k, NULL), hot, "packet %d of %d: hot %d expected", i + 1, n,
			     hot);
}

static int is_hot(const struct xl_flow_key *k, struct xl_hot_val *v)
{
	struct xl_hot_val tmp;
	int err = xl_harness_hot_get(h, k, v ? v : &tmp);

	cr_assert(err == 0 || err == -ENOENT, "xl_hot lookup: %d", err);
	return err == 0;
}

TestSuite(steer_hot, .fini = fini, .timeout = 60);

Test(steer_hot, promotes_exactly_at_threshold)
{
	struct xl_flow_key k = flow(1);
	struct xl_hot_val v;
	uint32_t promos = 0;

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert(!is_hot(&k, NULL));
	cr_assert_eq(send1(&k, &promos), 1, "the threshold-crossing packet is steered");
	cr_assert_eq(promos, 1);
	cr_assert(is_hot(&k, &v));
	cr_assert_eq(v.promo_pkts, T);
	cr_assert_eq(v.promoted_ns, T0);
	cr_assert_eq(v.last_seen_ns, T0);
	send_n(&k, 50, 1);
	cr_assert_eq(xl_harness_hot_count(h), 1);
}

Test(steer_hot, other_flows_stay_in_the_kernel)
{
	struct xl_flow_key hot = flow(1), cold = flow(2);
	int i;

	open_bpf(XL_DET_CMS);
	send_n(&hot, T - 1, 0);
	cr_assert_eq(send1(&hot, NULL), 1);
	/* interleave: the cold flow stays under the threshold and in the kernel */
	for (i = 0; i < T - 1; i++) {
		cr_assert_eq(send1(&cold, NULL), 0);
		cr_assert_eq(send1(&hot, NULL), 1);
	}
	cr_assert(!is_hot(&cold, NULL));
	cr_assert_eq(xl_harness_hot_count(h), 1);
}

Test(steer_hot, window_resets_the_count)
{
	struct xl_flow_key k = flow(3);
	uint32_t promos = 0;

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	at(T0 + WIN - 1); /* still the same window */
	at(T0 + WIN);	  /* a new window starts with the next packet */
	send_n(&k, T - 1, 0);
	cr_assert(!is_hot(&k, NULL), "T-1 packets in each of two windows must not promote");
	cr_assert_eq(send1(&k, &promos), 1);
	cr_assert_eq(promos, 1);
}

Test(steer_hot, same_window_accumulates)
{
	struct xl_flow_key k = flow(4);

	open_bpf(XL_DET_CMS);
	send_n(&k, T / 2, 0);
	at(T0 + WIN - 1);
	send_n(&k, T - T / 2 - 1, 0);
	cr_assert_eq(send1(&k, NULL), 1);
}

Test(steer_hot, byte_threshold_promotes)
{
	struct xl_flow_key k = flow(5);
	uint8_t buf[256];
	int len = xl_harness_frame(&k, 64, buf, sizeof(buf));
	struct xl_hot_val v;

	open_bpf(XL_DET_CMS);
	cfg.hot_pkts = 1000000;
	cfg.hot_bytes = 4ULL * (uint64_t)len;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	send_n(&k, 3, 0);
	cr_assert_eq(send1(&k, NULL), 1);
	cr_assert(is_hot(&k, &v));
	cr_assert_eq(v.promo_bytes, 4ULL * (uint64_t)len);
	cr_assert_eq(v.promo_pkts, 4);
}

Test(steer_hot, threshold_changes_at_run_time)
{
	struct xl_flow_key k = flow(6);

	open_bpf(XL_DET_CMS);
	cfg.hot_pkts = 100;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	send_n(&k, 20, 0);
	cfg.hot_pkts = 21; /* the window's count so far is kept */
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	cr_assert_eq(send1(&k, NULL), 1);
}

Test(steer_hot, detection_off_ignores_the_hot_set)
{
	struct xl_flow_key k = flow(7);

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, NULL), 1);
	cfg.flags &= ~XL_CFG_F_HOT;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	send_n(&k, 3, 0);
	cfg.flags |= XL_CFG_F_HOT;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	send_n(&k, 3, 1);
}

Test(steer_hot, idle_flow_is_demoted_and_measured_again)
{
	struct xl_flow_key k = flow(8);
	uint32_t promos = 0;

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, &promos), 1);
	/* not idle long enough: nothing demoted */
	cr_assert_eq(xl_harness_hot_demote_idle(h, T0 + IDLE - 1, IDLE), 0);
	cr_assert_eq(xl_harness_hot_demote_idle(h, T0 + IDLE, IDLE), 1);
	cr_assert(!is_hot(&k, NULL));
	at(T0 + IDLE + 1);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, &promos), 1, "a demoted flow is promoted again at the threshold");
	cr_assert_eq(promos, 2);
}

Test(steer_hot, active_flow_is_never_idle)
{
	struct xl_flow_key k = flow(9);
	struct xl_hot_val v;
	uint64_t t = T0;
	int w;

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, NULL), 1);
	/* one packet per window for 10 windows (well below the rate): still steered, and
	 * last_seen_ns follows (refreshed on the first packet of each window) */
	for (w = 1; w <= 10; w++) {
		t = T0 + (uint64_t)w * WIN + 7;
		at(t);
		send_n(&k, 1, 1);
		cr_assert(is_hot(&k, &v));
		cr_assert_eq(v.last_seen_ns, t, "window %d: last_seen %llu", w,
			     (unsigned long long)v.last_seen_ns);
		cr_assert_eq(xl_harness_hot_demote_idle(h, t + IDLE - 1, IDLE), 0);
	}
	cr_assert_eq(v.promoted_ns, T0);
}

Test(steer_hot, demotion_takes_effect_by_the_next_window)
{
	struct xl_flow_key k = flow(10);

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, NULL), 1);
	cr_assert_eq(xl_harness_hot_del(h, &k), 0);
	at(T0 + WIN / 2);
	send_n(&k, 2, 1); /* cached for the rest of this window (steer.h contract) */
	at(T0 + WIN / 2 + WIN);
	send_n(&k, T - 1, 0); /* new window: measured like a new flow */
	cr_assert_eq(send1(&k, NULL), 1);
}

Test(steer_hot, flow_unseen_beyond_hold_is_measured_again)
{
	struct xl_flow_key k = flow(11), other = flow(12);
	uint32_t promos = 0;
	int w;

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, &promos), 1);
	/* hold = IDLE / WIN + 1 = 4 windows; windows only advance with packets */
	for (w = 1; w <= 5; w++) {
		at(T0 + (uint64_t)w * WIN);
		send_n(&other, 1, 0);
	}
	send_n(&k, T - 1, 0);
	cr_assert(is_hot(&k, NULL), "user space did not demote it");
	cr_assert_eq(send1(&k, &promos), 1, "steered again at the threshold");
	cr_assert_eq(promos, 1, "the existing entry is kept, not re-inserted");
}

Test(steer_hot, flow_within_hold_needs_no_new_promotion)
{
	struct xl_flow_key k = flow(13), other = flow(14);
	int w;

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, NULL), 1);
	for (w = 1; w <= 4; w++) {
		at(T0 + (uint64_t)w * WIN);
		send_n(&other, 1, 0);
	}
	send_n(&k, 3, 1);
}

Test(steer_hot, ipv6_flows_are_detected)
{
	struct xl_flow_key k = xl_harness_key6(IPPROTO_TCP, 7, 8, 5555, 443);

	open_bpf(XL_DET_CMS);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, NULL), 1);
	send_n(&k, 5, 1);
}

Test(steer_hot, lru_detector_promotes_and_demotes)
{
	struct xl_flow_key k = flow(15);
	uint32_t promos = 0;

	open_bpf(XL_DET_LRU);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, &promos), 1);
	send_n(&k, 5, 1);
	/* XL_DET_LRU looks xl_hot up on every packet, so a deletion is seen at once; within the
	 * same window the flow is still over the threshold and is promoted again at once */
	cr_assert_eq(xl_harness_hot_del(h, &k), 0);
	cr_assert_eq(send1(&k, &promos), 1);
	cr_assert_eq(promos, 2);
	cr_assert_eq(xl_harness_hot_del(h, &k), 0);
	at(T0 + WIN);
	send_n(&k, T - 1, 0);
	cr_assert_eq(send1(&k, &promos), 1);
	cr_assert_eq(promos, 3);
}

/* The real clock (no XL_CFG_F_TEST_CLOCK): marks confirmed in the current jiffy answer alone. */
static void promote_on_real_clock(const struct xl_flow_key *k)
{
	int i;

	cfg.flags &= ~XL_CFG_F_TEST_CLOCK;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	/* a window may start between two packets (1 s windows): bounded retries, not exactly T */
	for (i = 0; i < 3 * T; i++)
		if (send1(k, NULL))
			return;
	cr_assert_fail("not promoted after %d packets", 3 * T);
}

Test(steer_hot, real_clock_hot_flow_stays_steered)
{
	struct xl_flow_key k = flow(16);

	open_bpf(XL_DET_CMS);
	promote_on_real_clock(&k);
	send_n(&k, 200, 1);
	cr_assert_eq(xl_harness_hot_count(h), 1);
}

/*
 * The real clock, with a window far longer than the test: a flow below the threshold is counted
 * in its slot's front counter, mostly without a look at the window (an entry written in the
 * current jiffy is of the current window), and is still promoted exactly at the threshold.
 */
Test(steer_hot, real_clock_front_counter_promotes_exactly_at_threshold)
{
	struct xl_flow_key k = flow(17);
	uint32_t promos = 0;

	open_bpf(XL_DET_CMS);
	cfg.flags &= ~XL_CFG_F_TEST_CLOCK;
	cfg.hot_pkts = 100;
	cfg.window_ns = 3600 * WIN;
	cfg.idle_ns = 2 * cfg.window_ns;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	send_n(&k, 99, 0);
	cr_assert_eq(send1(&k, &promos), 1, "the 100th packet is steered");
	cr_assert_eq(promos, 1);
	send_n(&k, 20, 1);
}

Test(steer_hot, lru_detector_ignores_count_min_marks)
{
	struct xl_flow_key k = flow(17);

	open_bpf(XL_DET_CMS);
	promote_on_real_clock(&k);
	send_n(&k, 3, 1);
	/* the slot still holds a mark of this jiffy, but only XL_DET_CMS reads marks */
	cfg.detector = XL_DET_LRU;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	cr_assert_eq(xl_harness_hot_del(h, &k), 0);
	cr_assert_eq(send1(&k, NULL), 0, "measured afresh by the LRU detector");
}

/* Expect k's next n packets to be passed by a rule (XL_PASS_RULE). */
static void expect_rule_pass(const struct xl_flow_key *k, int n)
{
	struct xl_outcome o;
	int i;

	for (i = 0; i < n; i++) {
		cr_assert_eq(xl_harness_send_flow(h, k, 64, &o), 0);
		cr_assert_eq(o.kind, XL_OUT_PASSED, "packet %d: not passed (kind %d)", i + 1,
			     o.kind);
		cr_assert_eq(o.code, XL_PASS_RULE, "packet %d: reason %d", i + 1, o.code);
	}
}

/*
 * k made hot on the real clock with exact rules on (one rule, for another flow), so that its
 * slot holds a "no rule" verdict of the current xl_rgen and a hot mark.
 */
static void hot_flow_behind_rules(const struct xl_flow_key *k)
{
	struct xl_flow_key other = flow(200);
	struct xl_rule r = {.id = 1, .action = XL_ACT_FAST};

	open_bpf(XL_DET_CMS);
	cr_assert_eq(xl_harness_add_exact(h, &other, &r), 0);
	cfg.flags |= XL_CFG_F_RULES_EXACT;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	promote_on_real_clock(k);
	send_n(k, 3, 1);
}

Test(steer_hot, rule_for_a_hot_flow_applies_at_once)
{
	struct xl_flow_key k = flow(18);
	struct xl_rule pass = {.id = 2, .action = XL_ACT_PASS};

	hot_flow_behind_rules(&k);
	/* a new xl_rgen outdates the cached verdict, and the rule's verdict then outranks the
	 * hot mark, which the flow keeps */
	cr_assert_eq(xl_harness_add_exact(h, &k, &pass), 0);
	expect_rule_pass(&k, 5);
}

Test(steer_hot, no_vcache_consults_the_rules_for_a_hot_flow)
{
	struct xl_flow_key k = flow(19);
	struct xl_rule pass = {.id = 3, .action = XL_ACT_PASS};

	hot_flow_behind_rules(&k);
	cfg.flags |= XL_CFG_F_NO_VCACHE;
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	/* a rule written without bumping xl_rgen: only a lookup can see it */
	cr_assert_eq(bpf_map_update_elem(xl_harness_map_fd(h, "xl_exact"), &k, &pass, BPF_ANY), 0);
	expect_rule_pass(&k, 5);
}
