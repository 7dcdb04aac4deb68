/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The multi-thread stress run with its conservation check (stress.h), shared by the Criterion
 * test (test_stress.c) and the ThreadSanitizer driver (tsan_stress.c).
 *
 * Multi-thread stress with a conservation check. N threads get and put random bulk sizes for a
 * bounded time, each through its own cache (or the ring directly). Every object carries an owner
 * word in a side table: a get must find it free and claim it, a put must find it claimed by the
 * putting thread, so an object handed to two holders at once is caught the moment it happens.
 * At the end all caches are flushed and the main thread takes every object once: each index must
 * be seen exactly once (none lost, none duplicated), and the pool must then be empty.
 */
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
#include "stress.h"

#define OBJ_SIZE 64U
#define HOLD_MAX 512 /* objects one thread may hold at once */

struct stress {
	struct xl_pool *pool;
	struct xl_pool_info info;
	_Atomic unsigned int owner[XL_STRESS_OBJS]; /* 0: free, else thread id + 1 */
	_Atomic int errors;
	int use_cache;
	uint64_t deadline_ns;
};

struct worker {
	struct stress *st;
	unsigned int id;
	unsigned int seed;
	uint64_t gets, puts;
	_Atomic uint64_t iters; /* loop turns so far: the watchdog's view of progress */
	_Atomic int phase;	/* enum phase: where the thread is */
	char why[160];
};

enum phase { PH_START, PH_GET, PH_PUT, PH_LOOP, PH_FLUSH, PH_DONE };
static const char *const phase_name[] = {"start", "get", "put", "loop", "flush", "done"};

/* A run that has not ended this long after its deadline is stuck: say where, don't hang. */
#define WATCHDOG_MS 20000U

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

		if (idx >= XL_STRESS_OBJS)
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
	static const unsigned int sizes[] = {1, 1, 2, 8, 8, 32, 32, 64, 64, 100, 300};
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

		atomic_store_explicit(&w->iters, iter, memory_order_relaxed);
		if (rnd(w, 16) == 0) {
			/* empty calls: a zero-length ring put once published a tail it never
			 * reserved and could wait forever for a tail another producer had passed */
			atomic_store_explicit(&w->phase, PH_PUT, memory_order_relaxed);
			if (xl_pool_put_bulk(st->pool, cache, held, 0) != 0 ||
			    xl_pool_get_bulk(st->pool, cache, held + nheld, 0) != 0 ||
			    xl_pool_get_burst(st->pool, cache, held + nheld, 0) != 0) {
				fail(w, "a zero-length call did not return 0", 0, 0);
				break;
			}
		} else if (rnd(w, 2) == 0 && nheld + n <= HOLD_MAX) {
			int got;

			atomic_store_explicit(&w->phase, PH_GET, memory_order_relaxed);

			if (rnd(w, 2)) {
				got = xl_pool_get_bulk(st->pool, cache, held + nheld, n) == 0
					      ? (int)n
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
			atomic_store_explicit(&w->phase, PH_PUT, memory_order_relaxed);
			if (xl_pool_put_bulk(st->pool, cache, held + at, k) != 0) {
				fail(w, "put_bulk failed", 0, (unsigned int)errno);
				break;
			}
			memmove(held + at, held + at + k, (nheld - at - k) * sizeof(held[0]));
			nheld -= k;
			w->puts += k;
		}
		atomic_store_explicit(&w->phase, PH_LOOP, memory_order_relaxed);
	}
	atomic_store_explicit(&w->phase, PH_FLUSH, memory_order_relaxed);
	if (release(w, held, nheld) == 0 && xl_pool_put_bulk(st->pool, cache, held, nheld) != 0)
		fail(w, "final put_bulk failed", 0, (unsigned int)errno);
	xl_pool_cache_destroy(cache); /* flushes */
	atomic_store_explicit(&w->phase, PH_DONE, memory_order_relaxed);
	return NULL;
}

/*
 * Joins @tid, or, when the run is WATCHDOG_MS past its deadline, fills res->why with every
 * thread's phase and progress and the pool's counts, and returns -1 (the threads are left
 * running: the caller fails the test instead of hanging until an outside timeout).
 */
static int join_or_report(struct stress *st, struct worker *w, int started, pthread_t tid,
			  struct xl_stress_result *res)
{
	uint64_t limit = st->deadline_ns + WATCHDOG_MS * 1000000ULL;
	struct timespec ts;
	struct xl_pool_stats s;
	size_t off;

