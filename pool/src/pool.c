/* SPDX-License-Identifier: BSD-2-Clause */
/* Pool lifecycle: opts validation, layout (stride, colouring), creation, destruction, info. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "misuse.h"
#include "numa.h"
#include "placement.h"
#include "ring.h"

#define XL_POOL_F_ALL                                                                              \
	(XL_POOL_F_CHECKED | XL_POOL_F_POISON | XL_POOL_F_NO_LOCK | XL_POOL_F_NO_PREFAULT |       \
	 XL_POOL_F_UMEM_UNALIGNED | XL_POOL_F_NO_COLOUR | XL_POOL_F_COLOUR)

#define XL_ALIGN_DEFAULT 64U
#define XL_ALIGN_MAX 4096U
#define XL_OBJ_SIZE_MAX (1U << 30)

XL_API unsigned int xl_pool_version(void)
{
	return XL_POOL_VERSION_MAJOR << 16 | XL_POOL_VERSION_MINOR;
}

int xl_opts_check(const void *opts, size_t user_sz, size_t our_sz)
{
	const char *p = opts;
	size_t i;

	if (user_sz < sizeof(size_t))
		return -EINVAL;
	/* a newer caller may pass a bigger struct, as long as what we do not know is zero */
	for (i = our_sz; i < user_sz; i++)
		if (p[i])
			return -EINVAL;
	return 0;
}

/* The slot layout of a pool: stride, and whether the colour pad was added. */
static int layout(unsigned int obj_size, unsigned int headroom, unsigned int align,
		  unsigned int flags, unsigned int *stride_out)
{
	uint64_t slot = (uint64_t)headroom + obj_size, stride;
	bool frame;

	if (obj_size == 0 || obj_size > XL_OBJ_SIZE_MAX || headroom > XL_OBJ_SIZE_MAX)
		return -EINVAL;
	if (align == 0 || align > XL_ALIGN_MAX || (align & (align - 1)))
		return -EINVAL;
	/* objects start at slot + headroom: keep that aligned too */
	if (headroom % align)
		return -EINVAL;
	stride = (slot + align - 1) / align * align;
	/*
	 * An aligned AF_XDP UMEM needs stride == frame size (2048 or 4096) exactly; anything
	 * else (a general pool, or an unaligned-chunk UMEM) may be coloured: when slots are a
	 * multiple of 1 KiB apart, every object would start in the same few L1 sets (a 32 KiB
	 * 8-way L1 has 64 sets of 64 bytes, which repeat every 4 KiB), so one more cache line
	 * per slot makes consecutive objects start in different sets.
	 */
	if ((flags & XL_POOL_F_COLOUR) && (flags & XL_POOL_F_NO_COLOUR))
		return -EINVAL;
	frame = !(flags & (XL_POOL_F_UMEM_UNALIGNED | XL_POOL_F_COLOUR)) &&
		(stride == 2048 || stride == 4096);
	if (!frame && !(flags & XL_POOL_F_NO_COLOUR) && stride % 1024 == 0 && align < 1024)
		stride += align > XL_CACHE_LINE ? align : XL_CACHE_LINE;
	if (stride > UINT32_MAX)
		return -EINVAL;
	*stride_out = (unsigned int)stride;
	return 0;
}

static void fill_ring(struct xl_pool *pool)
{
	void *batch[XL_CHECK_CHUNK];
	unsigned int i = 0, k;

	while (i < pool->n_objs) {
		for (k = 0; k < XL_CHECK_CHUNK && i < pool->n_objs; k++, i++)
			batch[k] = pool->region + (size_t)i * pool->stride + pool->headroom;
		xl_ring_enqueue(pool->ring, batch, k, true);
	}
}

