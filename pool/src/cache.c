/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * get/put and the per-thread caches.
 *
 * A cache is a plain LIFO array of object pointers owned by one thread. A get copies from the top
 * of the array; when the array runs short it is refilled from the ring in one burst, up to
 * `size` objects beyond the request. A put copies onto the top; when that would pass
 * `flushthresh` (1.5 x size), the whole cache goes back to the ring in one bulk first (DPDK's
 * policy). Requests larger than the cache go to the ring directly. So the ring (one CAS on its
 * head, one store on its tail) is touched once per ~size objects, and a hit is a short copy loop.
 *
 * Checked mode and poisoning take a separate, slower put path; unchecked pools never run it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "misuse.h"
#include "ring.h"

/* Dequeue from the ring, noting the new number of objects outside it (high-water mark). */
unsigned int xl_backing_get(struct xl_pool *pool, void **objs, unsigned int n, bool bulk)
{
	unsigned int got = xl_ring_dequeue(pool->ring, objs, n, bulk);

	if (got)
		xl_stats_note_out(pool);
	return got;
}

/* Enqueue all @n or nothing: 0, or -ENOSPC when the ring is full (more puts than gets). */
static inline int backing_put(struct xl_pool *pool, void *const *objs, unsigned int n)
{
	return xl_ring_enqueue(pool->ring, objs, n, true) == n ? 0 : -ENOSPC;
}

static inline void copy_objs(void **dst, void *const *src, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = src[i];
}

/*
 * The get path. Returns how many objects were stored in @objs: 0 or n when @bulk, else 0..n.
 */
static inline unsigned int do_get(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
				  unsigned int n, bool bulk)
{
	unsigned int len, got;

	if (cache == NULL) {
		got = xl_backing_get(pool, objs, n, bulk);
		if (unlikely(got < n))
			atomic_fetch_add_explicit(&pool->direct_get_fails, 1, memory_order_relaxed);
		goto out;
	}

	len = atomic_load_explicit(&cache->len, memory_order_relaxed);
	if (likely(n <= len)) {
		/* hit: hand out the top n (the most recently put, warmest objects) */
		len -= n;
		copy_objs(objs, &cache->objs[len], n);
		atomic_store_explicit(&cache->len, len, memory_order_relaxed);
		xl_counter_add(&cache->hits, 1);
		got = n;
		goto out;
	}

	xl_counter_add(&cache->misses, 1);
	if (unlikely(n > cache->size)) {
		/* bigger than the cache: straight from the ring; the cache tops up a shortfall */
		got = xl_backing_get(pool, objs, n, bulk);
		if (got < n && len) {
			/* here len < n (else it was a hit), and a failed bulk took nothing */
			unsigned int take = n - got < len ? n - got : len;

			if (bulk)
				got = xl_backing_get(pool, objs, n - take, true);
			if (!bulk || got == n - take) {
				len -= take;
				copy_objs(objs + got, &cache->objs[len], take);
				got += take;
				atomic_store_explicit(&cache->len, len, memory_order_relaxed);
			}
		}
	} else {
		/* refill so that, after serving n, the cache holds `size` objects again */
		len += xl_backing_get(pool, &cache->objs[len], cache->size - len + n, false);
		got = len < n ? (bulk ? 0 : len) : n;
		len -= got;
		copy_objs(objs, &cache->objs[len], got);
		atomic_store_explicit(&cache->len, len, memory_order_relaxed);
	}
	if (unlikely(got < n))
		xl_counter_add(&cache->get_fails, 1);
out:
	if (unlikely(pool->checked) && got)
		xl_misuse_mark_out(pool, objs, got);
	return got;
}

/* The put path for objects already checked: 0 or -ENOSPC. */
static inline int do_put(struct xl_pool *pool, struct xl_pool_cache *cache, void *const *objs,
			 unsigned int n)
{
	unsigned int len;

	if (cache == NULL || unlikely(n > cache->size))
		return backing_put(pool, objs, n);

	len = atomic_load_explicit(&cache->len, memory_order_relaxed);
	if (unlikely(len + n > cache->flushthresh)) {
		if (backing_put(pool, cache->objs, len))
			return -ENOSPC;
		len = 0;
	}
	copy_objs(&cache->objs[len], objs, n);
	atomic_store_explicit(&cache->len, len + n, memory_order_relaxed);
	return 0;
}

