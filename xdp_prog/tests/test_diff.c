// SPDX-License-Identifier: BSD-2-Clause
/*
 * Differential fuzz: random and mutated frames through xl_steer (BPF_PROG_TEST_RUN) and through
 * the reference classifier (ref_classify.c), with a random rule set and hot set per round. Every
 * frame must move the same counter (pass reason, or fallbacks for a fast-lane choice: no socket
 * exists under PROG_TEST_RUN), and the per-rule hit counters must match: checked per batch and,
 * on a mismatch, frame by frame to name the culprit.
 *
 * Between batches of 1024 frames the xl_cfg flags (rule kinds, hot set, and the verdict cache
 * bypass) are flipped at random, as a daemon would at run time.
 * Seeded: the seed is printed; XL_SEED=<n> reproduces a run. XL_DIFF_PACKETS=<n> overrides the
 * packet count (default 1,000,000; 20,000 under XL_UNDER_VALGRIND).
 * Hot set: static (entries written by the test). Detection stays on when XL_CFG_F_HOT is set but
 * with a promotion threshold no flow can reach (hot_pkts = UINT32_MAX, no byte threshold), so
 * the hot set's content is exactly what the reference knows.
 */
#include <criterion/criterion.h>

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "harness.h"
#include "packets.h"
#include "ref_classify.h"

#define DEFAULT_PACKETS	 1000000u
#define VALGRIND_PACKETS 20000u
#define ROUNDS		 8
#define BATCH		 1024
#define MAX_FRAME	 3000 /* below PROG_TEST_RUN's page-based limit */
#define N_FLOWS		 64
#define MAX_RULES	 256
#define MAX_REPORTS	 12
#define ADDR_BITS	 4

#define OUT_FALLBACK	 (-1)	     /* fast-lane choice, no socket on the queue */
#define OUT_SHORT	 (-2)	     /* frame shorter than ETH_HLEN: PROG_TEST_RUN refuses it */
#define OUT_VIA(v)	 (100 + (v)) /* steered[v] (an AF_XDP socket is bound to queue 0) */

struct diff_round {
	struct xl_harness *h;
	int xsk; /* 1: queue 0 has a socket, fast-lane choices show as steered[via] */
	int detector;
	struct xl_cfg cfg; /* as last written */
	struct xl_ref_rules rs;
	struct xl_flow_key flows[N_FLOWS];
	uint32_t ids[MAX_RULES]; /* ids that may be hit (< XL_RULE_ID_MAX) */
	int n_ids;
	uint64_t want_hits[MAX_RULES]; /* cumulative, per ids[] slot */
};

struct diff_totals {
	uint64_t frames, mutated, short_frames, too_long, disagreements, hit_mismatches;
	int xsk_rounds, det_rounds[3];
	uint64_t cfg_flips;
	uint64_t by_reason[XL_PASS_MAX];
	uint64_t by_via[XL_VIA_MAX];
	int reports;
};

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long x;

	if (!v || !*v)
		return dflt;
	errno = 0;
	x = strtoull(v, &end, 0);
	cr_assert(errno == 0 && *end == 0, "%s=%s is not a number", name, v);
	return x;
}

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

static void random_flow(struct xl_rng *r, struct xl_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = xl_rng_below(r, 2) ? XL_FAMILY_V6 : XL_FAMILY_V4;
	k->proto = xl_rng_below(r, 2) ? 6 : 17;
	k->sport = htobe16(xl_pkt_pool_port(r));
	k->dport = htobe16(xl_pkt_pool_port(r));
	if (k->family == XL_FAMILY_V4) {
		k->saddr[0] = htobe32(xl_pkt_pool_ip4(r, ADDR_BITS));
		k->daddr[0] = htobe32(xl_pkt_pool_ip4(r, ADDR_BITS));
	} else {
		xl_pkt_pool_ip6(r, ADDR_BITS, (uint8_t *)k->saddr);
		xl_pkt_pool_ip6(r, ADDR_BITS, (uint8_t *)k->daddr);
	}
}

static struct xl_rule random_rule(struct xl_rng *r, struct diff_round *d, uint32_t *next_id)
{
	struct xl_rule rule;
	uint32_t u = xl_rng_below(r, 100);

