// SPDX-License-Identifier: BSD-2-Clause
/* The log-linear histogram against a brute-force sort of the same values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "hist.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double rel_err(uint64_t got, uint64_t want)
{
	double d = (double)got - (double)want;

	return want ? (d < 0 ? -d : d) / (double)want : (double)got;
}

/* the percentile a sort gives: rank ceil(p/100 * n), 1-based */
static uint64_t sorted_pct(const uint64_t *v, size_t n, double p)
{
	double r = ceil(p / 100.0 * (double)n - 1e-9);
	size_t rank = r < 1 ? 1 : (size_t)r;

	return v[(rank > n ? n : rank) - 1];
}

struct dist {
	const char *name;
	uint64_t (*gen)(void);
};

/* latency-like: mostly microseconds, a long tail into seconds */
static uint64_t gen_latency(void)
{
	uint64_t r = rnd();
	unsigned int shift = (unsigned int)(r % 1000 < 990 ? 13 : 13 + (r >> 40) % 18);

	return 1000 + (rnd() >> (64 - shift));
}

static uint64_t gen_uniform_wide(void)
{
	return rnd() >> (rnd() % 64);
}

static uint64_t gen_small(void)
{
	return rnd() % 300;
}

static const struct dist dists[] = {
	{"latency-like", gen_latency},
	{"log-uniform over 64 bits", gen_uniform_wide},
	{"small exact values", gen_small},
};

static const double pcts[] = {0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999, 100};

Test(lat_hist, percentiles_within_1pct_of_sort)
{
	size_t n = getenv("XL_UNDER_VALGRIND") ? 5000 : 300000, i;
	uint64_t *v = malloc(n * sizeof(*v));
	struct xl_hist *h = xl_hist_create();
	unsigned int d, k;

	cr_assert(v && h);
	for (d = 0; d < sizeof(dists) / sizeof(dists[0]); d++) {
		long double sum = 0;

		xl_hist_reset(h);
		for (i = 0; i < n; i++) {
			v[i] = dists[d].gen();
			sum += v[i];
			xl_hist_record(h, v[i]);
		}
		qsort(v, n, sizeof(*v), cmp);
		cr_assert_eq(h->count, n);
		cr_assert_eq(xl_hist_percentile(h, 0), v[0], "%s: min", dists[d].name);
		cr_assert_eq(xl_hist_percentile(h, 100), v[n - 1], "%s: max", dists[d].name);
		for (k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
			uint64_t want = sorted_pct(v, n, pcts[k]);
			uint64_t got = xl_hist_percentile(h, pcts[k]);

			cr_assert(rel_err(got, want) <= 0.01, "%s: p%g = %llu, sort says %llu",
				  dists[d].name, pcts[k], (unsigned long long)got,
				  (unsigned long long)want);
		}
		cr_assert(rel_err((uint64_t)xl_hist_mean(h), (uint64_t)(sum / n)) < 1e-6,
			  "%s: mean", dists[d].name);
	}
	xl_hist_destroy(h);
	free(v);
}

Test(lat_hist, every_value_lands_in_a_narrow_bucket)
{
	unsigned int i, b, prev = 0, n = getenv("XL_UNDER_VALGRIND") ? 20000 : 200000;
	uint64_t low, width, v;

	for (i = 0; i < n; i++) {
		v = rnd() >> (i % 64);
		b = xl_hist_bucket_of(v);
		cr_assert_lt(b, XL_HIST_BUCKETS);
		low = xl_hist_bucket_low(b, &width);
		cr_assert(v >= low && v - low < width, "v=%llu bucket [%llu,+%llu)",
			  (unsigned long long)v, (unsigned long long)low,
			  (unsigned long long)width);
		cr_assert(width == 1 || (double)width / (double)low <= 1.0 / XL_HIST_SUB_COUNT);
	}
	cr_assert_eq(xl_hist_bucket_of(UINT64_MAX), XL_HIST_BUCKETS - 1);
	/* bucket order is value order */
	for (b = 1; b < XL_HIST_BUCKETS; b++) {
		low = xl_hist_bucket_low(b, &width);
		cr_assert_gt(low, xl_hist_bucket_low(prev, NULL));
		cr_assert_eq(xl_hist_bucket_of(low), b);
		prev = b;
	}
}

Test(lat_hist, merge_equals_recording_everything)
{
	struct xl_hist *a = xl_hist_create(), *b = xl_hist_create(), *all = xl_hist_create();
	unsigned int i;

	cr_assert(a && b && all);
	for (i = 0; i < 50000; i++) {
		uint64_t v = gen_latency();

		xl_hist_record(i % 3 ? a : b, v);
		xl_hist_record(all, v);
	}
	xl_hist_record_n(a, 123456, 7);
	xl_hist_record_n(all, 123456, 7);
	xl_hist_merge(a, b);
	cr_assert_eq(a->count, all->count);
	cr_assert_eq(a->min, all->min);
	cr_assert_eq(a->max, all->max);
	cr_assert_arr_eq(a->buckets, all->buckets, sizeof(a->buckets));
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		cr_assert_eq(xl_hist_percentile(a, pcts[i]), xl_hist_percentile(all, pcts[i]));
	xl_hist_destroy(a);
	xl_hist_destroy(b);
	xl_hist_destroy(all);
}

Test(lat_hist, empty_histogram_reports_zero)
{
	struct xl_hist *h = xl_hist_create();

	cr_assert(h);
	cr_assert_eq(xl_hist_percentile(h, 50), 0);
	cr_assert_eq(xl_hist_mean(h), 0.0);
	xl_hist_record(h, 42);
	cr_assert_eq(xl_hist_percentile(h, 0), 42);
	cr_assert_eq(xl_hist_percentile(h, 50), 42);
	cr_assert_eq(xl_hist_percentile(h, 100), 42);
	xl_hist_destroy(h);
	xl_hist_destroy(NULL);
}
