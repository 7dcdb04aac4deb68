/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multi-thread stress with a conservation check. N threads get and put random bulk sizes for a
 * bounded time, each through its own cache (or the ring directly). Every object carries an owner
 * word in a side table: a get must find it free and claim it, a put must find it claimed by the
 * putting thread, so an object handed to two holders at once is caught the moment it happens.
 * At the end all caches are flushed and the main thread takes every object once: each index must
 * be seen exactly once (none lost, none duplicated), and the pool must then be empty.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlane/pool.h>

#include "helpers.h"

#define NOBJS 4096U
#define OBJ_SIZE 64U
#define NTHREADS 4
#define HOLD_MAX 512 /* objects one thread may hold at once */

struct stress {
	struct xl_pool *pool;
	struct xl_pool_info info;
	_Atomic unsigned int owner[NOBJS]; /* 0: free, else thread id + 1 */
	_Atomic int errors;
	int use_cache;
	uint64_t deadline_ns;
};

struct worker {
	struct stress *st;
	unsigned int id;
	unsigned int seed;
	uint64_t gets, puts;
	char why[160];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned int obj_index(const struct stress *st, void *obj)
{
	return (unsigned int)(((char *)obj - (char *)st->info.region - st->info.headroom) /
			      st->info.stride);
}

static int fail(struct worker *w, const char *what, unsigned int idx, unsigned int seen)
{
	snprintf(w->why, sizeof(w->why), "thread %u: %s (object %u, owner word %u)", w->id, what,
		 idx, seen);
	atomic_fetch_add(&w->st->errors, 1);
	return -1;
}

/* Claims freshly got objects; writes the owner into the object too (its memory is ours). */
static int claim(struct worker *w, void **objs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		unsigned int idx = obj_index(w->st, objs[i]), expect = 0;

		if (idx >= NOBJS)
			return fail(w, "got a pointer outside the pool", idx, 0);
		if (!atomic_compare_exchange_strong(&w->st->owner[idx], &expect, w->id + 1))
			return fail(w, "got an object someone else holds", idx, expect);
		memcpy(objs[i], &w->id, sizeof(w->id));
	}
	return 0;
}

static int release(struct worker *w, void **objs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		unsigned int idx = obj_index(w->st, objs[i]), expect = w->id + 1, tag;

		memcpy(&tag, objs[i], sizeof(tag));
		if (tag != w->id)
			return fail(w, "object content changed while held", idx, tag);
		if (!atomic_compare_exchange_strong(&w->st->owner[idx], &expect, 0))
			return fail(w, "object not held by me at put", idx, expect);
	}
	return 0;
}

static unsigned int rnd(struct worker *w, unsigned int bound)
{
	w->seed = w->seed * 1103515245U + 12345U;
	return (w->seed >> 8) % bound;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;
	static const unsigned int sizes[] = { 1, 1, 2, 8, 8, 32, 32, 64, 64, 100, 300 };
	struct xl_pool_cache *cache = NULL;
	void *held[HOLD_MAX];
	unsigned int nheld = 0, iter = 0;

	if (st->use_cache) {
		cache = xl_pool_cache_create(st->pool, 32U << rnd(w, 4)); /* 32..256 */
		if (!cache) {
			fail(w, "cache_create failed", 0, (unsigned int)errno);
			return NULL;
		}
	}
	while (atomic_load(&st->errors) == 0 && ((++iter & 63) || now_ns() < st->deadline_ns)) {
		unsigned int n = sizes[rnd(w, sizeof(sizes) / sizeof(sizes[0]))];

		if (rnd(w, 2) == 0 && nheld + n <= HOLD_MAX) {
			int got;

			if (rnd(w, 2)) {
				got = xl_pool_get_bulk(st->pool, cache, held + nheld, n) == 0 ? (int)n
											    : 0;
			} else {
				got = xl_pool_get_burst(st->pool, cache, held + nheld, n);
				if (got < 0) {
					fail(w, "get_burst error", 0, (unsigned int)-got);
					break;
				}
			}
			if (claim(w, held + nheld, (unsigned int)got))
				break;
			nheld += (unsigned int)got;
			w->gets += (unsigned int)got;
		} else if (nheld) {
			/* put back a random-sized run from a random position */
			unsigned int k = 1 + rnd(w, n < nheld ? n : nheld);
			unsigned int at = rnd(w, nheld - k + 1);

			if (release(w, held + at, k))
				break;
			if (xl_pool_put_bulk(st->pool, cache, held + at, k) != 0) {
				fail(w, "put_bulk failed", 0, (unsigned int)errno);
				break;
			}
			memmove(held + at, held + at + k, (nheld - at - k) * sizeof(held[0]));
			nheld -= k;
			w->puts += k;
		}
	}
	if (release(w, held, nheld) == 0 && xl_pool_put_bulk(st->pool, cache, held, nheld) != 0)
		fail(w, "final put_bulk failed", 0, (unsigned int)errno);
	xl_pool_cache_destroy(cache); /* flushes */
	return NULL;
}