	memset(&rule, 0, sizeof(rule));
	rule.action = u < 60   ? XL_ACT_FAST
		      : u < 90 ? XL_ACT_PASS
			       : (uint8_t)(2 + xl_rng_below(r, 254));
	if (xl_rng_below(r, 100) < 5) {
		rule.id = XL_RULE_ID_MAX + xl_rng_below(r, 1000); /* no hit counter */
	} else {
		rule.id = (*next_id)++;
		cr_assert_lt(d->n_ids, MAX_RULES);
		d->ids[d->n_ids++] = rule.id;
	}
	return rule;
}

/* Mask an address (network order bytes) to its first plen bits. */
static void mask_bytes(uint8_t *a, size_t n, uint32_t plen)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t bit = (uint32_t)i * 8;

		if (bit >= plen)
			a[i] = 0;
		else if (plen - bit < 8)
			a[i] &= (uint8_t)(0xff << (8 - (plen - bit)));
	}
}

/* True when no rule takes flow @k's frame: it reaches the hot set (steer.h step 5). */
static bool reaches_hot_step(const struct diff_round *d, const struct xl_flow_key *k)
{
	struct xl_ref_result res;
	uint8_t f[256];
	int len = xl_harness_frame(k, 4, f, sizeof(f));

	cr_assert_gt(len, 0);
	cr_assert_eq(xl_ref_classify(&d->rs, f, (size_t)len, &res), 0);
	return (res.verdict == XL_REF_PASS && res.reason == XL_PASS_NO_MATCH) ||
	       (res.verdict == XL_REF_FAST && res.via == XL_VIA_HOT);
}

/*
 * A flow of the round for the hot set: three times in four one that no rule takes, so steering
 * via hot is reached even in short runs (a round's rules can cover most of its flows). When
 * every flow is taken, one flow is redrawn (bounded) with ports no pool rule names until one is
 * not; a covering prefix (or /0) can still take them all, which round 0 rules out.
 */
static const struct xl_flow_key *pick_hot_flow(struct diff_round *d, struct xl_rng *r)
{
	int cand[N_FLOWS], n = 0;

	if (xl_rng_below(r, 4) == 0)
		return &d->flows[xl_rng_below(r, N_FLOWS)];
	for (int i = 0; i < N_FLOWS; i++)
		if (reaches_hot_step(d, &d->flows[i]))
			cand[n++] = i;
	if (n)
		return &d->flows[cand[xl_rng_below(r, (uint32_t)n)]];
	for (int tries = 0; tries < 64; tries++) {
		struct xl_flow_key *k = &d->flows[xl_rng_below(r, N_FLOWS)];

		/* ports off the pool's few values, which port rules name; addresses stay pooled */
		random_flow(r, k);
		k->sport = htobe16((uint16_t)(20000 + xl_rng_below(r, 10000)));
		k->dport = htobe16((uint16_t)(20000 + xl_rng_below(r, 10000)));
		if (reaches_hot_step(d, k))
			return k;
	}
	return &d->flows[xl_rng_below(r, N_FLOWS)];
}

/*
 * Round 0 is "open": hot-flow steering on and no covering prefix, so some of its flows escape
 * every rule and steering via hot is reached whatever the seed, even in a short run (a covering
 * prefix, or /0, takes every flow of the small address pool). The other rounds are unbiased.
 */
