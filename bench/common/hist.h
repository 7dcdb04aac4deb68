/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file hist.h
 * @brief Log-linear (HDR-style) latency histogram for the benchmarks.
 *
 * Model: a value v (an unsigned 64-bit count, nanoseconds in the latency harness) falls in a
 * bucket. Values below 2^(XL_HIST_SUB_BITS + 1) each have their own bucket (exact). Above that,
 * every power-of-two range [2^k, 2^(k+1)) is split into 2^XL_HIST_SUB_BITS equal sub-buckets, so a
 * bucket is never wider than 1/128 of its lower bound. Percentiles report the bucket midpoint,
 * clamped to the exact minimum and maximum seen, so the relative error is at most 1/256 (0.4 %),
 * well inside the 1 % the harness promises. Every 64-bit value is representable.
 *
 * Thread-safety: none; one histogram per thread, combine with xl_hist_merge().
 * Hot path: xl_hist_record() is a few shifts and an increment: no allocation, lock or syscall.
 * The histogram is a fixed-size struct (about 60 KiB): allocate it once with xl_hist_create().
 */
#ifndef XL_BENCH_HIST_H
#define XL_BENCH_HIST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XL_HIST_SUB_BITS  7
#define XL_HIST_SUB_COUNT (1u << XL_HIST_SUB_BITS)
/* exact buckets [0, 2*SUB) plus SUB buckets for each shift 1..(63 - SUB_BITS) */
#define XL_HIST_BUCKETS ((64 - XL_HIST_SUB_BITS) * XL_HIST_SUB_COUNT + XL_HIST_SUB_COUNT)

struct xl_hist {
	uint64_t count;			   /**< values recorded */
	uint64_t min;			   /**< exact minimum (UINT64_MAX when empty) */
	uint64_t max;			   /**< exact maximum (0 when empty) */
	long double sum;		   /**< exact sum, for the mean */
	uint64_t buckets[XL_HIST_BUCKETS]; /**< counts per bucket */
};

/**
 * @brief **xl_hist_create()** allocates an empty histogram.
 * @return the histogram, or NULL with errno set (ENOMEM).
 */
struct xl_hist *xl_hist_create(void);

/** @brief **xl_hist_destroy()** frees a histogram; NULL is accepted. */
void xl_hist_destroy(struct xl_hist *h);

/** @brief **xl_hist_reset()** empties a histogram in place. */
void xl_hist_reset(struct xl_hist *h);

/** @brief **xl_hist_bucket_of()** maps a value to its bucket index (0 .. XL_HIST_BUCKETS-1). */
static inline unsigned int xl_hist_bucket_of(uint64_t v)
{
	unsigned int msb, shift;

	if (v < (2u * XL_HIST_SUB_COUNT))
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	shift = msb - XL_HIST_SUB_BITS;
	return shift * XL_HIST_SUB_COUNT + (unsigned int)(v >> shift);
}

/**
 * @brief **xl_hist_bucket_low()** is the smallest value of bucket @p b.
 * @param b bucket index, below XL_HIST_BUCKETS.
 * @param width if not NULL, receives the bucket width (1 for the exact buckets).
 */
uint64_t xl_hist_bucket_low(unsigned int b, uint64_t *width);

/** @brief **xl_hist_record()** adds one value. Never fails. */
static inline void xl_hist_record(struct xl_hist *h, uint64_t v)
{
	h->buckets[xl_hist_bucket_of(v)]++;
	h->count++;
	h->sum += (long double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/** @brief **xl_hist_record_n()** adds @p n copies of one value. */
void xl_hist_record_n(struct xl_hist *h, uint64_t v, uint64_t n);

/** @brief **xl_hist_merge()** adds every value of @p src to @p dst. */
void xl_hist_merge(struct xl_hist *dst, const struct xl_hist *src);

/**
 * @brief **xl_hist_percentile()** returns the value at percentile @p p.
 * @param p in [0, 100]; the value of rank ceil(p/100 * count) (1-based; 0 gives the minimum,
 *          100 the maximum), as a sort of the raw values would give, within the error above.
 * @return the value, or 0 for an empty histogram.
 */
uint64_t xl_hist_percentile(const struct xl_hist *h, double p);

/** @brief **xl_hist_mean()** returns the exact mean, or 0 for an empty histogram. */
double xl_hist_mean(const struct xl_hist *h);

/**
 * @brief **xl_hist_foreach_bucket()** visits every non-empty bucket in value order.
 * @param fn called with the bucket's representative value, its count and the cumulative count up
 *           to and including it; a non-zero return stops the walk and is returned.
 * @return 0, or the first non-zero value @p fn returned.
 */
int xl_hist_foreach_bucket(const struct xl_hist *h,
			   int (*fn)(uint64_t value, uint64_t count, uint64_t cumulative,
				     void *ctx),
			   void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* XL_BENCH_HIST_H */
