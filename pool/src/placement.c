/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Region placement: mmap (MAP_HUGETLB 2 MiB, else THP through madvise, else 4 KiB pages), mbind
 * to the node, touch every page, mlock, and ask the kernel where the pages are (move_pages).
 * Runs at pool creation only.
 */
#include <errno.h>
#include <inttypes.h>
#include <numaif.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "placement.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif

/* Node masks big enough for any kernel's MAX_NUMNODES. */
#define XL_MASK_BITS 4096
#define XL_MASK_WORDS (XL_MASK_BITS / (8 * sizeof(unsigned long)))

/* Pages sampled by the move_pages() check. */
#define XL_VERIFY_SAMPLES 64

static size_t round_up(size_t v, size_t to)
{
	return (v + to - 1) / to * to;
}

static void node_mask(int node, unsigned long *mask)
{
	memset(mask, 0, XL_MASK_WORDS * sizeof(*mask));
	mask[node / (8 * sizeof(*mask))] |= 1UL << (node % (8 * sizeof(*mask)));
}

static int bind_range(void *addr, size_t len, int node)
{
	unsigned long mask[XL_MASK_WORDS];

	if (node < 0)
		return 0;
	node_mask(node, mask);
	/* maxnode counts bits + 1 in the kernel's convention */
	if (mbind(addr, len, MPOL_BIND, mask, XL_MASK_BITS + 1, 0) != 0)
		return -errno;
	return 0;
}

/*
 * hugetlb pages are reserved at mmap() time against the calling thread's memory policy, so bind
 * the thread to @node around the mmap(): the reservation then fails cleanly with ENOMEM when the
 * node lacks free hugepages, instead of a SIGBUS at the first touch.
 */
static void *map_hugetlb(size_t len, int node, int *err)
{
	unsigned long old_mask[XL_MASK_WORDS], mask[XL_MASK_WORDS];
	int old_mode = 0;
	bool rebind = false;
	void *p;

	if (node >= 0 && get_mempolicy(&old_mode, old_mask, XL_MASK_BITS, NULL, 0) == 0) {
		node_mask(node, mask);
		rebind = set_mempolicy(MPOL_BIND, mask, XL_MASK_BITS + 1) == 0;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
	*err = p == MAP_FAILED ? errno : 0;
	if (rebind)
		set_mempolicy(old_mode, old_mode == MPOL_DEFAULT ? NULL : old_mask,
			      old_mode == MPOL_DEFAULT ? 0 : XL_MASK_BITS + 1);
	return p == MAP_FAILED ? NULL : p;
}

/* Maps @len bytes starting on a 2 MiB boundary, so THP can back all of it. */
static void *map_thp_aligned(size_t len)
{
	size_t over = len + XL_HUGE_2M;
	uintptr_t start, aligned;
	char *p;

	p = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = round_up(start, XL_HUGE_2M);
	if (aligned > start)
		munmap(p, aligned - start);
	if (start + over > aligned + len)
		munmap((void *)(aligned + len), start + over - (aligned + len));
	return (void *)aligned;
}

/* True when /proc/self/smaps shows transparent hugepages in the mapping holding @addr. */
static bool thp_backed(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, lo, hi;
	bool inside = false, found = false;
	char line[256];
	unsigned long kb;
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			inside = lo <= a && a < hi;
			continue;
		}
		if (inside && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1) {
			found = kb > 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static void prefault(char *addr, size_t len, size_t step)
{
	size_t off;

	for (off = 0; off < len; off += step)
		*(volatile char *)(addr + off) = 0;
}

/* The node every sampled page sits on, or -1 (not present, mixed, or no NUMA support). */
static int verify_node(char *addr, size_t len, size_t page)
{
	void *pages[XL_VERIFY_SAMPLES];
	int status[XL_VERIFY_SAMPLES];
	size_t npages = len / page, step, i, n = 0;
	int node;

	step = npages > XL_VERIFY_SAMPLES ? npages / XL_VERIFY_SAMPLES : 1;
	for (i = 0; i < npages && n < XL_VERIFY_SAMPLES; i += step)
		pages[n++] = addr + i * page;
	if (move_pages(0, n, pages, NULL, status, 0) != 0)
		return -1;
	node = status[0];
	for (i = 1; i < n; i++)
		if (status[i] != node)
			return -1;
	return node >= 0 ? node : -1;
}

int xl_place_region(size_t bytes, int node, enum xl_pages want, unsigned int flags,
		    struct xl_placement *out)
{
	char *p = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->node_verified = -1;

	/* AUTO leaves hugetlb to regions of half a hugepage or more: less would waste most of it */
	if (want == XL_PAGES_HUGE || (want == XL_PAGES_AUTO && bytes >= XL_HUGE_2M / 2)) {
		out->bytes = round_up(bytes, XL_HUGE_2M);
		p = map_hugetlb(out->bytes, node, &err);
		if (p) {
			out->page_size = XL_HUGE_2M;
			out->pages = XL_PAGES_HUGE;
		} else if (want == XL_PAGES_HUGE) {
			/* EINVAL here means no hugetlb support at all: also "no hugepages" */
			return -ENOMEM;
		}
	}
	if (!p && (want == XL_PAGES_AUTO || want == XL_PAGES_THP) && bytes >= XL_HUGE_2M) {
		out->bytes = round_up(bytes, XL_HUGE_2M);
		p = map_thp_aligned(out->bytes);
		if (p && madvise(p, out->bytes, MADV_HUGEPAGE) == 0) {
			out->page_size = XL_HUGE_2M; /* confirmed or corrected after the touch */
			out->pages = XL_PAGES_THP;
		} else if (p) {
			out->page_size = XL_SMALL_PAGE;
			out->pages = XL_PAGES_SMALL;
		}
	}
	if (!p) {
		out->bytes = round_up(bytes, XL_SMALL_PAGE);
		p = mmap(NULL, out->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		out->page_size = XL_SMALL_PAGE;
		out->pages = XL_PAGES_SMALL;
	}
	out->addr = p;

	err = bind_range(p, out->bytes, node);
	if (err)
		goto fail;
	if (!(flags & XL_POOL_F_NO_PREFAULT)) {
		prefault(p, out->bytes, out->pages == XL_PAGES_HUGE ? XL_HUGE_2M : XL_SMALL_PAGE);
		out->prefaulted = true;
		if (out->pages == XL_PAGES_THP && !thp_backed(p)) {
			out->pages = XL_PAGES_SMALL;
			out->page_size = XL_SMALL_PAGE;
		}
	}
	if (!(flags & XL_POOL_F_NO_LOCK)) {
		if (mlock(p, out->bytes) != 0) {
			/* ENOMEM from mlock means over RLIMIT_MEMLOCK without CAP_IPC_LOCK */
			err = errno == ENOMEM ? -EPERM : -errno;
			goto fail;
		}
		out->locked = true;
	}
	out->node_verified = verify_node(p, out->bytes, out->page_size);
	return 0;
fail:
	munmap(p, out->bytes);
	memset(out, 0, sizeof(*out));
	out->node_verified = -1;
	return err;
}

void xl_place_free(struct xl_placement *pl)
{
	if (pl->addr)
		munmap(pl->addr, pl->bytes);
	pl->addr = NULL;
}

void *xl_meta_alloc(size_t bytes, int node)
{
	size_t len = round_up(bytes, XL_SMALL_PAGE);
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* best effort: metadata off-node is slower, not wrong */
	(void)bind_range(p, len, node);
	prefault(p, len, XL_SMALL_PAGE);
	return p;
}

void xl_meta_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, round_up(bytes, XL_SMALL_PAGE));
}