static void setup_round(struct diff_round *d, struct xl_rng *r, int round)
{
	bool open = round == 0;
	struct xl_cfg cfg;
	uint32_t next_id = xl_rng_below(r, 1000);
	int hot_fd;

	memset(&cfg, 0, sizeof(cfg));
	if (xl_rng_below(r, 100) < 85)
		cfg.flags |= XL_CFG_F_RULES_EXACT;
	if (xl_rng_below(r, 100) < 85)
		cfg.flags |= XL_CFG_F_RULES_PORT;
	if (xl_rng_below(r, 100) < 85)
		cfg.flags |= XL_CFG_F_RULES_PFX4;
	if (xl_rng_below(r, 100) < 85)
		cfg.flags |= XL_CFG_F_RULES_PFX6;
	if (xl_rng_below(r, 100) < 85 || open)
		cfg.flags |= XL_CFG_F_HOT;
	cfg.flags |= XL_CFG_F_TEST_CLOCK;
	cfg.test_clock_ns = 1000000000ull;
	cfg.hot_pkts = UINT32_MAX;
	cfg.detector = xl_rng_below(r, 3); /* CMS, LRU, or unknown (acts as CMS) */
	cfg.hash_seed = (uint32_t)xl_rng_next(r);

	d->h = open_or_skip();
	d->xsk = xl_harness_xsk_attach(d->h) == 0;
	d->n_ids = 0;
	memset(d->want_hits, 0, sizeof(d->want_hits));
	cr_assert_eq(xl_harness_set_cfg(d->h, &cfg), 0);
	xl_ref_rules_init(&d->rs, cfg.flags);
	for (int i = 0; i < N_FLOWS; i++)
		random_flow(r, &d->flows[i]);

	/* Exact rules on a third of the flows. */
	for (int i = 0; i < N_FLOWS / 3; i++) {
		const struct xl_flow_key *k = &d->flows[xl_rng_below(r, N_FLOWS)];
		struct xl_rule rule = random_rule(r, d, &next_id);

		cr_assert_eq(xl_harness_add_exact(d->h, k, &rule), 0);
		cr_assert_eq(xl_ref_add_exact(&d->rs, k, &rule), 0);
	}
	/* Port rules: with the flow's daddr, and any-address ones. */
	for (int i = 0; i < 24; i++) {
		const struct xl_flow_key *f = &d->flows[xl_rng_below(r, N_FLOWS)];
		struct xl_rule rule = random_rule(r, d, &next_id);
		struct xl_port_key k;

		memset(&k, 0, sizeof(k));
		k.proto = f->proto;
		k.dport = xl_rng_below(r, 4) ? f->dport : htobe16(xl_pkt_pool_port(r));
		if (i % 3) {
			k.family = f->family;
			memcpy(k.daddr, f->daddr, sizeof(k.daddr));
		}
		cr_assert_eq(xl_harness_add_port(d->h, &k, &rule), 0);
		cr_assert_eq(xl_ref_add_port(&d->rs, &k, &rule), 0);
	}
	/* Prefixes: mostly specific ones (the pools vary the low bits), some covering, /0 rarely. */
	for (int i = 0; i < 6; i++) {
		struct xl_rule rule = random_rule(r, d, &next_id);
		struct xl_pfx4_key k4;
		struct xl_pfx6_key k6;
		uint32_t a, u = open ? 15 + xl_rng_below(r, 85) : xl_rng_below(r, 100);

		memset(&k4, 0, sizeof(k4));
		k4.prefixlen = u < 5	? 0
			       : u < 15 ? 12 + xl_rng_below(r, 17)
					: 29 + xl_rng_below(r, 4);
		a = htobe32(xl_pkt_pool_ip4(r, ADDR_BITS));
		mask_bytes((uint8_t *)&a, 4, k4.prefixlen);
		k4.addr = a;
		cr_assert_eq(xl_harness_add_pfx4(d->h, &k4, &rule), 0);
		cr_assert_eq(xl_ref_add_pfx4(&d->rs, &k4, &rule), 0);

		rule = random_rule(r, d, &next_id);
		memset(&k6, 0, sizeof(k6));
		u = open ? 15 + xl_rng_below(r, 85) : xl_rng_below(r, 100);
		k6.prefixlen = u < 5	? 0
			       : u < 15 ? 32 + xl_rng_below(r, 33)
					: 65 + xl_rng_below(r, 64);
		xl_pkt_pool_ip6(r, ADDR_BITS, (uint8_t *)k6.addr);
		mask_bytes((uint8_t *)k6.addr, 16, k6.prefixlen);
		cr_assert_eq(xl_harness_add_pfx6(d->h, &k6, &rule), 0);
		cr_assert_eq(xl_ref_add_pfx6(&d->rs, &k6, &rule), 0);
	}
	/*
	 * Hot set (steer.h "Hot set and detection"). XL_DET_LRU looks xl_hot up on every packet, so
	 * entries written here are the hot set. The count-min path only consults xl_hot for flows
	 * confirmed on this CPU; entries inserted by user space are measured like new flows. So for
	 * it the hot set is made by the program itself: threshold 1, one frame per chosen flow (each
	 * must be promoted and steered via hot right away if no rule takes it first), then a
	 * threshold no flow reaches. The test clock never moves, so the window never ends.
	 */
	d->detector = (int)cfg.detector;
	hot_fd = xl_harness_map_fd(d->h, XL_MAP_HOT);
	cr_assert_geq(hot_fd, 0);
	xl_ref_rules_seal(&d->rs); /* rules only, to predict the promotion frames */
	if (cfg.detector == XL_DET_LRU) {
		for (int i = 0; i < N_FLOWS / 3; i++) {
			const struct xl_flow_key *k = pick_hot_flow(d, r);
			struct xl_hot_val v = {.promoted_ns = 1, .last_seen_ns = 1};

			cr_assert_eq(bpf_map_update_elem(hot_fd, k, &v, BPF_ANY), 0);
			cr_assert_eq(xl_ref_add_hot(&d->rs, k), 0);
			xl_ref_rules_seal(&d->rs);
		}
	} else if (cfg.flags & XL_CFG_F_HOT) {
		struct xl_cfg lo = cfg;
		struct xl_flow_key chosen[N_FLOWS / 3];
		int n_chosen = 0;

		lo.hot_pkts = 1;
		cr_assert_eq(xl_harness_set_cfg(d->h, &lo), 0);
		for (int i = 0; i < N_FLOWS / 3; i++) {
			const struct xl_flow_key *k = pick_hot_flow(d, r);
			struct xl_ref_result res;
			struct xl_outcome o;
			uint8_t f[256];
			int len = xl_harness_frame(k, 4, f, sizeof(f)), hot = 0;

			cr_assert_gt(len, 0);
			cr_assert_eq(xl_ref_classify(&d->rs, f, (size_t)len, &res), 0);
			for (int j = 0; j < n_chosen; j++)
				hot |= !memcmp(&chosen[j], k, sizeof(*k));
			cr_assert_eq(xl_harness_classify(d->h, f, (size_t)len, &o), 0);
			if (res.verdict == XL_REF_PASS && res.reason == XL_PASS_NO_MATCH) {
				/* Reaches step 5: promoted now (or already hot), steered via hot. */
				cr_expect_eq(o.code, XL_VIA_HOT,
					     "promotion frame not steered via hot");
				cr_expect_eq(o.promotions, (uint32_t)!hot, "promotion count");
				cr_assert_eq(xl_ref_add_hot(&d->rs, k), 0);
				xl_ref_rules_seal(&d->rs);
				chosen[n_chosen++] = *k;
			} else {
				cr_expect_eq(o.promotions, 0u, "a rule-matched flow was promoted");
			}
		}
		cr_assert_eq(xl_harness_set_cfg(d->h, &cfg), 0);
	}
	d->cfg = cfg;
	xl_ref_rules_seal(&d->rs);
}

