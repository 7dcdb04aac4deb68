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
 * **Hot path.** get and put never block, take a lock, allocate or make a system call.
 *
 * **Checked mode** (XL_POOL_F_CHECKED, or the meson option checked_default): each put is checked
 * against a per-object state byte; a double put, a foreign pointer or a misaligned pointer is
 * rejected, counted and reported with an error, and the pool stays intact. It costs one load and
 * one store per object; when off, no check runs. Default: off (unless built with
 * -Dchecked_default=true). XL_POOL_F_POISON fills freed objects with 0x6b.
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
	XL_PLACE_NODE,      /**< the node in xl_pool_opts.node */
	XL_PLACE_IFACE,     /**< the node of xl_pool_opts.ifname (sysfs numa_node; -1 means local) */
	XL_PLACE_MAX,
};

/** Which pages back the region. 0 is the default. */
enum xl_pages {
	XL_PAGES_AUTO = 0, /**< 2 MiB hugepages, else transparent hugepages, else 4 KiB */
	XL_PAGES_HUGE,     /**< 2 MiB hugepages (MAP_HUGETLB) or fail */
	XL_PAGES_THP,      /**< transparent hugepages (madvise), 4 KiB where THP is off */
	XL_PAGES_SMALL,    /**< 4 KiB pages only */
	XL_PAGES_MAX,
};

/** xl_pool_opts.flags */
enum xl_pool_flags {
	XL_POOL_F_CHECKED = 1U << 0,     /**< detect double put, foreign and misaligned pointers */
	XL_POOL_F_POISON = 1U << 1,      /**< fill freed objects with 0x6b (implies nothing else) */
	XL_POOL_F_NO_LOCK = 1U << 2,     /**< do not mlock the region (still pre-faulted) */
	XL_POOL_F_NO_PREFAULT = 1U << 3, /**< do not touch the pages at creation */
	XL_POOL_F_UMEM_UNALIGNED = 1U << 4, /**< AF_XDP unaligned chunk mode: any stride, colouring allowed */
	XL_POOL_F_NO_COLOUR = 1U << 5,   /**< never pad the stride to spread objects over cache sets */
};

/**
 * Options of xl_pool_create(). Declare with XL_OPTS(xl_pool_opts, o, ...).
 * Every field's 0 means its default.
 */
struct xl_pool_opts {
	size_t sz;                 /**< sizeof(struct xl_pool_opts), set by XL_OPTS() */
	enum xl_place placement;   /**< default XL_PLACE_LOCAL */
	int node;                  /**< with XL_PLACE_NODE: the node */
	const char *ifname;        /**< with XL_PLACE_IFACE: the interface */
	enum xl_pages pages;       /**< default XL_PAGES_AUTO */
	unsigned int flags;        /**< XL_POOL_F_* */
	unsigned int headroom;     /**< bytes reserved before each object; default 0 */
	unsigned int align;        /**< object alignment, a power of two; default 64 (cache line) */
	unsigned int cache_size;   /**< default size of caches made by xl_pool_cache_create(); default 256 */
	size_t :0;
};
#define xl_pool_opts__last_field cache_size

/** What a pool really obtained; filled up to the caller's @c sz. */
struct xl_pool_info {
	size_t sz;                  /**< caller sets sizeof(struct xl_pool_info) */
	void *region;               /**< start of the contiguous region (page-aligned) */
	size_t region_bytes;        /**< length of the region */
	size_t page_size;           /**< page size backing it: 2 MiB, or 4096 */
	enum xl_pages pages;        /**< XL_PAGES_HUGE, XL_PAGES_THP or XL_PAGES_SMALL: what was obtained */
	int node;                   /**< the node asked for after resolution (-1: no NUMA) */
	int node_verified;          /**< the node the first page really sits on (move_pages), -1 if unknown */
	unsigned int n_objs;        /**< objects in the pool */
	unsigned int obj_size;      /**< usable bytes per object */
	unsigned int headroom;      /**< bytes before each object */
	unsigned int stride;        /**< bytes from one slot to the next */
	unsigned int flags;         /**< the XL_POOL_F_* in force */
	int locked;                 /**< 1 if mlock() succeeded */
	int prefaulted;             /**< 1 if every page was touched at creation */
};

/** Counters, readable from any thread at any time; filled up to the caller's @c sz. */
struct xl_pool_stats {
	size_t sz;                      /**< caller sets sizeof(struct xl_pool_stats) */
	uint64_t in_use;                /**< objects held by users (not in the ring, not in a cache) */
	uint64_t high_water;            /**< the largest in_use seen */
	uint64_t in_ring;               /**< objects in the shared ring */
	uint64_t in_caches;             /**< objects in per-thread caches */
	uint64_t cache_hits;            /**< gets served from a cache */
	uint64_t cache_misses;          /**< gets that had to refill a cache from the ring */
	uint64_t get_fails;             /**< get calls that could not be served in full */
	uint64_t misuse_double_put;     /**< checked mode: objects put while already free */
	uint64_t misuse_foreign;        /**< checked mode: pointers not from this pool */
	uint64_t misuse_misaligned;     /**< checked mode: pointers inside the pool but not an object */
};

