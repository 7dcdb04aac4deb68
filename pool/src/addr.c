/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UMEM addressing. Object i starts at region + i * stride + headroom, so an object's address (its
 * byte offset in the region, what AF_XDP descriptors carry) and back are O(1): a subtraction, and
 * a shift (power-of-two stride) or one division.
 */
#include <stdint.h>

#include "internal.h"
#include "misuse.h"

XL_API uint64_t xl_pool_obj_to_addr(const struct xl_pool *pool, const void *obj)
{
	uintptr_t p = (uintptr_t)obj, base;

	if (unlikely(!pool)) {
		errno = EINVAL;
		return UINT64_MAX;
	}
	base = (uintptr_t)pool->region;
	if (unlikely(p < base || p - base >= pool->region_bytes))
		return UINT64_MAX;
	return p - base;
}

static inline uint64_t slot_of(const struct xl_pool *pool, uint64_t off)
{
	if (pool->stride_shift)
		return off >> pool->stride_shift;
	return off / pool->stride;
}

XL_API void *xl_pool_addr_to_obj(const struct xl_pool *pool, uint64_t addr)
{
	uint64_t slot;

	if (unlikely(!pool)) {
		errno = EINVAL;
		return NULL;
	}
	slot = slot_of(pool, addr);
	if (unlikely(slot >= pool->n_objs)) {
		errno = ERANGE;
		return NULL;
	}
	return pool->region + slot * pool->stride + pool->headroom;
}

XL_API void *xl_pool_region(const struct xl_pool *pool, size_t *len)
{
	if (!pool) {
		if (len)
			*len = 0;
		errno = EINVAL;
		return NULL;
	}
	if (len)
		*len = pool->region_bytes;
	return pool->region;
}

int xl_addr_classify(const struct xl_pool *pool, const void *obj, unsigned int *idx)
{
	uintptr_t p = (uintptr_t)obj, base = (uintptr_t)pool->region;
	uint64_t off, slot;

	if (p < base || p - base >= pool->region_bytes)
		return -1 - XL_MISUSE_FOREIGN;
	off = p - base;
	if (off < pool->headroom)
		return -1 - XL_MISUSE_MISALIGNED;
	off -= pool->headroom;
	slot = slot_of(pool, off);
	if (slot >= pool->n_objs || off != slot * pool->stride)
		return -1 - XL_MISUSE_MISALIGNED;
	*idx = (unsigned int)slot;
	return 0;
}