/* Draw a frame: a random spec, often re-aimed at a flow of the round, sometimes mutated. */
static int draw_frame(struct xl_rng *r, const struct diff_round *d, uint8_t *buf, size_t cap,
		      int *mutated)
{
	struct xl_pkt_spec s;
	int len;

	xl_pkt_random_spec(r, &s, ADDR_BITS);
	if (xl_rng_below(r, 100) < 50) {
		const struct xl_flow_key *f = &d->flows[xl_rng_below(r, N_FLOWS)];

		s.l3 = f->family == XL_FAMILY_V4 ? XL_PKT_L3_IPV4 : XL_PKT_L3_IPV6;
		s.l4 = f->proto == 6 ? XL_PKT_L4_TCP : XL_PKT_L4_UDP;
		s.sport = be16toh(f->sport);
		s.dport = be16toh(f->dport);
		s.saddr4 = be32toh(f->saddr[0]);
		s.daddr4 = be32toh(f->daddr[0]);
		memcpy(s.saddr6, f->saddr, 16);
		memcpy(s.daddr6, f->daddr, 16);
	}
	len = xl_pkt_build(&s, buf, cap, NULL);
	if (len == -ENOSPC)
		return INT32_MAX; /* a huge extension chain: counted as too long */
	cr_assert_geq(len, 0, "xl_pkt_build: %d", len);
	*mutated = xl_rng_below(r, 100) < 35;
	if (*mutated)
		len = (int)xl_pkt_mutate(r, buf, (size_t)len, cap);
	return len;
}

