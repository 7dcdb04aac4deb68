/* SPDX-License-Identifier: BSD-2-Clause */
/* Checked mode: each misuse is rejected, counted by exactly one, and the pool stays whole. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xlane/pool.h>

#include "helpers.h"

#define N 64

static struct xl_pool *pool;

static void setup_checked(void)
{
	XL_OPTS(xl_pool_opts, o, .flags = XL_POOL_F_CHECKED, .headroom = 64);

	pool = xl_pool_create(N, 200, &o);
	cr_assert_not_null(pool, "create: %s", strerror(errno));
}

static void teardown(void)
{
	xl_pool_destroy(pool);
}

TestSuite(pool_misuse, .init = setup_checked, .fini = teardown);

/* After any misuse: exactly N distinct objects can be taken, then none. */
static void assert_pool_whole(void)
{
	void *objs[N + 1];

	cr_assert_eq(xl_pool_get_bulk(pool, NULL, objs, N), 0, "pool lost objects");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++)
			cr_assert_neq(objs[i], objs[j], "object duplicated by a misuse");
	cr_assert_eq(xl_pool_get_bulk(pool, NULL, objs + N, 1), -ENOBUFS, "pool gained objects");
	cr_assert_eq(xl_pool_put_bulk(pool, NULL, objs, N), 0);
}

Test(pool_misuse, double_put_is_reported)
{
	struct xl_pool_stats s0 = pool_stats(pool), s;
	void *obj = xl_pool_get(pool, NULL);

	cr_assert_not_null(obj);
	cr_expect_eq(xl_pool_put(pool, NULL, obj), 0);
	errno = 0;
	cr_expect_eq(xl_pool_put(pool, NULL, obj), -EALREADY);
	cr_expect_eq(errno, EALREADY);
	s = pool_stats(pool);
	cr_expect_eq(s.misuse_double_put - s0.misuse_double_put, 1);
	cr_expect_eq(s.misuse_foreign - s0.misuse_foreign, 0);
	cr_expect_eq(s.misuse_misaligned - s0.misuse_misaligned, 0);
	cr_expect_eq(s.in_ring, N);
	assert_pool_whole();
}

Test(pool_misuse, double_put_through_a_cache_is_reported)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 8);
	uint64_t d0 = pool_stats(pool).misuse_double_put;
	void *obj;

	cr_assert_not_null(cache);
	obj = xl_pool_get(pool, cache);
	cr_assert_not_null(obj);
	cr_expect_eq(xl_pool_put(pool, cache, obj), 0);
	cr_expect_eq(xl_pool_put(pool, cache, obj), -EALREADY, "still in the cache: free");
	cr_expect_eq(pool_stats(pool).misuse_double_put - d0, 1);
	xl_pool_cache_destroy(cache);
	assert_pool_whole();
}

Test(pool_misuse, foreign_pointer_is_reported)
{
	struct xl_pool_stats s0 = pool_stats(pool), s;
	char *heap = malloc(256);
	int on_stack;

	cr_assert_not_null(heap);
	errno = 0;
	cr_expect_eq(xl_pool_put(pool, NULL, heap), -EINVAL);
	cr_expect_eq(errno, EINVAL);
	cr_expect_eq(xl_pool_put(pool, NULL, &on_stack), -EINVAL);
	s = pool_stats(pool);
	cr_expect_eq(s.misuse_foreign - s0.misuse_foreign, 2);
	cr_expect_eq(s.misuse_double_put - s0.misuse_double_put, 0);
	cr_expect_eq(s.misuse_misaligned - s0.misuse_misaligned, 0);
	free(heap);
	assert_pool_whole();
}

Test(pool_misuse, misaligned_pointer_is_reported)
{
	struct xl_pool_stats s0 = pool_stats(pool), s;
	struct xl_pool_info i = pool_info(pool);
	char *obj = xl_pool_get(pool, NULL);

	cr_assert_not_null(obj);
	cr_expect_eq(xl_pool_put(pool, NULL, obj + 1), -EINVAL);
	cr_expect_eq(xl_pool_put(pool, NULL, obj - i.headroom), -EINVAL, "slot start, not object");
	cr_expect_eq(xl_pool_put(pool, NULL, i.region), -EINVAL, "region start is headroom");
	cr_expect_eq(xl_pool_put(pool, NULL, (char *)i.region + i.region_bytes - 1), -EINVAL,
		     "past the last object, inside the region");
	s = pool_stats(pool);
	cr_expect_eq(s.misuse_misaligned - s0.misuse_misaligned, 4);
	cr_expect_eq(s.misuse_foreign - s0.misuse_foreign, 0);
	cr_expect_eq(s.misuse_double_put - s0.misuse_double_put, 0);
	cr_expect_eq(s.in_use, 1, "the object itself is still out");
	cr_expect_eq(xl_pool_put(pool, NULL, obj), 0);
	assert_pool_whole();
}

