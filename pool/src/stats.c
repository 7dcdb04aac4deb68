/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Statistics. Nothing here runs on the get/put fast path except xl_stats_note_out(), which runs
 * once per ring dequeue (a cache refill, or a cacheless get).
 *
 * Where each number comes from:
 * - in_ring: the ring's tail indices; in_caches: the sum of every live cache's length (relaxed
 *   loads, under pool->lock); in_use = n_objs - in_ring - in_caches. When no get/put is running
 *   these are exact; under traffic each is a snapshot that can be off by the objects of the calls
 *   in flight, since the values are not read at one instant.
 * - high_water: the largest number of objects outside the ring (held by callers or parked in
 *   caches), sampled after every ring dequeue (from the entries that dequeue saw left: no extra load) and
 *   at every xl_pool_stats() call. Without caches
 *   it is the in_use peak; with caches it is an upper bound of it, above by at most what the
 *   caches held at that moment (caches make the in-use peak unobservable without a shared write
 *   on every get, which this pool does not do).
 * - cache_hits / cache_misses / get_fails: per-call counters kept by each cache (single writer,
 *   relaxed), folded into the pool when a cache is destroyed; hits live in the high 52 bits of
 *   the cache's state word next to its length, so the inline hit path writes one word; get_fails also counts failed
 *   cacheless calls. Exact once the calls that incremented them have returned.
 * - misuse_*: exact (atomic increments).
 */
#include <string.h>

#include "internal.h"
#include "ring.h"

void xl_stats_note_out(struct xl_pool *pool, uint64_t out)
{
	uint64_t hw = atomic_load_explicit(&pool->high_water, memory_order_relaxed);

	while (out > hw && !atomic_compare_exchange_weak_explicit(&pool->high_water, &hw, out,
								  memory_order_relaxed,
								  memory_order_relaxed))
		;
}

/* Copies our @src into the caller's @dst up to its sz; zeroes fields we do not know. */
int xl_copy_out(void *dst, const void *src, size_t our_sz)
{
	size_t user_sz = *(const size_t *)dst;

	if (user_sz < sizeof(size_t))
		return -EINVAL;
	memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
	       (user_sz < our_sz ? user_sz : our_sz) - sizeof(size_t));
	if (user_sz > our_sz)
		memset((char *)dst + our_sz, 0, user_sz - our_sz);
	return 0;
}

XL_API int xl_pool_stats(const struct xl_pool *cpool, struct xl_pool_stats *stats)
{
	struct xl_pool *pool = (struct xl_pool *)cpool; /* the lock is not part of the value */
	struct xl_pool_stats s = { .sz = sizeof(s) };
	struct xl_pool_cache *c;
	uint64_t out, hw;

	if (!pool || !stats)
		return xl_err(-EINVAL);

	s.in_ring = xl_ring_count(pool->ring);
	pthread_mutex_lock(&pool->lock);
	s.cache_hits = pool->retired_hits;
	s.cache_misses = pool->retired_misses;
	s.get_fails = pool->retired_get_fails;
	for (c = pool->caches; c; c = xl_cache_priv(c)->next) {
		struct xl_cache_priv *p = xl_cache_priv(c);

		s.in_caches += xl_cache_len(c);
		s.cache_hits += xl_cache_hits(c);
		s.cache_misses += atomic_load_explicit(&p->misses, memory_order_relaxed);
		s.get_fails += atomic_load_explicit(&p->get_fails, memory_order_relaxed);
	}
	pthread_mutex_unlock(&pool->lock);
	s.get_fails += atomic_load_explicit(&pool->direct_get_fails, memory_order_relaxed);

	out = s.in_ring + s.in_caches;
	s.in_use = out < pool->n_objs ? pool->n_objs - out : 0;
	xl_stats_note_out(pool, pool->n_objs - s.in_ring);
	hw = atomic_load_explicit(&pool->high_water, memory_order_relaxed);
	s.high_water = hw > s.in_use ? hw : s.in_use;

	s.misuse_double_put =
		atomic_load_explicit(&pool->misuse[XL_MISUSE_DOUBLE_PUT], memory_order_relaxed);
	s.misuse_foreign = atomic_load_explicit(&pool->misuse[XL_MISUSE_FOREIGN], memory_order_relaxed);
	s.misuse_misaligned =
		atomic_load_explicit(&pool->misuse[XL_MISUSE_MISALIGNED], memory_order_relaxed);

	return xl_err(xl_copy_out(stats, &s, sizeof(s)));
}