static int expected_out(const struct diff_round *d, const struct xl_ref_result *res)
{
	if (res->verdict == XL_REF_FAST)
		return d->xsk ? OUT_VIA(res->via) : OUT_FALLBACK;
	return res->reason;
}

static const char *out_name(int o)
{
	static const char *const via[] = {"steered/exact", "steered/port", "steered/prefix",
					  "steered/hot"};

	if (o >= OUT_VIA(0) && o < OUT_VIA(XL_VIA_MAX))
		return via[o - OUT_VIA(0)];
	if (o == OUT_FALLBACK)
		return "fast(fallback)";
	if (o == OUT_SHORT)
		return "refused(short)";
	if (o >= 0)
		return xl_ref_reason_name(o);
	return "counters-inconsistent";
}

/* The single counter a frame moved: OUT_FALLBACK, OUT_VIA(v), a reason, or -100 - (moves). */
static int moved(const struct xl_stats *a, const struct xl_stats *b)
{
	int which = -100, n = 0;

	if (b->seen - a->seen != 1)
		return -99;
	for (int i = 0; i < XL_VIA_MAX; i++)
		if (b->steered[i] != a->steered[i]) {
			n += (int)(b->steered[i] - a->steered[i]);
			which = OUT_VIA(i);
		}
	for (int i = 0; i < XL_PASS_MAX; i++)
		if (b->passed[i] != a->passed[i]) {
			n += (int)(b->passed[i] - a->passed[i]);
			which = i;
		}
	if (b->fallbacks != a->fallbacks) {
		n += (int)(b->fallbacks - a->fallbacks);
		which = OUT_FALLBACK;
	}
	if (b->hot_promotions != a->hot_promotions)
		return -97;
	return n == 1 ? which : -100 - n;
}

static void report(const struct diff_round *d, struct diff_totals *t, const char *what,
		   uint64_t seed, int round, uint64_t idx, const uint8_t *f, size_t len,
		   const struct xl_ref_result *res, int got)
{
	char hex[2 * 512 + 1];

	if (t->reports++ >= MAX_REPORTS)
		return;
	xl_pkt_hexdump(f, len < 512 ? len : 512, hex, sizeof(hex));
	fprintf(stderr,
		"DIFF %s: XL_SEED=%" PRIu64 " round %d frame %" PRIu64 " len %zu: program %s, "
		"reference %s (via %s, rule %" PRId64 ")\n  frame %s\n",
		what, seed, round, idx, len, out_name(got), out_name(expected_out(d, res)),
		xl_ref_via_name(res->via), res->rule, hex);
}

static int read_hits(struct diff_round *d, uint64_t *out)
{
	for (int i = 0; i < d->n_ids; i++) {
		int err = xl_harness_hits(d->h, d->ids[i], &out[i]);

		if (err)
			return err;
	}
	return 0;
}

static int id_slot(const struct diff_round *d, int64_t id)
{
	for (int i = 0; i < d->n_ids; i++)
		if (d->ids[i] == id)
			return i;
	return -1;
}

/* Replays a batch frame by frame, reading every hit counter around each frame. */
static void pinpoint_hits(struct diff_round *d, struct diff_totals *t, uint64_t seed, int round,
			  uint64_t first, uint8_t (*frames)[MAX_FRAME], const size_t *lens, int n)
{
	static uint64_t before[MAX_RULES], after[MAX_RULES];

	for (int i = 0; i < n; i++) {
		struct xl_ref_result res;
		int slot, bad = 0;

		if (lens[i] < 14)
			continue;
		cr_assert_eq(xl_ref_classify(&d->rs, frames[i], lens[i], &res), 0);
		cr_assert_eq(read_hits(d, before), 0);
		cr_assert_eq(xl_harness_run(d->h, frames[i], lens[i], 1, NULL, NULL), 0);
		cr_assert_eq(read_hits(d, after), 0);
		slot = res.hit ? id_slot(d, res.rule) : -1;
		for (int k = 0; k < d->n_ids; k++)
			if (after[k] - before[k] != (uint64_t)(k == slot))
				bad = 1;
		if (bad) {
			t->hit_mismatches++;
			report(d, t, "rule hit", seed, round, first + (uint64_t)i, frames[i],
			       lens[i], &res, expected_out(d, &res));
		}
	}
}

