/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal layout of libxlane-pool: the pool and cache structs, the opts helpers and the error
 * helpers. Nothing here is installed. Every non-static symbol starts with xl_ (static linking has
 * no visibility protection) and is hidden from the shared library.
 */
#ifndef XL_POOL_INTERNAL_H
#define XL_POOL_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlane/pool.h>

#include "ring.h"

#define XL_CACHE_LINE 64
#define XL_HUGE_2M (2UL << 20)
#define XL_SMALL_PAGE 4096UL

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Largest number of objects in one pool. */
#define XL_POOL_MAX_OBJS (1U << 30)

/* Objects per chunk when put_bulk must filter objects (checked mode) on the stack. */
#define XL_CHECK_CHUNK 64U

#define offsetofend(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* True when the caller's opts struct is big enough to hold FIELD. */
#define XL_OPTS_HAS(opts, FIELD)                                                                   \
	((opts) && (opts)->sz >= offsetofend(__typeof__(*(opts)), FIELD))

/* FIELD of the caller's opts, or DEF when absent or 0 (0 always means "default"). */
#define XL_OPTS_GET(opts, FIELD, DEF)                                                              \
	(XL_OPTS_HAS(opts, FIELD) && (opts)->FIELD ? (opts)->FIELD : (DEF))

/* 0 when the opts struct is usable: sz covers at least sz, and any tail we do not know is 0. */
int xl_opts_check(const void *opts, size_t user_sz, size_t our_sz);

#define XL_OPTS_VALID(opts, TYPE)                                                                  \
	(!(opts) || xl_opts_check((opts), (opts)->sz, offsetofend(struct TYPE, TYPE##__last_field)) == 0)

/* Set errno from a -errno (or 0) and return it: the only conversion at the public boundary. */
static inline int xl_err(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

/* NULL with errno set from a -errno. */
static inline void *xl_err_ptr(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

/* Single-writer counter bump: the owner thread only, read by others with relaxed loads. */
static inline void xl_counter_add(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

/* Misuse kinds in checked mode; also the index of each counter in xl_pool.misuse[]. */
enum xl_misuse_kind {
	XL_MISUSE_DOUBLE_PUT = 0,
	XL_MISUSE_FOREIGN,
	XL_MISUSE_MISALIGNED,
	XL_MISUSE_MAX,
};

/*
 * A per-thread cache. Its first member is the public struct xl_pool_cache_fast (pool.h), which the
 * inline fast path reads and writes; the rest is private. One thread writes it; xl_pool_stats()
 * reads len and the counters from any thread with relaxed atomic loads, and every write of those
 * is a relaxed atomic store (no read-modify-write: single writer).
 */
struct xl_pool_cache {
	struct xl_pool_cache_fast f; /* then 2 * size slots (a refill overshoots by n) */
};

/*
 * The rest of a cache, after its slots (at xl_cache_priv()): read by the slow path and the stats
 * only, so the inline path's word and the slots stay together.
 */
struct xl_cache_priv {
	_Atomic uint64_t misses;    /* get calls that went to the ring */
	_Atomic uint64_t get_fails; /* get calls not served in full */
	unsigned int slow_len;      /* slow: the length (f.state's length stays 0) */
	unsigned int flushthresh;   /* a put that would pass this flushes first (f.flushthresh: 0 if slow) */
	bool slow;                  /* every call out of line (checked mode, poisoning) */
	struct xl_pool_cache *next; /* pool's list, under pool->lock */
	struct xl_pool_cache **pprev;
};

static inline struct xl_cache_priv *xl_cache_priv(const struct xl_pool_cache *c)
{
	return (struct xl_cache_priv *)(void *)&xl_pool_cache_objs(&((struct xl_pool_cache *)c)->f)[2 * c->f.size];
}

static inline uint64_t xl_cache_state(const struct xl_pool_cache *c)
{
	return __atomic_load_n(&c->f.state, __ATOMIC_RELAXED);
}

static inline uint64_t xl_cache_hits(const struct xl_pool_cache *c)
{
	return xl_cache_state(c) >> XL_POOL_CACHE_LEN_BITS;
}

static inline unsigned int xl_cache_len(const struct xl_pool_cache *c)
{
	const struct xl_cache_priv *p = xl_cache_priv(c);

	if (p->slow)
		return __atomic_load_n(&p->slow_len, __ATOMIC_RELAXED);
	return (unsigned int)(xl_cache_state(c) & XL_POOL_CACHE_LEN_MASK);
}

/* Owner only. */
static inline void xl_cache_set_len(struct xl_pool_cache *c, unsigned int len)
{
	struct xl_cache_priv *p = xl_cache_priv(c);

	if (p->slow) {
		__atomic_store_n(&p->slow_len, len, __ATOMIC_RELAXED);
		return;
	}
	__atomic_store_n(&c->f.state, (xl_cache_state(c) & ~XL_POOL_CACHE_LEN_MASK) | len,
			 __ATOMIC_RELAXED);
}

/* Owner only: one more get call served by the cache alone. */
static inline void xl_cache_note_hit(struct xl_pool_cache *c)
{
	__atomic_store_n(&c->f.state, xl_cache_state(c) + (1ULL << XL_POOL_CACHE_LEN_BITS),
			 __ATOMIC_RELAXED);
}

struct xl_pool {
	/* Read-only after create, read on every call. */
	char *region;
	size_t region_bytes;
	struct xl_ring *ring;
	_Atomic uint8_t *state; /* checked mode: per-object state, see misuse.h */
	unsigned int n_objs;
	unsigned int obj_size;
	unsigned int headroom;
	unsigned int stride;
	unsigned int stride_shift; /* log2(stride) when a power of two (> 1), else 0 */
	unsigned int flags;
	unsigned int cache_size;
	bool checked;
	bool poison;

	/* Placement result, for xl_pool_info(). */
	size_t page_size;
	size_t map_bytes; /* what to munmap */
	enum xl_pages pages;
	int node;
	int node_verified;
	bool locked;
	bool prefaulted;

	/* Rarely written counters, away from the read-mostly line. */
	alignas(XL_CACHE_LINE) _Atomic uint64_t high_water;
	_Atomic uint64_t direct_get_fails; /* get calls with cache == NULL not served in full */
	_Atomic uint64_t misuse[XL_MISUSE_MAX];

	/* Cache list and the counters of destroyed caches; under lock. */
	pthread_mutex_t lock;
	struct xl_pool_cache *caches;
	uint64_t retired_hits;
	uint64_t retired_misses;
	uint64_t retired_get_fails;
};

/* cache.c: unlink a cache and fold its counters into the pool's; pool->lock held */
void xl_cache_retire(struct xl_pool_cache *cache);

/* stats.c */
/* Raises the high-water mark to @out (objects outside the ring) if above it. */
void xl_stats_note_out(struct xl_pool *pool, uint64_t out);
/* Copies an output struct (info, stats) up to the caller's sz, zeroing a bigger caller's tail. */
int xl_copy_out(void *dst, const void *src, size_t our_sz);

#endif /* XL_POOL_INTERNAL_H */