/* Checked mode and/or poisoning: check, poison and put in chunks of valid objects. */
static int put_slow(struct xl_pool *pool, struct xl_pool_cache *cache, void *const *objs,
		    unsigned int n)
{
	void *ok[XL_CHECK_CHUNK];
	unsigned int i, k = 0;
	int ret = 0, err;

	for (i = 0; i < n; i++) {
		if (pool->checked) {
			err = xl_misuse_check_put(pool, objs[i]);
			if (err) {
				/* the first problem found is the one reported */
				if (!ret)
					ret = err;
				continue;
			}
		}
		if (pool->poison)
			memset(objs[i], XL_POISON_BYTE, pool->obj_size);
		ok[k++] = objs[i];
		if (k == XL_CHECK_CHUNK) {
			err = do_put(pool, cache, ok, k);
			if (err && !ret)
				ret = err;
			k = 0;
		}
	}
	if (k) {
		err = do_put(pool, cache, ok, k);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

static inline bool bad_args(const struct xl_pool *pool, const struct xl_pool_cache *cache,
			    const void *objs, unsigned int n)
{
	return unlikely(!pool || (!objs && n) || (cache && cache->pool != pool));
}

XL_API int xl_pool_get_bulk(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
			    unsigned int n)
{
	if (bad_args(pool, cache, objs, n))
		return xl_err(-EINVAL);
	if (unlikely(n == 0))
		return 0;
	if (unlikely(do_get(pool, cache, objs, n, true) != n))
		return xl_err(-ENOBUFS);
	return 0;
}

XL_API int xl_pool_get_burst(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
			     unsigned int n)
{
	if (bad_args(pool, cache, objs, n))
		return xl_err(-EINVAL);
	if (unlikely(n == 0))
		return 0;
	return (int)do_get(pool, cache, objs, n, false);
}

XL_API int xl_pool_put_bulk(struct xl_pool *pool, struct xl_pool_cache *cache, void *const *objs,
			    unsigned int n)
{
	int err;

	if (bad_args(pool, cache, objs, n))
		return xl_err(-EINVAL);
	if (unlikely(pool->checked || pool->poison))
		err = put_slow(pool, cache, objs, n);
	else
		err = do_put(pool, cache, objs, n);
	return unlikely(err) ? xl_err(err) : 0;
}

XL_API struct xl_pool_cache *xl_pool_cache_create(struct xl_pool *pool, unsigned int size)
{
	struct xl_pool_cache *cache;
	size_t bytes;

	if (!pool)
		return xl_err_ptr(-EINVAL);
	if (size == 0)
		size = pool->cache_size;
	if (size > XL_POOL_CACHE_MAX)
		return xl_err_ptr(-EINVAL);
	/* a refill can overshoot `size` by one request (<= size): 2 x size slots */
	bytes = sizeof(*cache) + 2 * (size_t)size * sizeof(cache->objs[0]);
	bytes = (bytes + XL_CACHE_LINE - 1) / XL_CACHE_LINE * XL_CACHE_LINE;
	cache = aligned_alloc(XL_CACHE_LINE, bytes);
	if (!cache)
		return xl_err_ptr(-ENOMEM);
	memset(cache, 0, sizeof(*cache));
	cache->pool = pool;
	cache->size = size;
	cache->flushthresh = size + size / 2;
	atomic_init(&cache->len, 0);
	atomic_init(&cache->hits, 0);
	atomic_init(&cache->misses, 0);
	atomic_init(&cache->get_fails, 0);

	pthread_mutex_lock(&pool->lock);
	cache->next = pool->caches;
	if (cache->next)
		cache->next->pprev = &cache->next;
	cache->pprev = &pool->caches;
	pool->caches = cache;
	pthread_mutex_unlock(&pool->lock);
	return cache;
}

XL_API void xl_pool_cache_flush(struct xl_pool_cache *cache)
{
	unsigned int len;

	if (!cache)
		return;
	len = atomic_load_explicit(&cache->len, memory_order_relaxed);
	/* the ring holds every object, so this only fails after unchecked double puts */
	if (len && backing_put(cache->pool, cache->objs, len) == 0)
		atomic_store_explicit(&cache->len, 0, memory_order_relaxed);
}

/* Unlinks @cache and folds its counters into the pool's; pool->lock held. */
void xl_cache_retire(struct xl_pool_cache *cache)
{
	struct xl_pool *pool = cache->pool;

	pool->retired_hits += atomic_load_explicit(&cache->hits, memory_order_relaxed);
	pool->retired_misses += atomic_load_explicit(&cache->misses, memory_order_relaxed);
	pool->retired_get_fails += atomic_load_explicit(&cache->get_fails, memory_order_relaxed);
	*cache->pprev = cache->next;
	if (cache->next)
		cache->next->pprev = cache->pprev;
}

XL_API void xl_pool_cache_destroy(struct xl_pool_cache *cache)
{
	struct xl_pool *pool;

	if (!cache)
		return;
	pool = cache->pool;
	xl_pool_cache_flush(cache);
	pthread_mutex_lock(&pool->lock);
	xl_cache_retire(cache);
	pthread_mutex_unlock(&pool->lock);
	free(cache);
}