static void run_round(struct diff_round *d, struct xl_rng *r, struct diff_totals *t, uint64_t seed,
		      int round, uint64_t count)
{
	static uint8_t frames[BATCH][MAX_FRAME];
	static size_t lens[BATCH];
	static uint64_t got_hits[MAX_RULES];
	uint8_t buf[XL_PKT_MAX_LEN];
	struct xl_stats prev, cur;
	uint64_t done = 0;

	cr_assert_eq(xl_harness_stats(d->h, &prev), 0);
	while (done < count) {
		int n = 0;
		uint64_t first = t->frames;

		/* Runtime config change between batches: it applies to the next packet (steer.h). */
		if (done && xl_rng_below(r, 100) < 25) {
			/* NO_VCACHE: the verdict cache must never change a decision */
			static const uint32_t bits[] = {XL_CFG_F_RULES_EXACT, XL_CFG_F_RULES_PORT,
							XL_CFG_F_RULES_PFX4,  XL_CFG_F_RULES_PFX6,
							XL_CFG_F_HOT,	      XL_CFG_F_NO_VCACHE};

			d->cfg.flags ^= bits[xl_rng_below(r, 6)];
			cr_assert_eq(xl_harness_set_cfg(d->h, &d->cfg), 0);
			d->rs.flags = d->cfg.flags;
			t->cfg_flips++;
		}

		/* count = frames the program ran on; short frames come on top. */
		while (n < BATCH && done < count) {
			struct xl_ref_result res;
			int mutated, len, got, want, err;
			uint32_t ret = 0, want_ret;

			len = draw_frame(r, d, buf, sizeof(buf), &mutated);
			if (len > MAX_FRAME) {
				t->too_long++;
				continue;
			}
			t->frames++;
			t->mutated += (uint64_t)mutated;
			cr_assert_eq(xl_ref_classify(&d->rs, buf, (size_t)len, &res), 0);
			want = expected_out(d, &res);
			if (len < 14) {
				/* The reference says truncated; the kernel refuses to run it. */
				t->short_frames++;
				err = xl_harness_run(d->h, buf, (size_t)len, 1, &ret, NULL);
				if (err != -EINVAL || want != XL_PASS_TRUNCATED) {
					t->disagreements++;
					report(d, t, "short frame", seed, round, t->frames - 1, buf,
					       (size_t)len, &res, OUT_SHORT);
				}
				memcpy(frames[n], buf, (size_t)len);
				lens[n++] = (size_t)len;
				continue;
			}
			err = xl_harness_run(d->h, buf, (size_t)len, 1, &ret, NULL);
			cr_assert_eq(err, 0, "run: %s (len %d)", strerror(-err), len);
			cr_assert_eq(xl_harness_stats(d->h, &cur), 0);
			got = moved(&prev, &cur);
			prev = cur;
			want_ret = want >= OUT_VIA(0) ? XDP_REDIRECT : XDP_PASS;
			if (ret != want_ret || got != want) {
				if (res.have_key && res.via == XL_VIA_HOT) {
					struct xl_hot_val hv;

					fprintf(stderr,
						"hot entry for this flow: %s (hot set size %d)\n",
						xl_harness_hot_get(d->h, &res.key, &hv) ? "gone"
											: "present",
						xl_harness_hot_count(d->h));
				}
				t->disagreements++;
				report(d, t, ret != want_ret ? "retval" : "verdict", seed, round,
				       t->frames - 1, buf, (size_t)len, &res, got);
			}
			if (res.verdict == XL_REF_PASS)
				t->by_reason[res.reason]++;
			else if (res.via >= 0)
				t->by_via[res.via]++;
			if (res.hit) {
				int slot = id_slot(d, res.rule);

				cr_assert_geq(slot, 0);
				d->want_hits[slot]++;
			}
			memcpy(frames[n], buf, (size_t)len);
			lens[n++] = (size_t)len;
			done++;
		}
		cr_assert_eq(read_hits(d, got_hits), 0);
		if (memcmp(got_hits, d->want_hits, (size_t)d->n_ids * sizeof(uint64_t))) {
			/* Find the frames, then resynchronise the expectation. */
			pinpoint_hits(d, t, seed, round, first, frames, lens, n);
			cr_assert_eq(read_hits(d, d->want_hits), 0);
			cr_assert_eq(xl_harness_stats(d->h, &prev), 0);
		}
	}
}

