/* SPDX-License-Identifier: BSD-2-Clause */
/* get/put contracts: bulk all-or-nothing, burst counts, singles, exhaustion, cache counters. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <xlane/pool.h>

#include "helpers.h"

#define SENTINEL ((void *)(uintptr_t)0x5a5a5a5a)

static struct xl_pool *pool;

static void setup64(void)
{
	pool = xl_pool_create(64, 64, NULL);
	cr_assert_not_null(pool, "create: %s", strerror(errno));
}

static void teardown(void)
{
	xl_pool_destroy(pool);
}

TestSuite(pool_get_put, .init = setup64, .fini = teardown);

/* Same checks with and without a cache. */
static void bulk_all_or_nothing(struct xl_pool_cache *cache)
{
	void *objs[64], *more[8];
	struct xl_pool_stats s0 = pool_stats(pool), s;

	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs, 60), 0);
	for (int i = 0; i < 8; i++)
		more[i] = SENTINEL;
	errno = 0;
	cr_expect_eq(xl_pool_get_bulk(pool, cache, more, 8), -ENOBUFS);
	cr_expect_eq(errno, ENOBUFS);
	for (int i = 0; i < 8; i++)
		cr_expect_eq(more[i], SENTINEL, "bulk failure wrote objs[%d]", i);
	s = pool_stats(pool);
	cr_expect_eq(s.in_use, 60);
	cr_expect_eq(s.in_use + s.in_ring + s.in_caches, 64);
	cr_expect_eq(s.get_fails - s0.get_fails, 1);
	/* the 4 left are still there: nothing was taken by the failed call */
	cr_expect_eq(xl_pool_get_bulk(pool, cache, more, 4), 0);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs, 60), 0);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, more, 4), 0);
	cr_expect_eq(pool_stats(pool).in_use, 0);
}

Test(pool_get_put, bulk_is_all_or_nothing_without_cache)
{
	bulk_all_or_nothing(NULL);
}

Test(pool_get_put, bulk_is_all_or_nothing_with_cache)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 16);

	cr_assert_not_null(cache);
	bulk_all_or_nothing(cache);
	xl_pool_cache_destroy(cache);
	cr_expect_eq(pool_stats(pool).in_ring, 64, "cache destroy flushes");
}

Test(pool_get_put, burst_returns_what_it_got)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 8);
	void *objs[100];
	uint64_t fails0 = pool_stats(pool).get_fails;

	cr_assert_not_null(cache);
	cr_expect_eq(xl_pool_get_burst(pool, NULL, objs, 50), 50);
	cr_expect_eq(xl_pool_get_burst(pool, cache, objs + 50, 5), 5);
	cr_expect_eq(xl_pool_get_burst(pool, cache, objs + 55, 30), 9, "the last 9 (cache + ring)");
	cr_expect_eq(xl_pool_get_burst(pool, cache, objs + 64, 4), 0);
	cr_expect_eq(xl_pool_get_burst(pool, NULL, objs + 64, 4), 0);
	cr_expect_eq(pool_stats(pool).get_fails - fails0, 3);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs, 64), 0);
	xl_pool_cache_destroy(cache);
	cr_expect_eq(pool_stats(pool).in_ring, 64);
}

Test(pool_get_put, singles_give_distinct_objects_then_null)
{
	void *objs[64];

	for (int i = 0; i < 64; i++) {
		objs[i] = xl_pool_get(pool, NULL);
		cr_assert_not_null(objs[i], "get %d", i);
		for (int j = 0; j < i; j++)
			cr_assert_neq(objs[i], objs[j], "object handed out twice");
		memset(objs[i], 0xa5, 64); /* every byte is usable */
	}
	errno = 0;
	cr_expect_null(xl_pool_get(pool, NULL));
	cr_expect_eq(errno, ENOBUFS);
	for (int i = 0; i < 64; i++)
		cr_expect_eq(xl_pool_put(pool, NULL, objs[i]), 0);
	cr_expect_eq(pool_stats(pool).in_ring, 64);
}

Test(pool_get_put, exhaustion_never_blocks, .timeout = 10)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 32);
	void *objs[64], *x;
	uint64_t fails0;

	cr_assert_not_null(cache);
	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs, 64), 0);
	fails0 = pool_stats(pool).get_fails;
	int tries = under_valgrind() ? 2000 : 100000;

	for (int i = 0; i < tries; i++)
		cr_assert_eq(xl_pool_get_bulk(pool, i & 1 ? cache : NULL, &x, 1), -ENOBUFS);
	cr_expect_eq(pool_stats(pool).get_fails - fails0, (uint64_t)tries);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs, 64), 0);
	xl_pool_cache_destroy(cache);
}

