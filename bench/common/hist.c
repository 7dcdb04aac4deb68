// SPDX-License-Identifier: BSD-2-Clause
/* Log-linear histogram: see hist.h for the bucket layout and the error bound. */
#include "hist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct xl_hist *xl_hist_create(void)
{
	struct xl_hist *h = malloc(sizeof(*h));

	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	xl_hist_reset(h);
	return h;
}

void xl_hist_destroy(struct xl_hist *h)
{
	free(h);
}

void xl_hist_reset(struct xl_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t xl_hist_bucket_low(unsigned int b, uint64_t *width)
{
	unsigned int shift;

	if (b < 2u * XL_HIST_SUB_COUNT) {
		if (width)
			*width = 1;
		return b;
	}
	shift = b / XL_HIST_SUB_COUNT - 1;
	if (width)
		*width = 1ull << shift;
	return (uint64_t)(b - shift * XL_HIST_SUB_COUNT) << shift;
}

void xl_hist_record_n(struct xl_hist *h, uint64_t v, uint64_t n)
{
	if (!n)
		return;
	h->buckets[xl_hist_bucket_of(v)] += n;
	h->count += n;
	h->sum += (long double)v * (long double)n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void xl_hist_merge(struct xl_hist *dst, const struct xl_hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	for (i = 0; i < XL_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* the value reported for bucket b: its midpoint, clamped to what was really seen */
static uint64_t bucket_value(const struct xl_hist *h, unsigned int b)
{
	uint64_t width, v = xl_hist_bucket_low(b, &width);

	v += (width - 1) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

uint64_t xl_hist_percentile(const struct xl_hist *h, double p)
{
	uint64_t rank, seen = 0;
	unsigned int b;

	if (!h->count)
		return 0;
	if (p <= 0.0)
		return h->min;
	if (p >= 100.0)
		return h->max;
	/* the small epsilon keeps 99.9 % of 1000 at rank 999 despite binary rounding */
	rank = (uint64_t)ceil(p / 100.0 * (double)h->count - 1e-9);
	if (rank < 1)
		rank = 1;
	for (b = 0; b < XL_HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank)
			return bucket_value(h, b);
	}
	return h->max;
}

double xl_hist_mean(const struct xl_hist *h)
{
	return h->count ? (double)(h->sum / (long double)h->count) : 0.0;
}

int xl_hist_foreach_bucket(const struct xl_hist *h,
			   int (*fn)(uint64_t value, uint64_t count, uint64_t cumulative,
				     void *ctx),
			   void *ctx)
{
	uint64_t cum = 0;
	unsigned int b;
	int ret;

	for (b = 0; b < XL_HIST_BUCKETS; b++) {
		if (!h->buckets[b])
			continue;
		cum += h->buckets[b];
		ret = fn(bucket_value(h, b), h->buckets[b], cum, ctx);
		if (ret)
			return ret;
	}
	return 0;
}