static unsigned int stress_ms(void)
{
	const char *e = getenv("XL_STRESS_MS");

	if (e && *e)
		return (unsigned int)strtoul(e, NULL, 10);
	return under_valgrind() ? 300 : 2000;
}

static void stress(int use_cache, unsigned int flags)
{
	XL_OPTS(xl_pool_opts, o, .flags = flags);
	struct stress *st = calloc(1, sizeof(*st));
	struct worker w[NTHREADS];
	pthread_t tid[NTHREADS];
	void **all = calloc(NOBJS + 1, sizeof(void *));
	unsigned char *seen = calloc(NOBJS, 1);
	struct xl_pool_stats s;
	uint64_t gets = 0;

	cr_assert(st && all && seen);
	st->pool = xl_pool_create(NOBJS, OBJ_SIZE, &o);
	cr_assert_not_null(st->pool, "create: %s", strerror(errno));
	st->info = pool_info(st->pool);
	st->use_cache = use_cache;
	st->deadline_ns = now_ns() + stress_ms() * 1000000ULL;
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .st = st, .id = (unsigned int)i, .seed = 0x9e3779b9U * (i + 1) };
		cr_assert_eq(pthread_create(&tid[i], NULL, run, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(tid[i], NULL);
		cr_expect_eq(w[i].why[0], '\0', "%s", w[i].why);
		gets += w[i].gets;
	}
	cr_assert_eq(atomic_load(&st->errors), 0);
	cr_log_info("%s%s: %llu objects got and put by %d threads", use_cache ? "caches" : "ring",
		    flags & XL_POOL_F_CHECKED ? " (checked)" : "", (unsigned long long)gets,
		    NTHREADS);
	cr_expect_gt(gets, NOBJS, "the threads barely ran");

	/* conservation: every object back in the ring, each exactly once */
	s = pool_stats(st->pool);
	cr_expect_eq(s.in_ring, NOBJS);
	cr_expect_eq(s.in_caches, 0);
	cr_expect_eq(s.in_use, 0);
	cr_assert_eq(xl_pool_get_bulk(st->pool, NULL, all, NOBJS), 0, "objects were lost");
	for (unsigned int i = 0; i < NOBJS; i++) {
		unsigned int idx = obj_index(st, all[i]);

		cr_assert_lt(idx, NOBJS);
		cr_assert_eq((char *)all[i], (char *)st->info.region + st->info.headroom +
						     (size_t)idx * st->info.stride,
			     "not an object start");
		cr_assert_eq(seen[idx], 0, "object %u twice in the pool", idx);
		seen[idx] = 1;
	}
	cr_assert_eq(xl_pool_get_bulk(st->pool, NULL, all + NOBJS, 1), -ENOBUFS,
		     "more objects than the pool has");
	cr_assert_eq(xl_pool_put_bulk(st->pool, NULL, all, NOBJS), 0);
	cr_expect_eq(xl_pool_destroy(st->pool), 0);
	free(seen);
	free(all);
	free(st);
}

Test(pool_stress, threads_with_caches_conserve_objects, .timeout = 60)
{
	stress(1, 0);
}

Test(pool_stress, threads_on_the_ring_conserve_objects, .timeout = 60)
{
	stress(0, 0);
}

Test(pool_stress, checked_threads_with_caches_conserve_objects, .timeout = 60)
{
	stress(1, XL_POOL_F_CHECKED);
}