Test(pool_get_put, cache_hit_and_miss_counters_move_by_exact_deltas)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 16);
	struct xl_pool_stats s0, s;
	void *objs[64], *got[21];

	cr_assert_not_null(cache);
	s0 = pool_stats(pool);
	/* empty cache: a miss that refills to size (16) after serving 1 */
	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs, 1), 0);
	s = pool_stats(pool);
	cr_expect_eq(s.cache_misses - s0.cache_misses, 1);
	cr_expect_eq(s.cache_hits - s0.cache_hits, 0);
	cr_expect_eq(s.in_caches, 16);
	cr_expect_eq(s.in_use, 1);
	/* 16 cached: two hits of 8 */
	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs + 1, 8), 0);
	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs + 9, 8), 0);
	s = pool_stats(pool);
	cr_expect_eq(s.cache_hits - s0.cache_hits, 2);
	cr_expect_eq(s.cache_misses - s0.cache_misses, 1);
	cr_expect_eq(s.in_caches, 0);
	/* bigger than the cache: straight from the ring, counted as a miss */
	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs + 17, 20), 0);
	s = pool_stats(pool);
	cr_expect_eq(s.cache_misses - s0.cache_misses, 2);
	cr_expect_eq(s.in_caches, 0);
	cr_expect_eq(s.in_use, 37);
	/* put 37 into a cache of 16: flush threshold 24 */
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs, 20), 0);
	cr_expect_eq(pool_stats(pool).in_caches, 20, "0 + 20 <= 24: a put stays in the cache");
	/* 20 + 12 > 24: the 16 oldest go to the ring first, the 4 newest stay: 16 after the put */
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs + 20, 12), 0);
	s = pool_stats(pool);
	cr_expect_eq(s.in_caches, 16);
	cr_expect_eq(s.in_ring, 64 - 37 + 16);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs + 32, 5), 0);
	s = pool_stats(pool);
	cr_expect_eq(s.in_caches, 21, "16 + 5 <= 24: no flush");
	/*
	 * The top 16 (a get copies them in array order) are objs[21..36]; below them the 4 the flush
	 * kept, objs[16..19] (the newest of that cache), and objs[20]: objs[0..15] went to the ring.
	 */
	cr_assert_eq(xl_pool_get_bulk(pool, cache, got, 16), 0);
	cr_assert_eq(xl_pool_get_bulk(pool, cache, got + 16, 5), 0);
	for (int i = 0; i < 16; i++)
		cr_expect_eq(got[i], objs[21 + i], "get %d: objs[%d] expected", i, 21 + i);
	for (int i = 0; i < 5; i++)
		cr_expect_eq(got[16 + i], objs[16 + i], "get %d: objs[%d] expected", 16 + i,
			     16 + i);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, got, 16), 0);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, got + 16, 5), 0);
	cr_expect_eq(xl_pool_get_bulk(pool, cache, objs, 10), 0);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs, 10), 0);
	cr_expect_eq(pool_stats(pool).in_caches, 21);
	cr_expect_eq(xl_pool_get_bulk(pool, NULL, objs, 10), 0);
	cr_expect_eq(xl_pool_put_bulk(pool, cache, objs, 10), 0);
	s = pool_stats(pool);
	cr_expect_eq(s.in_caches, 16, "21 + 10 > 24: the 15 oldest flushed first, 6 + 10 kept");
	cr_expect_eq(s.in_use, 0);
	cr_expect_eq(s.cache_hits - s0.cache_hits, 5);
	xl_pool_cache_flush(cache);
	cr_expect_eq(pool_stats(pool).in_ring, 64);
	xl_pool_cache_destroy(cache);
	/* destroyed caches keep counting in the pool's totals */
	s = pool_stats(pool);
	cr_expect_eq(s.cache_hits - s0.cache_hits, 5);
	cr_expect_eq(s.cache_misses - s0.cache_misses, 2);
}

Test(pool_get_put, high_water_without_cache_is_the_in_use_peak)
{
	void *objs[64];

	cr_assert_eq(xl_pool_get_bulk(pool, NULL, objs, 10), 0);
	cr_assert_eq(xl_pool_put_bulk(pool, NULL, objs, 10), 0);
	cr_assert_eq(xl_pool_get_bulk(pool, NULL, objs, 3), 0);
	cr_expect_eq(pool_stats(pool).high_water, 10);
	cr_expect_eq(pool_stats(pool).in_use, 3);
	cr_assert_eq(xl_pool_put_bulk(pool, NULL, objs, 3), 0);
}