	clock_gettime(CLOCK_REALTIME, &ts); /* pthread_timedjoin_np's clock */
	ts.tv_sec += (time_t)((limit > now_ns() ? limit - now_ns() : 0) / 1000000000ULL) + 1;
	if (pthread_timedjoin_np(tid, NULL, &ts) == 0)
		return 0;
	s = pool_stats(st->pool);
	off = (size_t)snprintf(res->why, sizeof(res->why),
			       "stuck %u ms past the deadline: ring %u, caches %u, out %u;",
			       WATCHDOG_MS, (unsigned int)s.in_ring, (unsigned int)s.in_caches,
			       (unsigned int)s.in_use);
	for (int i = 0; i < started && off < sizeof(res->why); i++)
		off += (size_t)snprintf(res->why + off, sizeof(res->why) - off, " t%d %s@%llu", i,
					phase_name[atomic_load(&w[i].phase)],
					(unsigned long long)atomic_load(&w[i].iters));
	fprintf(stderr, "stress: %s\n", res->why);
	return -1;
}

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			snprintf(res->why, sizeof(res->why), __VA_ARGS__); \
			goto out;                                          \
		}                                                          \
	} while (0)

int xl_stress_run(int use_cache, unsigned int flags, unsigned int ms, struct xl_stress_result *res)
{
	XL_OPTS(xl_pool_opts, o, .flags = flags);
	struct stress *st = calloc(1, sizeof(*st));
	/* on the heap: a stuck run leaves its threads running, so nothing of theirs is freed */
	struct worker *w = calloc(XL_STRESS_THREADS, sizeof(*w));
	pthread_t tid[XL_STRESS_THREADS];
	void **all = calloc(XL_STRESS_OBJS + 1, sizeof(void *));
	unsigned char *seen = calloc(XL_STRESS_OBJS, 1);
	struct xl_pool_stats s;
	int started = 0, ret = -1;

	memset(res, 0, sizeof(*res));
	CHECK(st && w && all && seen, "out of memory");
	st->pool = xl_pool_create(XL_STRESS_OBJS, OBJ_SIZE, &o);
	CHECK(st->pool, "create: %s", strerror(errno));
	st->info = pool_info(st->pool);
	st->use_cache = use_cache;
	st->deadline_ns = now_ns() + ms * 1000000ULL;
	for (int i = 0; i < XL_STRESS_THREADS; i++) {
		w[i] = (struct worker){
			.st = st, .id = (unsigned int)i, .seed = 0x9e3779b9U * (i + 1)};
		if (pthread_create(&tid[i], NULL, run, &w[i])) {
			atomic_fetch_add(&st->errors, 1); /* the others stop at once */
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++) {
		if (join_or_report(st, w, started, tid[i], res) != 0)
			return -1; /* threads still use st and the pool: leave them be */
		res->gets += w[i].gets;
	}
	CHECK(started == XL_STRESS_THREADS, "pthread_create failed");
	for (int i = 0; i < XL_STRESS_THREADS; i++)
		CHECK(w[i].why[0] == '\0', "%s", w[i].why);
	CHECK(atomic_load(&st->errors) == 0, "%d errors", atomic_load(&st->errors));
	CHECK(res->gets > XL_STRESS_OBJS, "the threads barely ran (%llu gets)",
	      (unsigned long long)res->gets);

	/* conservation: every object back in the ring, each exactly once */
	s = pool_stats(st->pool);
	CHECK(s.in_ring == XL_STRESS_OBJS && s.in_caches == 0 && s.in_use == 0,
	      "after the run: %u in the ring, %u in caches, %u in use (of %u)",
	      (unsigned int)s.in_ring, (unsigned int)s.in_caches, (unsigned int)s.in_use,
	      XL_STRESS_OBJS);
	CHECK(xl_pool_get_bulk(st->pool, NULL, all, XL_STRESS_OBJS) == 0, "objects were lost");
	for (unsigned int i = 0; i < XL_STRESS_OBJS; i++) {
		unsigned int idx = obj_index(st, all[i]);

		CHECK(idx < XL_STRESS_OBJS, "pointer %p outside the pool", all[i]);
		CHECK((char *)all[i] == (char *)st->info.region + st->info.headroom +
						(size_t)idx * st->info.stride,
		      "%p is not an object start", all[i]);
		CHECK(!seen[idx], "object %u twice in the pool", idx);
		seen[idx] = 1;
	}
	CHECK(xl_pool_get_bulk(st->pool, NULL, all + XL_STRESS_OBJS, 1) == -ENOBUFS,
	      "more objects than the pool has");
	CHECK(xl_pool_put_bulk(st->pool, NULL, all, XL_STRESS_OBJS) == 0, "final put failed");
	ret = 0;
out:
	if (st && st->pool && xl_pool_destroy(st->pool) != 0 && !ret) {
		snprintf(res->why, sizeof(res->why), "destroy reported objects still out");
		ret = -1;
	}
	free(seen);
	free(all);
	free(w);
	free(st);
	return ret;
}
