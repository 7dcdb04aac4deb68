/* SPDX-License-Identifier: BSD-2-Clause */
/* Placement of the pool's region: page kind, NUMA binding, pre-faulting, locking, verification. */
#ifndef XL_POOL_PLACEMENT_H
#define XL_POOL_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <xlane/pool.h>

/* What xl_place_region() obtained. */
struct xl_placement {
	void *addr;         /* region start, page aligned */
	size_t bytes;       /* region length: the request rounded up to page_size */
	size_t page_size;   /* 2 MiB (hugetlb or THP) or 4096 */
	enum xl_pages pages; /* XL_PAGES_HUGE, _THP or _SMALL */
	int node_verified;  /* node of the sampled pages (move_pages), -1 if unknown or mixed */
	bool locked;
	bool prefaulted;
};

/*
 * Maps at least @bytes for @want pages (XL_PAGES_AUTO: hugetlb, then THP, then 4 KiB), binds
 * them to @node (-1: no binding), pre-faults and locks them unless XL_POOL_F_NO_PREFAULT /
 * XL_POOL_F_NO_LOCK is in @flags, then checks where the pages are.
 * Returns 0, or -ENOMEM (no memory / hugepages), -EPERM or -EAGAIN (cannot lock), -EINVAL;
 * nothing stays mapped on failure.
 */
int xl_place_region(size_t bytes, int node, enum xl_pages want, unsigned int flags,
		    struct xl_placement *out);

/* Unmaps a region from xl_place_region(). */
void xl_place_free(struct xl_placement *pl);

/* Small page-backed metadata (the ring) bound to @node when >= 0 and pre-faulted; NULL+errno. */
void *xl_meta_alloc(size_t bytes, int node);
void xl_meta_free(void *p, size_t bytes);

#endif /* XL_POOL_PLACEMENT_H */
