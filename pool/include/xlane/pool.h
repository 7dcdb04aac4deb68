/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file pool.h
 * @brief libxlane-pool: a NUMA-aware, fixed-size object pool over ONE contiguous region.
 *
 * **Model.** A pool is @c n objects of @c obj_size bytes carved from one contiguous,
 * page-aligned memory region. Because the region is contiguous, it can be registered as an
 * AF_XDP UMEM as is, and every object has an address: its byte offset in the region
 * (xl_pool_obj_to_addr()), which is what AF_XDP rings carry. Each object sits in a slot of
 * @c stride bytes: @c headroom bytes reserved before the object, the object, padding.
 * Object i starts at region + i * stride + headroom.
 *
 * **Layout.** stride = headroom + obj_size rounded up to @c align. When headroom + obj_size
 * makes a stride of exactly 2048 or 4096 and neither XL_POOL_F_UMEM_UNALIGNED nor
 * XL_POOL_F_COLOUR is set, the pool is an aligned AF_XDP UMEM: stride is exactly that frame size
 * and the region starts on a page. In any
 * other layout (a general pool, or an unaligned-chunk UMEM), a stride that is a multiple of 1 KiB
 * gets one more cache line ("colouring"), so consecutive objects do not all start in the same L1
 * cache set; XL_POOL_F_NO_COLOUR turns that off. A general pool of 2048- or 4096-byte objects that
 * will never be an aligned UMEM should pass XL_POOL_F_COLOUR: bulk gets of 32+ such objects are
 * about twice as fast coloured. xl_pool_info() reports the stride in force.
 *
 * **Placement.** The region is allocated on a chosen NUMA node, backed by 2 MiB hugepages when it
 * can be, else transparent hugepages, else 4 KiB pages; it is pre-faulted and locked, so get/put and
 * the packet path never page-fault. xl_pool_info() reports what was really obtained.
 *
 * **Concurrency.** Free objects live in a lock-free multi-producer/multi-consumer ring (the shared
 * backing store). A thread may use the ring directly (cache == NULL: thread-safe, one atomic
 * operation per bulk call) or through a per-thread cache it owns (struct xl_pool_cache, like DPDK's
 * per-lcore caches, but an explicit handle: no hidden thread-local state). A cache must be used by
 * one thread at a time. xl_pool_stats() and xl_pool_info() are safe from any thread at any time.
 * xl_pool_create()/xl_pool_destroy() and cache create/destroy are not hot-path calls.
 *
 * **Hot path.** get and put never block, take a lock, allocate or make a system call (one
 * exception: a thread that finds another thread preempted in the middle of a ring operation yields
 * after ~256 spins rather than burn its time slice; threads pinned one per core never see it).
 * A get or put through a cache that the cache can serve runs inline in the caller (see "Inline
 * fast path" below); everything else (refill, flush, no cache, checked mode) is one call into the
 * library.
 *
 * **Checked mode** (XL_POOL_F_CHECKED, or the meson option checked_default): each put is checked
 * against a per-object state byte (n_objs bytes allocated at creation); a double put, a foreign
 * pointer or a misaligned pointer is rejected, counted (xl_pool_stats()) and reported with an
 * error, the other objects of the call are returned, and the pool stays intact. It costs a range
 * check, a division and an atomic exchange per object put and one store per object got; when off,
 * get and put run no check at all (a checked pool's caches are built so that the inline path never
 * serves them: length 0 and flush threshold 0 in struct xl_pool_cache_fast). Default: off (unless
 * built with -Dchecked_default=true). XL_POOL_F_POISON fills objects with 0x6b when they are put.
 * Without checked mode, returning more objects than were taken can only be noticed when the ring
 * is full (-ENOSPC).
 *
 * **Errors.** Functions returning int return 0 (or a count) on success and a negative errno on
 * failure, and set errno. Constructors return NULL and set errno. Nothing here prints.
 *
 * **Naming.** Every symbol is xl_pool_<verb>[_<variant>]; "bulk" means all-or-nothing and
 * "burst" means as many as possible (DPDK's contract).
 */
#ifndef XLANE_POOL_H
#define XLANE_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <xlane/common.h>
#include <xlane/version.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xl_pool;
struct xl_pool_cache;

/** Where the region's memory comes from. 0 is the default. */
enum xl_place {
	XL_PLACE_LOCAL = 0, /**< the NUMA node of the calling CPU */
	XL_PLACE_NODE,	    /**< the node in xl_pool_opts.node */
	XL_PLACE_IFACE, /**< the node of xl_pool_opts.ifname (sysfs numa_node; -1 means local) */
	XL_PLACE_MAX,
};

/** Which pages back the region. 0 is the default. */
enum xl_pages {
	XL_PAGES_AUTO =
		0, /**< 2 MiB hugepages (for regions of 1 MiB or more), else transparent hugepages (2 MiB or more), else 4 KiB */
	XL_PAGES_HUGE,	/**< 2 MiB hugepages (MAP_HUGETLB) or fail */
	XL_PAGES_THP,	/**< transparent hugepages (madvise), 4 KiB where THP is off */
	XL_PAGES_SMALL, /**< 4 KiB pages only */
	XL_PAGES_MAX,
};

/** Default per-thread cache size (xl_pool_opts.cache_size = 0). */
#define XL_POOL_CACHE_DEFAULT 256U
/** Largest per-thread cache. */
#define XL_POOL_CACHE_MAX 1024U

/** xl_pool_opts.flags */
enum xl_pool_flags {
	XL_POOL_F_CHECKED = 1U << 0,	 /**< detect double put, foreign and misaligned pointers */
	XL_POOL_F_POISON = 1U << 1,	 /**< fill freed objects with 0x6b (implies nothing else) */
	XL_POOL_F_NO_LOCK = 1U << 2,	 /**< do not mlock the region (still pre-faulted) */
	XL_POOL_F_NO_PREFAULT = 1U << 3, /**< do not touch the pages at creation */
	XL_POOL_F_UMEM_UNALIGNED =
		1U << 4, /**< AF_XDP unaligned chunk mode: any stride, colouring allowed */
	XL_POOL_F_NO_COLOUR =
		1U << 5, /**< never pad the stride to spread objects over cache sets */
	XL_POOL_F_COLOUR =
		1U
		<< 6, /**< a general pool: colour even a 2048/4096 stride (then not an aligned UMEM) */
};

/**
 * Options of xl_pool_create(). Declare with XL_OPTS(xl_pool_opts, o, ...).
 * Every field's 0 means its default.
 */
struct xl_pool_opts {
	size_t sz;		 /**< sizeof(struct xl_pool_opts), set by XL_OPTS() */
	enum xl_place placement; /**< default XL_PLACE_LOCAL */
	int node;		 /**< with XL_PLACE_NODE: the node */
	const char *ifname;	 /**< with XL_PLACE_IFACE: the interface */
	enum xl_pages pages;	 /**< default XL_PAGES_AUTO */
	unsigned int flags;	 /**< XL_POOL_F_* */
	unsigned int
		headroom; /**< bytes reserved before each object, a multiple of align; default 0 */
	unsigned int align; /**< object alignment, a power of two up to 4096; default 64 */
	unsigned int
		cache_size; /**< size of caches made by xl_pool_cache_create(ptr, 0); default 256, max XL_POOL_CACHE_MAX */
	size_t : 0;
};
#define xl_pool_opts__last_field cache_size

/** What a pool really obtained; filled up to the caller's @c sz. */
struct xl_pool_info {
	size_t sz;	     /**< caller sets sizeof(struct xl_pool_info) */
	void *region;	     /**< start of the contiguous region (page-aligned) */
	size_t region_bytes; /**< length of the region */
	size_t page_size;    /**< page size backing it: 2 MiB, or 4096 */
	enum xl_pages
		pages;	   /**< XL_PAGES_HUGE, XL_PAGES_THP or XL_PAGES_SMALL: what was obtained */
	int node;	   /**< the node asked for after resolution (-1: no NUMA) */
	int node_verified; /**< the node the pages really sit on (move_pages on up to 64 pages spread over the region), -1 if unknown, not faulted in or mixed */
	unsigned int n_objs;   /**< objects in the pool */
	unsigned int obj_size; /**< usable bytes per object */
	unsigned int headroom; /**< bytes before each object */
	unsigned int stride;   /**< bytes from one slot to the next */
	unsigned int flags;    /**< the XL_POOL_F_* in force */
	int locked;	       /**< 1 if mlock() succeeded */
	int prefaulted;	       /**< 1 if every page was touched at creation */
};

/**
 * Counters, readable from any thread at any time; filled up to the caller's @c sz.
 *
 * Precision: in_use, in_ring and in_caches are exact when no get/put runs; under traffic they are
 * a snapshot that can be off by the objects of the calls in flight (they are not read at one
 * instant, and no shared counter is written on the fast path). in_use + in_ring + in_caches ==
 * n_objs always. high_water is the peak number of objects outside the shared ring (in use, or
 * parked in caches), sampled after every ring dequeue and at every xl_pool_stats() call: without
 * caches it is the in_use peak; with caches it is an upper bound of the in_use peak, above it by at
 * most what the caches held then. The call counters are exact once the calls have returned;
 * cache_hits is kept per cache modulo 2^52 (XL_POOL_CACHE_LEN_BITS below take 12 of 64 bits:
 * about 52 days of one hit per nanosecond through one cache before it wraps).
 */
struct xl_pool_stats {
	size_t sz;	     /**< caller sets sizeof(struct xl_pool_stats) */
	uint64_t in_use;     /**< objects held by users: n_objs - in_ring - in_caches */
	uint64_t high_water; /**< peak of objects outside the ring (see above) */
	uint64_t in_ring;    /**< objects in the shared ring */
	uint64_t in_caches;  /**< objects in per-thread caches */
	uint64_t cache_hits; /**< get calls served from a cache alone */
	uint64_t
		cache_misses; /**< get calls through a cache that went to the ring (refill, or bigger than the cache) */
	uint64_t
		get_fails; /**< get calls (bulk or burst, with or without cache) that could not be served in full */
	uint64_t misuse_double_put; /**< checked mode: objects put while already free */
	uint64_t misuse_foreign;    /**< checked mode: pointers not from this pool */
	uint64_t misuse_misaligned; /**< checked mode: pointers inside the pool but not an object */
};

/**
 * @brief **xl_pool_create()** allocates, places, pre-faults and locks a pool of @p n objects of
 * @p obj_size bytes.
 * @param n number of objects (>= 1)
 * @param obj_size usable bytes per object (>= 1). For an aligned AF_XDP UMEM, pass 2048 or 4096
 * with headroom 0 and the stride equals the frame size.
 * @param opts options, or NULL for every default
 * @return the pool, or NULL with errno set: EINVAL (bad opts or sizes: an opts @c sz below
 * sizeof(size_t) or a bigger struct with a non-zero tail, unknown flags or enum values, headroom
 * not a multiple of align, node set without XL_PLACE_NODE, ifname without XL_PLACE_IFACE),
 * ENODEV (no such NUMA node or interface), ENOMEM (no memory, or not enough free 2 MiB hugepages
 * with XL_PAGES_HUGE), EPERM (the region cannot be locked: over RLIMIT_MEMLOCK without
 * CAP_IPC_LOCK; XL_POOL_F_NO_LOCK skips locking), EAGAIN (mlock could not lock it all)
 *
 * Every object starts in the shared ring. Nothing stays allocated when creation fails.
 */
XL_API struct xl_pool *xl_pool_create(unsigned int n, unsigned int obj_size,
				      const struct xl_pool_opts *opts);

/**
 * @brief **xl_pool_destroy()** frees the pool. Accepts NULL.
 * @return the number of objects still out (leaked) at destruction, 0 if none; caches not
 * destroyed first count their objects as leaked, and are freed with the pool (their handles must
 * not be used again).
 */
XL_API int xl_pool_destroy(struct xl_pool *pool);

/**
 * @brief **xl_pool_cache_flush()** returns every object the cache holds to the ring. Call it
 * from the cache's thread (or when that thread is idle). Accepts NULL.
 */
XL_API void xl_pool_cache_flush(struct xl_pool_cache *cache);

/** @brief **xl_pool_cache_destroy()** flushes and frees the cache. Accepts NULL. */
XL_API void xl_pool_cache_destroy(struct xl_pool_cache *cache);

/**
 * @brief **xl_pool_get_slow()** is the out-of-line half of xl_pool_get_bulk() and
 * xl_pool_get_burst(): it serves every request the inline fast path does not (cache refills,
 * no cache, checked mode, bad arguments). Call those instead.
 * @param burst 0: all or nothing (bulk); 1: as many as possible (burst)
 * @return as xl_pool_get_bulk() when @p burst is 0, as xl_pool_get_burst() when it is 1
 */
XL_API int xl_pool_get_slow(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
			    unsigned int n, int burst);

/**
 * @brief **xl_pool_put_slow()** is the out-of-line half of xl_pool_put_bulk() (flushes, no cache,
 * checked mode and poisoning, bad arguments). Call xl_pool_put_bulk() instead.
 * @return as xl_pool_put_bulk()
 */
XL_API int xl_pool_put_slow(struct xl_pool *pool, struct xl_pool_cache *cache, void *const *objs,
			    unsigned int n);

/**
 * @brief **xl_pool_cache_create_layout()** is xl_pool_cache_create() with the cache layout the
 * caller's inline fast path was compiled for. Call xl_pool_cache_create() instead.
 * @return the cache, or NULL with errno set: EPROTO when @p layout or @p fast_size differ from
 * the library's (headers and library from different versions), else as xl_pool_cache_create()
 */
XL_API struct xl_pool_cache *xl_pool_cache_create_layout(struct xl_pool *pool, unsigned int size,
							 unsigned int layout, size_t fast_size);

/*
 * ---- Inline fast path: ABI, layout version XL_POOL_CACHE_LAYOUT ----
 *
 * A get or put that a per-thread cache can serve is a short copy loop, and a function call would
 * cost as much as the work at small bulk sizes (measured: 9 ns vs 3 ns per object at bulk 1), so
 * that part is inline, as in DPDK. It reads only the fields of struct xl_pool_cache_fast, which
 * is the first member of every struct xl_pool_cache. This is the only part of the pool's layout
 * that is ABI: changing it bumps XL_POOL_CACHE_LAYOUT, and xl_pool_cache_create() refuses (EPROTO)
 * a library built with another layout. Never read or write these fields yourself.
 */

/** Version of struct xl_pool_cache_fast, checked by xl_pool_cache_create(). */
#define XL_POOL_CACHE_LAYOUT 3U

/** Bits of xl_pool_cache_fast.state that hold the cache's length (the rest count hits). */
#define XL_POOL_CACHE_LEN_BITS 12U
/** Mask of the length in xl_pool_cache_fast.state (a cache holds at most 2 x XL_POOL_CACHE_MAX). */
#define XL_POOL_CACHE_LEN_MASK ((1ULL << XL_POOL_CACHE_LEN_BITS) - 1)

/**
 * The fields of a cache that the inline fast path uses. Private: use the functions.
 *
 * state packs the cache's length (low XL_POOL_CACHE_LEN_BITS bits) and its count of get calls
 * served from the cache alone (the high bits), so a hit reads and writes one word. A cache whose
 * calls must all go out of line (checked mode, poisoning) keeps its length elsewhere: its state
 * length is always 0 and its flushthresh is 0, so the inline path never serves it.
 */
struct xl_pool_cache_fast {
	struct xl_pool *pool; /**< the cache's pool (checked out of line) */
	uint64_t state;	      /**< length | hits << XL_POOL_CACHE_LEN_BITS (one writer) */
	unsigned int size;    /**< refills fill to this; larger requests bypass the cache */
	unsigned int
		flushthresh; /**< a put that would pass this goes out of line (flush); 0: always */
	/* followed by the cached objects, LIFO: xl_pool_cache_objs(c)[len - 1] is the top (no
	 * flexible array member: the header also compiles as ISO C++). The struct is one cache line,
	 * so the slots start on the next: 8 consecutive slots never straddle two lines, and the
	 * vector copies of a bulk get or put stay within lines. */
} __attribute__((aligned(64)));

/** The cached objects, right after struct xl_pool_cache_fast. Private. */
static inline void **xl_pool_cache_objs(struct xl_pool_cache_fast *c)
{
	return (void **)(void *)(c + 1);
}

/**
 * @brief **xl_pool_cache_create()** makes a per-thread cache over @p pool.
 * @param size objects a refill brings the cache to; 0 takes xl_pool_opts.cache_size. The cache
 * may hold up to 1.5 x size: a put that would pass that first returns the cache's oldest objects
 * to the ring, keeping the most recently used, so that it holds size objects after the put (a
 * put bigger than size goes to the ring itself); gets bigger than size bypass the cache.
 * @return the cache, or NULL with errno set (EINVAL: NULL pool or size > XL_POOL_CACHE_MAX;
 * ENOMEM; EPROTO: headers and library disagree on the cache layout)
 *
 * Objects parked in caches are not available to other caches: a get can fail while other
 * threads' caches hold objects. Flush or destroy idle caches.
 */
static inline struct xl_pool_cache *xl_pool_cache_create(struct xl_pool *pool, unsigned int size)
{
	return xl_pool_cache_create_layout(pool, size, XL_POOL_CACHE_LAYOUT,
					   sizeof(struct xl_pool_cache_fast));
}

/**
 * Copies @p n object pointers: fixed 8-pointer copies (a few vector moves, each block loaded and
 * stored before the next), then a plain loop kept scalar (the empty asm hides the trip count, so
 * the compiler adds no vector set-up and no overlap checks that cost more than a few pointers'
 * copy). Not memcpy(): for 16 to 32 pointers it loads the whole array before storing any of it,
 * so one load that waits on the caller's store to an object at the same 4 KiB page offset (4K
 * aliasing) held up the whole copy: a get/put cycle of 32 ran at half to three quarters of its
 * usual speed for some placements of the caller's array (scripts/pool-bench.sh, README).
 */
static inline void xl_pool_copy_ptrs(void **dst, void *const *src, unsigned int n)
{
	unsigned int i = 0;

	if (n >= 8) {
		if (n >= 16) {
			for (; i + 8 <= n; i += 8) {
				__builtin_memcpy(dst + i, src + i, 8 * sizeof(void *));
				__asm__("" : "+r"(i));
			}
			for (; i < n; i++) {
				dst[i] = src[i];
				__asm__("" : "+r"(i));
			}
			return;
		}
		/* fixed size: a few vector moves, no call */
		__builtin_memcpy(dst, src, 8 * sizeof(void *));
		i = 8;
	}
	for (; i < n; i++) {
		dst[i] = src[i];
		__asm__("" : "+r"(i));
	}
}

/*
 * Fast-path eligibility (xl_pool_fast_ok). By default the inline path trusts that @p cache belongs to @p pool and
 * that @p objs is valid (as DPDK does): it reads nothing but the cache. A cache of a checked or
 * poisoning pool never runs inline, so there a cache of another pool, a NULL pool or NULL objs
 * is always caught (-EINVAL). Define XL_POOL_INLINE_CHECKS before including this header to have
 * the inline path check them too, whatever the pool's mode.
 */
#ifdef XL_POOL_INLINE_CHECKS
#define XL_POOL_FAST_OK(c, pool, objs) ((c) && (c)->pool == (pool) && (objs))
#else
#define XL_POOL_FAST_OK(c, pool, objs) ((void)(pool), (void)(objs), (c))
#endif

/**
 * @brief **xl_pool_get_bulk()** takes exactly @p n objects, or none.
 * @param cache the calling thread's cache, or NULL to use the shared ring directly
 * @return 0, or -ENOBUFS with nothing taken (counted in get_fails), -EINVAL on bad arguments
 * (NULL pool, NULL objs with n > 0, a cache of another pool: with a cache, caught only when the
 * inline path does not serve the call, i.e. always for a cache of a checked or poisoning pool or
 * with XL_POOL_INLINE_CHECKS, see xl_pool_fast_ok below); n == 0 returns 0
 */
static inline int xl_pool_get_bulk(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
				   unsigned int n)
{
	struct xl_pool_cache_fast *c = (struct xl_pool_cache_fast *)(void *)cache;
	uint64_t st;
	unsigned int len;

	if (__builtin_expect(!!XL_POOL_FAST_OK(c, pool, objs), 1)) {
		st = __atomic_load_n(&c->state, __ATOMIC_RELAXED);
		len = (unsigned int)(st & XL_POOL_CACHE_LEN_MASK);
		if (__builtin_expect(n - 1 < len, 1)) { /* 1 <= n <= len: a hit */
			xl_pool_copy_ptrs(objs, &xl_pool_cache_objs(c)[len - n], n);
			__atomic_store_n(&c->state, st - n + (1ULL << XL_POOL_CACHE_LEN_BITS),
					 __ATOMIC_RELAXED);
			return 0;
		}
	}
	return xl_pool_get_slow(pool, cache, objs, n, 0);
}

/**
 * @brief **xl_pool_get_burst()** takes up to @p n objects.
 * @return how many were taken (0..n; fewer than n counts in get_fails), or -EINVAL on bad
 * arguments
 */
static inline int xl_pool_get_burst(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
				    unsigned int n)
{
	struct xl_pool_cache_fast *c = (struct xl_pool_cache_fast *)(void *)cache;
	uint64_t st;
	unsigned int len;

	if (__builtin_expect(!!XL_POOL_FAST_OK(c, pool, objs), 1)) {
		st = __atomic_load_n(&c->state, __ATOMIC_RELAXED);
		len = (unsigned int)(st & XL_POOL_CACHE_LEN_MASK);
		if (__builtin_expect(n - 1 < len, 1)) { /* 1 <= n <= len: a hit */
			xl_pool_copy_ptrs(objs, &xl_pool_cache_objs(c)[len - n], n);
			__atomic_store_n(&c->state, st - n + (1ULL << XL_POOL_CACHE_LEN_BITS),
					 __ATOMIC_RELAXED);
			return (int)n;
		}
	}
	return xl_pool_get_slow(pool, cache, objs, n, 1);
}

/**
 * @brief **xl_pool_put_bulk()** returns @p n objects.
 * @return 0; in checked mode, objects that fail a check are skipped and counted, the rest are
 * returned, and the call returns the first problem found: -EALREADY (a double put), -EINVAL
 * (foreign or misaligned). -EINVAL on bad arguments as for get. -ENOSPC when the pool already
 * holds every object (more objects returned than taken, possible only without checked mode):
 * nothing from that call is kept.
 */
static inline int xl_pool_put_bulk(struct xl_pool *pool, struct xl_pool_cache *cache,
				   void *const *objs, unsigned int n)
{
	struct xl_pool_cache_fast *c = (struct xl_pool_cache_fast *)(void *)cache;
	uint64_t st;
	unsigned int len;

	if (__builtin_expect(!!XL_POOL_FAST_OK(c, pool, objs), 1)) {
		st = __atomic_load_n(&c->state, __ATOMIC_RELAXED);
		len = (unsigned int)(st & XL_POOL_CACHE_LEN_MASK);
		/* flushthresh <= size + size / 2 < 2 x size slots bounds n too (n <= flushthresh) */
		if (__builtin_expect(len + n <= c->flushthresh, 1)) {
			xl_pool_copy_ptrs(&xl_pool_cache_objs(c)[len], objs, n);
			__atomic_store_n(&c->state, st + n, __ATOMIC_RELAXED);
			return 0;
		}
	}
	return xl_pool_put_slow(pool, cache, objs, n);
}

/** @brief **xl_pool_get()** takes one object. @return it, or NULL with errno ENOBUFS */
static inline void *xl_pool_get(struct xl_pool *pool, struct xl_pool_cache *cache)
{
	void *obj = (void *)0;

	if (xl_pool_get_bulk(pool, cache, &obj, 1))
		return (void *)0;
	return obj;
}

/** @brief **xl_pool_put()** returns one object. @return as xl_pool_put_bulk() */
static inline int xl_pool_put(struct xl_pool *pool, struct xl_pool_cache *cache, void *obj)
{
	return xl_pool_put_bulk(pool, cache, &obj, 1);
}

/**
 * @brief **xl_pool_obj_to_addr()** gives the object's byte offset in the region (slot start +
 * headroom): its AF_XDP frame address. O(1).
 * @return the offset, or UINT64_MAX when @p obj is outside the region (or @p pool is NULL:
 * errno EINVAL)
 */
XL_API uint64_t xl_pool_obj_to_addr(const struct xl_pool *pool, const void *obj);

/**
 * @brief **xl_pool_addr_to_obj()** gives the object whose slot holds offset @p addr (any byte of
 * the slot, e.g. an RX descriptor's address). O(1).
 * @return the object, or NULL with errno ERANGE when @p addr is past the region
 */
XL_API void *xl_pool_addr_to_obj(const struct xl_pool *pool, uint64_t addr);

/**
 * @brief **xl_pool_region()** gives the contiguous region (what to register as a UMEM).
 * @param len if not NULL, receives the region's length
 */
XL_API void *xl_pool_region(const struct xl_pool *pool, size_t *len);

/**
 * @brief **xl_pool_info()** fills @p info up to info->sz (a bigger struct gets its unknown tail
 * zeroed).
 * @return 0, or -EINVAL (NULL argument, info->sz < sizeof(size_t))
 */
XL_API int xl_pool_info(const struct xl_pool *pool, struct xl_pool_info *info);

/**
 * @brief **xl_pool_stats()** fills @p stats up to stats->sz; safe from any thread at any time (it
 * takes the pool's cache-list lock, which only cache create/destroy also take).
 * @return 0, or -EINVAL (NULL argument, stats->sz < sizeof(size_t))
 */
XL_API int xl_pool_stats(const struct xl_pool *pool, struct xl_pool_stats *stats);

/**
 * @brief **xl_pool_iface_node()** reads the NUMA node of network interface @p ifname.
 * @return the node (>= 0), -1 when the device has no node (virtual devices such as lo or veth,
 * or numa_node -1), or -ENODEV (no such interface) / -EINVAL (bad name), with errno set
 */
XL_API int xl_pool_iface_node(const char *ifname);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_POOL_H */