/**
 * @brief **xl_pool_create()** allocates, places, pre-faults and locks a pool of @p n objects of
 * @p obj_size bytes.
 * @param n number of objects (>= 1)
 * @param obj_size usable bytes per object (>= 1). For an aligned AF_XDP UMEM, pass 2048 or 4096
 * with headroom 0 and the stride equals the frame size.
 * @param opts options, or NULL for every default
 * @return the pool, or NULL with errno set: EINVAL (bad opts or sizes), ENODEV (no such NUMA
 * node or interface), ENOMEM (no memory, or not enough hugepages with XL_PAGES_HUGE),
 * EPERM/EAGAIN (the region cannot be locked within RLIMIT_MEMLOCK)
 */
XL_API struct xl_pool *xl_pool_create(unsigned int n, unsigned int obj_size,
				      const struct xl_pool_opts *opts);

/**
 * @brief **xl_pool_destroy()** frees the pool. Accepts NULL.
 * @return the number of objects still out (leaked) at destruction, 0 if none; caches not
 * destroyed first count their objects as leaked.
 */
XL_API int xl_pool_destroy(struct xl_pool *pool);

/**
 * @brief **xl_pool_cache_create()** makes a per-thread cache over @p pool.
 * @param size objects the cache holds at most; 0 takes xl_pool_opts.cache_size
 * @return the cache, or NULL with errno set (EINVAL, ENOMEM)
 */
XL_API struct xl_pool_cache *xl_pool_cache_create(struct xl_pool *pool, unsigned int size);

/** @brief **xl_pool_cache_flush()** returns every object the cache holds to the ring. */
XL_API void xl_pool_cache_flush(struct xl_pool_cache *cache);

/** @brief **xl_pool_cache_destroy()** flushes and frees the cache. Accepts NULL. */
XL_API void xl_pool_cache_destroy(struct xl_pool_cache *cache);

/**
 * @brief **xl_pool_get_bulk()** takes exactly @p n objects, or none.
 * @param cache the calling thread's cache, or NULL to use the shared ring directly
 * @return 0, or -ENOBUFS with nothing taken (counted in get_fails), -EINVAL on bad arguments
 */
XL_API int xl_pool_get_bulk(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
			    unsigned int n);

/**
 * @brief **xl_pool_get_burst()** takes up to @p n objects.
 * @return how many were taken (0..n), or -EINVAL on bad arguments
 */
XL_API int xl_pool_get_burst(struct xl_pool *pool, struct xl_pool_cache *cache, void **objs,
			     unsigned int n);

/**
 * @brief **xl_pool_put_bulk()** returns @p n objects.
 * @return 0; in checked mode, objects that fail a check are skipped and counted, the rest are
 * returned, and the call returns -EALREADY (a double put), -EINVAL (foreign or misaligned)
 */
XL_API int xl_pool_put_bulk(struct xl_pool *pool, struct xl_pool_cache *cache, void *const *objs,
			    unsigned int n);

/** @brief **xl_pool_get()** takes one object. @return it, or NULL with errno ENOBUFS */
static inline void *xl_pool_get(struct xl_pool *pool, struct xl_pool_cache *cache)
{
	void *obj = NULL;

	if (xl_pool_get_bulk(pool, cache, &obj, 1))
		return NULL;
	return obj;
}

/** @brief **xl_pool_put()** returns one object. @return as xl_pool_put_bulk() */
static inline int xl_pool_put(struct xl_pool *pool, struct xl_pool_cache *cache, void *obj)
{
	return xl_pool_put_bulk(pool, cache, &obj, 1);
}

/**
 * @brief **xl_pool_obj_to_addr()** gives the object's byte offset in the region: its AF_XDP
 * frame address. O(1).
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

/** @brief **xl_pool_info()** fills @p info up to info->sz. @return 0 or -EINVAL */
XL_API int xl_pool_info(const struct xl_pool *pool, struct xl_pool_info *info);

/** @brief **xl_pool_stats()** fills @p stats up to stats->sz. @return 0 or -EINVAL */
XL_API int xl_pool_stats(const struct xl_pool *pool, struct xl_pool_stats *stats);

/**
 * @brief **xl_pool_iface_node()** reads the NUMA node of network interface @p ifname.
 * @return the node (>= 0), -1 when the device has no node (virtual devices), or -ENODEV
 */
XL_API int xl_pool_iface_node(const char *ifname);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_POOL_H */