Test(steer_diff, bpf_matches_reference, .timeout = 600)
{
	uint64_t seed = env_u64("XL_SEED", (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	uint64_t total = env_u64("XL_DIFF_PACKETS",
				 xl_harness_under_valgrind() ? VALGRIND_PACKETS : DEFAULT_PACKETS);
	struct diff_totals t;
	struct timespec t0, t1;
	struct xl_rng r;
	double secs;

	memset(&t, 0, sizeof(t));
	fprintf(stderr, "steer_diff: XL_SEED=%" PRIu64 " packets=%" PRIu64 "\n", seed, total);
	cr_log_info("steer_diff: XL_SEED=%" PRIu64 " packets=%" PRIu64, seed, total);
	xl_rng_seed(&r, seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < ROUNDS; round++) {
		struct diff_round d;
		uint64_t count = total / ROUNDS + (round < (int)(total % ROUNDS));

		memset(&d, 0, sizeof(d));
		setup_round(&d, &r, round);
		t.xsk_rounds += d.xsk;
		t.det_rounds[d.detector < 3 ? d.detector : 2]++;
		run_round(&d, &r, &t, seed, round, count);
		xl_ref_rules_free(&d.rs);
		xl_harness_close(d.h);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	fprintf(stderr,
		"steer_diff: XL_SEED=%" PRIu64 ": %" PRIu64 " frames (%" PRIu64 " mutated, %" PRIu64
		" shorter than 14 B refused by PROG_TEST_RUN as expected, %" PRIu64
		" over %d B not drawn) in %.1f s: %" PRIu64 " verdict disagreements, %" PRIu64
		" rule-hit disagreements\n",
		seed, t.frames, t.mutated, t.short_frames, t.too_long, MAX_FRAME, secs,
		t.disagreements, t.hit_mismatches);
	fprintf(stderr,
		"steer_diff: %d/%d rounds with a queue-0 AF_XDP socket (steered[via] compared), "
		"detector cms/lru/unknown rounds %d/%d/%d, %" PRIu64 " runtime flag flips\n",
		t.xsk_rounds, ROUNDS, t.det_rounds[0], t.det_rounds[1], t.det_rounds[2],
		t.cfg_flips);
	fprintf(stderr, "steer_diff: outcomes:");
	for (int i = 0; i < XL_PASS_MAX; i++)
		fprintf(stderr, " %s=%" PRIu64, xl_ref_reason_name(i), t.by_reason[i]);
	for (int i = 0; i < XL_VIA_MAX; i++)
		fprintf(stderr, " fast/%s=%" PRIu64, xl_ref_via_name(i), t.by_via[i]);
	fprintf(stderr, "\n");

	cr_expect_geq(t.frames - t.short_frames, total, "fewer frames than asked ran");
	cr_expect_lt(t.too_long, total / 100, "too many frames skipped as too long");
	/* The generator must reach every outcome, or the comparison proves little. */
	for (int i = 0; i < XL_PASS_MAX; i++)
		cr_expect_gt(t.by_reason[i], 0, "no frame was classified %s",
			     xl_ref_reason_name(i));
	for (int i = 0; i < XL_VIA_MAX; i++)
		cr_expect_gt(t.by_via[i], 0, "no frame was steered via %s", xl_ref_via_name(i));
	cr_assert_eq(t.disagreements, 0, "XL_SEED=%" PRIu64 ": %" PRIu64 " verdict disagreements",
		     seed, t.disagreements);
	cr_assert_eq(t.hit_mismatches, 0, "XL_SEED=%" PRIu64 ": %" PRIu64 " rule-hit disagreements",
		     seed, t.hit_mismatches);
}