XL_API struct xl_pool *xl_pool_create(unsigned int n, unsigned int obj_size,
				      const struct xl_pool_opts *opts)
{
	struct xl_placement pl = { 0 };
	unsigned int flags, headroom, align, cache_size, stride;
	enum xl_place place;
	enum xl_pages pages;
	struct xl_pool *pool;
	size_t bytes;
	int node, err;

	if (!XL_OPTS_VALID(opts, xl_pool_opts))
		return xl_err_ptr(-EINVAL);
	place = XL_OPTS_GET(opts, placement, XL_PLACE_LOCAL);
	pages = XL_OPTS_GET(opts, pages, XL_PAGES_AUTO);
	flags = XL_OPTS_GET(opts, flags, 0U);
	headroom = XL_OPTS_GET(opts, headroom, 0U);
	align = XL_OPTS_GET(opts, align, XL_ALIGN_DEFAULT);
	cache_size = XL_OPTS_GET(opts, cache_size, XL_POOL_CACHE_DEFAULT);
	node = XL_OPTS_GET(opts, node, 0);
#ifdef XL_POOL_CHECKED_DEFAULT
	flags |= XL_POOL_F_CHECKED;
#endif

	if (n == 0 || n > XL_POOL_MAX_OBJS || (unsigned int)place >= XL_PLACE_MAX ||
	    (unsigned int)pages >= XL_PAGES_MAX || (flags & ~XL_POOL_F_ALL) ||
	    cache_size > XL_POOL_CACHE_MAX)
		return xl_err_ptr(-EINVAL);
	/* fields that only mean something with another placement are mistakes, not defaults */
	if ((node && place != XL_PLACE_NODE) ||
	    (XL_OPTS_GET(opts, ifname, NULL) && place != XL_PLACE_IFACE))
		return xl_err_ptr(-EINVAL);
	err = layout(obj_size, headroom, align, flags, &stride);
	if (err)
		return xl_err_ptr(err);
	bytes = (size_t)n * stride;

	node = xl_numa_resolve(place, node, XL_OPTS_GET(opts, ifname, NULL));
	if (node < -1)
		return xl_err_ptr(node);

	pool = aligned_alloc(XL_CACHE_LINE, (sizeof(*pool) + XL_CACHE_LINE - 1) / XL_CACHE_LINE *
						    XL_CACHE_LINE);
	if (!pool)
		return xl_err_ptr(-ENOMEM);
	memset(pool, 0, sizeof(*pool));
	pool->n_objs = n;
	pool->obj_size = obj_size;
	pool->headroom = headroom;
	pool->stride = stride;
	if ((stride & (stride - 1)) == 0)
		pool->stride_shift = (unsigned int)__builtin_ctz(stride);
	pool->flags = flags;
	pool->checked = flags & XL_POOL_F_CHECKED;
	pool->poison = flags & XL_POOL_F_POISON;
	pool->cache_size = cache_size;
	pool->node = node;
	atomic_init(&pool->high_water, 0);
	atomic_init(&pool->direct_get_fails, 0);
	for (int i = 0; i < XL_MISUSE_MAX; i++)
		atomic_init(&pool->misuse[i], 0);

	err = xl_place_region(bytes, node, pages, flags, &pl);
	if (err)
		goto fail_pool;
	pool->region = pl.addr;
	pool->region_bytes = pl.bytes;
	pool->page_size = pl.page_size;
	pool->pages = pl.pages;
	pool->node_verified = pl.node_verified;
	pool->locked = pl.locked;
	pool->prefaulted = pl.prefaulted;

	pool->ring = xl_ring_create(n, node);
	if (!pool->ring) {
		err = -errno;
		goto fail_region;
	}
	if (pool->checked) {
		err = xl_misuse_init(pool);
		if (err)
			goto fail_ring;
	}
	err = pthread_mutex_init(&pool->lock, NULL);
	if (err) {
		err = -err;
		goto fail_misuse;
	}
	fill_ring(pool);
	return pool;

fail_misuse:
	xl_misuse_fini(pool);
fail_ring:
	xl_ring_destroy(pool->ring);
fail_region:
	xl_place_free(&pl);
fail_pool:
	free(pool);
	return xl_err_ptr(err);
}

XL_API int xl_pool_destroy(struct xl_pool *pool)
{
	struct xl_pool_cache *c;
	unsigned int leaked;

	if (!pool)
		return 0;
	/* caches still alive: their objects count as leaked, their memory goes with the pool */
	pthread_mutex_lock(&pool->lock);
	while ((c = pool->caches)) {
		xl_cache_retire(c);
		free(c);
	}
	pthread_mutex_unlock(&pool->lock);
	leaked = pool->n_objs - xl_ring_count(pool->ring);

	pthread_mutex_destroy(&pool->lock);
	xl_misuse_fini(pool);
	xl_ring_destroy(pool->ring);
	munmap(pool->region, pool->region_bytes);
	free(pool);
	return (int)leaked;
}

XL_API int xl_pool_info(const struct xl_pool *pool, struct xl_pool_info *info)
{
	struct xl_pool_info i = { .sz = sizeof(i) };

	if (!pool || !info)
		return xl_err(-EINVAL);
	i.region = pool->region;
	i.region_bytes = pool->region_bytes;
	i.page_size = pool->page_size;
	i.pages = pool->pages;
	i.node = pool->node;
	i.node_verified = pool->node_verified;
	i.n_objs = pool->n_objs;
	i.obj_size = pool->obj_size;
	i.headroom = pool->headroom;
	i.stride = pool->stride;
	i.flags = pool->flags;
	i.locked = pool->locked;
	i.prefaulted = pool->prefaulted;
	return xl_err(xl_copy_out(info, &i, sizeof(i)));
}

XL_API int xl_pool_iface_node(const char *ifname)
{
	int saved = errno, node = xl_numa_iface_node(ifname);

	/* -1 is a result ("no node"), not an error: errno stays as it was */
	if (node < -1)
		return xl_err(node);
	errno = saved;
	return node;
}