Test(pool_get_put, bad_arguments_are_einval)
{
	/*
	 * By default the inline path trusts the cache (see pool.h); a cache of a checked pool always
	 * goes out of line, where a cache of another pool is caught. (test_api_misuse.c checks the
	 * XL_POOL_INLINE_CHECKS build of the inline path with an unchecked pool.)
	 */
	XL_OPTS(xl_pool_opts, o, .flags = XL_POOL_F_CHECKED);
	struct xl_pool *other = xl_pool_create(8, 64, &o);
	struct xl_pool_cache *cache = xl_pool_cache_create(other, 4);
	void *obj;

	cr_assert(other && cache);
	errno = 0;
	cr_expect_eq(xl_pool_get_bulk(NULL, NULL, &obj, 1), -EINVAL);
	cr_expect_eq(errno, EINVAL);
	cr_expect_eq(xl_pool_get_bulk(pool, NULL, NULL, 1), -EINVAL);
	cr_expect_eq(xl_pool_get_burst(pool, cache, &obj, 1), -EINVAL, "cache of another pool");
	cr_expect_eq(xl_pool_put_bulk(pool, cache, &obj, 1), -EINVAL);
	cr_expect_eq(xl_pool_get_bulk(pool, NULL, NULL, 0), 0, "n == 0 is a no-op");
	cr_expect_null(xl_pool_cache_create(pool, XL_POOL_CACHE_MAX + 1));
	cr_expect_eq(errno, EINVAL);
	cr_expect_null(xl_pool_cache_create(NULL, 0));
	cr_expect_eq(pool_stats(pool).in_ring, 64);
	xl_pool_cache_destroy(cache);
	cr_expect_eq(xl_pool_destroy(other), 0);
	xl_pool_cache_destroy(NULL);
	xl_pool_cache_flush(NULL);
	cr_expect_eq(xl_pool_destroy(NULL), 0);
}

Test(pool_get_put, unchecked_overfull_put_is_enospc_and_keeps_the_pool)
{
	void *obj;

	cr_assert_eq(xl_pool_get_bulk(pool, NULL, &obj, 1), 0);
	cr_assert_eq(xl_pool_put_bulk(pool, NULL, &obj, 1), 0);
	/* the ring already holds all 64: a 65th object has nowhere to go */
	errno = 0;
	if (pool_info(pool).flags & XL_POOL_F_CHECKED) {
		/* built with -Dchecked_default=true: caught earlier, as a double put */
		cr_expect_eq(xl_pool_put_bulk(pool, NULL, &obj, 1), -EALREADY);
		cr_expect_eq(errno, EALREADY);
	} else {
		cr_expect_eq(xl_pool_put_bulk(pool, NULL, &obj, 1), -ENOSPC);
		cr_expect_eq(errno, ENOSPC);
	}
	cr_expect_eq(pool_stats(pool).in_ring, 64);
}

Test(pool_get_put, cache_layout_mismatch_is_eproto)
{
	errno = 0;
	cr_expect_null(xl_pool_cache_create_layout(pool, 0, XL_POOL_CACHE_LAYOUT + 1,
						   sizeof(struct xl_pool_cache_fast)));
	cr_expect_eq(errno, EPROTO);
	errno = 0;
	cr_expect_null(xl_pool_cache_create_layout(pool, 0, XL_POOL_CACHE_LAYOUT,
						   sizeof(struct xl_pool_cache_fast) + 8));
	cr_expect_eq(errno, EPROTO);
}

/* The inline fast path and the library agree: hits served inline show in the stats. */
Test(pool_get_put, inline_hits_are_counted_and_conserve_objects)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 32);
	void *objs[8];
	uint64_t hits0 = pool_stats(pool).cache_hits;

	cr_assert_not_null(cache);
	cr_assert_eq(xl_pool_get_bulk(pool, cache, objs, 8), 0); /* miss: refill to 32 */
	for (int i = 0; i < 1000; i++) {
		cr_assert_eq(xl_pool_put_bulk(pool, cache, objs, 8), 0);
		cr_assert_eq(xl_pool_get_burst(pool, cache, objs, 8), 8);
	}
	cr_expect_eq(pool_stats(pool).cache_hits - hits0, 1000);
	cr_expect_eq(pool_stats(pool).in_use, 8);
	cr_assert_eq(xl_pool_put_bulk(pool, cache, objs, 8), 0);
	xl_pool_cache_destroy(cache);
	cr_expect_eq(pool_stats(pool).in_ring, 64);
}
