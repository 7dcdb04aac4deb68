// SPDX-License-Identifier: BSD-2-Clause
/*
 * Detection quality: a seeded Zipf(1.0) mix over 100,000 flows goes through xl_steer in one
 * window (test clock); the hot set the program built is compared with the true set of flows whose
 * packet count reached the threshold. Precision and recall must both be >= 95% at the default
 * settings (XL_DEFAULT_HOT_PKTS, default sketch size). Prints both numbers and the detector's
 * memory. Under Valgrind (XL_UNDER_VALGRIND=1) the packet count and the threshold shrink by the
 * same factor, which keeps the shape of the problem and every assertion.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>

#include "harness.h"

#define FLOWS	100000
#define PACKETS 1000000
#define ZIPF_S	1.0
#define SEED	0x5eedf10e5ULL
#define SHRINK	10 /* under Valgrind */

static struct xl_harness *h;

static void fini(void)
{
	xl_harness_close(h);
	h = NULL;
}

/* XL_QUALITY_SEED overrides the seed (to explore; CI uses the fixed one). */
static uint64_t seed(void)
{
	const char *e = getenv("XL_QUALITY_SEED");

	return e && *e ? strtoull(e, NULL, 0) : SEED;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Flow i: 198.18.0.0/15 addresses and ports derived from i; half TCP, IPv4 and IPv6 mixed. */
static struct xl_flow_key flow(uint32_t i)
{
	uint8_t proto = (i & 1) ? IPPROTO_TCP : IPPROTO_UDP;

	if (i % 4 == 3)
		return xl_harness_key6(proto, 0x10000 + i, 0x20000 + (i >> 8), (uint16_t)(1024 + i),
				       (uint16_t)(443 + (i & 7)));
	return xl_harness_key4(proto, (198U << 24) | (18U << 16) | (i & 0xffff),
			       (198U << 24) | (19U << 16) | (i >> 16), (uint16_t)(1024 + (i * 7)),
			       (uint16_t)(53 + (i & 15)));
}

struct result {
	unsigned true_hot, detected, both;
	double precision, recall;
};

static struct result run_mix(uint32_t detector, uint32_t packets, uint32_t thr)
{
	double *cdf = calloc(FLOWS, sizeof(double));
	uint32_t *count = calloc(FLOWS, sizeof(uint32_t));
	struct xl_cfg cfg = {.flags = XL_CFG_F_HOT | XL_CFG_F_TEST_CLOCK,
			     .hot_pkts = thr,
			     .test_clock_ns = 1000000000ULL,
			     .detector = detector};
	struct result r = {0};
	uint64_t rng = seed();
	double sum = 0;
	uint32_t i;

	cr_assert(cdf && count);
	for (i = 0; i < FLOWS; i++) {
		sum += 1.0 / pow((double)(i + 1), ZIPF_S);
		cdf[i] = sum;
	}
	cr_assert_eq(xl_harness_set_cfg(h, &cfg), 0);
	for (i = 0; i < packets; i++) {
		double u = (double)(splitmix(&rng) >> 11) * 0x1.0p-53 * sum;
		uint32_t lo = 0, hi = FLOWS - 1;
		uint8_t buf[256];
		struct xl_flow_key k;
		int len;

		while (lo < hi) { /* first flow with cdf >= u */
			uint32_t mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		count[lo]++;
		k = flow(lo);
		len = xl_harness_frame(&k, 18 + (lo % 64), buf, sizeof(buf));
		cr_assert_gt(len, 0);
		cr_assert_eq(xl_harness_run(h, buf, (size_t)len, 1, NULL, NULL), 0);
	}
	for (i = 0; i < FLOWS; i++) {
		struct xl_flow_key k = flow(i);
		struct xl_hot_val v;
		int hot = xl_harness_hot_get(h, &k, &v) == 0;

		r.true_hot += count[i] >= thr;
		r.detected += hot;
		r.both += hot && count[i] >= thr;
	}
	r.precision = r.detected ? (double)r.both / r.detected : 0;
	r.recall = r.true_hot ? (double)r.both / r.true_hot : 0;
	free(cdf);
	free(count);
	return r;
}

static void check(uint32_t detector, const char *name, size_t mem)
{
	uint32_t packets = PACKETS, thr = XL_DEFAULT_HOT_PKTS;
	const char *why = xl_harness_skip_reason();
	struct result r;

	if (why)
		cr_skip_test("%s", why);
	h = xl_harness_open();
	cr_assert_not_null(h, "xl_harness_open: %s", strerror(errno));
	if (xl_harness_under_valgrind()) {
		packets /= SHRINK;
		thr /= SHRINK;
	}
	r = run_mix(detector, packets, thr);
	printf("detector %s: %u packets, Zipf(%.1f) over %u flows, seed %#llx, threshold %u "
	       "pkts/window:"
	       " true hot %u, detected %u, precision %.4f, recall %.4f, memory %zu bytes (%d "
	       "CPUs)\n",
	       name, packets, ZIPF_S, FLOWS, (unsigned long long)seed(), thr, r.true_hot,
	       r.detected, r.precision, r.recall, mem, xl_harness_ncpus());
	fflush(stdout);
	cr_assert_gt(r.true_hot, 10, "the mix must have a real hot set (got %u)", r.true_hot);
	cr_assert_geq(r.precision, 0.95, "precision %.4f", r.precision);
	cr_assert_geq(r.recall, 0.95, "recall %.4f", r.recall);
}

TestSuite(steer_quality, .fini = fini, .timeout = 120);

Test(steer_quality, cms_zipf_precision_recall)
{
	size_t ncpu = (size_t)xl_harness_ncpus();
	size_t mem = ncpu * (XL_CMS_ROWS * XL_CMS_WIDTH * sizeof(struct xl_cms_cell) +
			     XL_FLOWC_SLOTS * sizeof(struct xl_fslot) + sizeof(struct xl_win));

	check(XL_DET_CMS, "cms", mem);
}

Test(steer_quality, lru_zipf_precision_recall)
{
	size_t ncpu = (size_t)xl_harness_ncpus();
	size_t mem =
		XL_LRUDET_MAX * (sizeof(struct xl_flow_key) + ncpu * sizeof(struct xl_lru_cnt)) +
		ncpu * sizeof(struct xl_win);

	check(XL_DET_LRU, "lru", mem);
}