Test(pool_misuse, bad_objects_are_skipped_and_the_rest_returned)
{
	struct xl_pool_stats s0 = pool_stats(pool), s;
	void *good[2], *mixed[5];
	int x;

	cr_assert_eq(xl_pool_get_bulk(pool, NULL, good, 2), 0);
	mixed[0] = good[0];
	mixed[1] = good[0]; /* double */
	mixed[2] = &x;      /* foreign */
	mixed[3] = (char *)good[1] + 8; /* misaligned */
	mixed[4] = good[1];
	cr_expect_eq(xl_pool_put_bulk(pool, NULL, mixed, 5), -EALREADY, "first problem reported");
	s = pool_stats(pool);
	cr_expect_eq(s.misuse_double_put - s0.misuse_double_put, 1);
	cr_expect_eq(s.misuse_foreign - s0.misuse_foreign, 1);
	cr_expect_eq(s.misuse_misaligned - s0.misuse_misaligned, 1);
	cr_expect_eq(s.in_ring, N, "both good objects went back");
	assert_pool_whole();
}

Test(pool_misuse, poison_fills_freed_objects)
{
	XL_OPTS(xl_pool_opts, o, .flags = XL_POOL_F_POISON);
	struct xl_pool *p = xl_pool_create(8, 300, &o);
	struct xl_pool_cache *cache = xl_pool_cache_create(p, 4);
	unsigned char *obj, *again;

	cr_assert(p && cache);
	obj = xl_pool_get(p, cache);
	cr_assert_not_null(obj);
	memset(obj, 0, 300);
	cr_assert_eq(xl_pool_put(p, cache, obj), 0);
	again = xl_pool_get(p, cache); /* the cache is LIFO: same object */
	cr_assert_eq(again, obj);
	for (int i = 0; i < 300; i++)
		cr_assert_eq(obj[i], 0x6b, "byte %d not poisoned", i);
	cr_assert_eq(xl_pool_put(p, cache, obj), 0);
	xl_pool_cache_destroy(cache);
	cr_expect_eq(xl_pool_destroy(p), 0);
}

Test(pool_misuse, no_poison_keeps_contents)
{
	struct xl_pool_cache *cache = xl_pool_cache_create(pool, 4);
	unsigned char *obj;

	cr_assert_not_null(cache);
	obj = xl_pool_get(pool, cache);
	cr_assert_not_null(obj);
	memset(obj, 0x11, 200);
	cr_assert_eq(xl_pool_put(pool, cache, obj), 0);
	cr_assert_eq(xl_pool_get(pool, cache), obj);
	cr_expect_eq(obj[0], 0x11);
	cr_expect_eq(obj[199], 0x11);
	cr_assert_eq(xl_pool_put(pool, cache, obj), 0);
	xl_pool_cache_destroy(cache);
}

Test(pool_misuse, destroy_reports_leaked_objects)
{
	struct xl_pool *p = xl_pool_create(32, 64, NULL);
	struct xl_pool_cache *cache = xl_pool_cache_create(p, 8);
	void *objs[5], *one;

	cr_assert(p && cache);
	cr_assert_eq(xl_pool_get_bulk(p, NULL, objs, 5), 0);
	cr_assert_not_null(one = xl_pool_get(p, cache)); /* leaves 8 parked in the cache */
	cr_assert_eq(pool_stats(p).in_caches, 8);
	/* 5 + 1 out, 8 in a cache never destroyed: 14 leaked; the cache is freed with the pool */
	cr_expect_eq(xl_pool_destroy(p), 14);
}

Test(pool_misuse, destroy_after_clean_use_reports_zero)
{
	struct xl_pool *p = xl_pool_create(32, 64, NULL);
	struct xl_pool_cache *cache = xl_pool_cache_create(p, 8);
	void *objs[5];

	cr_assert(p && cache);
	cr_assert_eq(xl_pool_get_bulk(p, cache, objs, 5), 0);
	cr_assert_eq(xl_pool_put_bulk(p, cache, objs, 5), 0);
	xl_pool_cache_destroy(cache);
	cr_expect_eq(xl_pool_destroy(p), 0);
}

Test(pool_misuse, checked_flag_is_reported_by_info)
{
	cr_expect(pool_info(pool).flags & XL_POOL_F_CHECKED);
}
