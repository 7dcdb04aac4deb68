// SPDX-License-Identifier: BSD-2-Clause
/*
 * xl_pool under test: one pool, measured with a per-thread xl_pool_cache of 256 and of 512
 * objects (like-for-like with rte_mempool's caches) and with no cache (every call goes to the
 * shared lock-free ring, like rte_mempool without a cache).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlane/pool.h>

#include "backend.h"

struct xl_state {
	struct xl_pool *pool;
	struct xl_pool_cache *caches[2][PB_MAX_THREADS];
	unsigned int n_objs, n_threads;
};

static inline __attribute__((always_inline)) int xl_get(void *pool, void *cache, void **objs,
							unsigned int n)
{
	return xl_pool_get_bulk(pool, cache, objs, n);
}

static inline __attribute__((always_inline)) int xl_put(void *pool, void *cache, void **objs,
							unsigned int n)
{
	return xl_pool_put_bulk(pool, cache, objs, n);
}

static int xl_run(struct pb_backend *b, unsigned int slot, void **objs, const struct pb_job *job,
		  struct pb_result *res)
{
	return pb_loop(b->pool, b->cache[slot], objs, job, res, xl_get, xl_put);
}

static void xl_flush(struct pb_backend *b, unsigned int slot)
{
	xl_pool_cache_flush(b->cache[slot]);
}

static const char *pages_name(enum xl_pages p)
{
	switch (p) {
	case XL_PAGES_HUGE:
		return "2 MiB hugepages";
	case XL_PAGES_THP:
		return "transparent hugepages";
	case XL_PAGES_SMALL:
		return "4 KiB pages";
	default:
		return "?";
	}
}

int pb_xl_setup(const struct pb_config *cfg, struct pb_set *set, char *err, size_t errlen)
{
	static const unsigned int sizes[2] = {256, 512};
	static const char *const names[2] = {"xl_c256", "xl_c512"};
	static const char *const labels[2] = {"xl c256", "xl c512"};
	XL_OPTS(xl_pool_opts, o, .pages = cfg->huge ? XL_PAGES_HUGE : XL_PAGES_SMALL,
		.flags = cfg->xl_flags);
	struct xl_pool_info info = {.sz = sizeof(info)};
	struct xl_state *st;
	struct pb_backend *b;
	int ret;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->n_objs = cfg->n_objs;
	st->n_threads = cfg->n_threads;
	set->xl_state = st;
	st->pool = xl_pool_create(cfg->n_objs, cfg->obj_size, &o);
	if (!st->pool) {
		ret = -errno;
		snprintf(err, errlen, "xl_pool_create(%u x %u B, %s): %s%s", cfg->n_objs,
			 cfg->obj_size, cfg->huge ? "XL_PAGES_HUGE" : "XL_PAGES_SMALL",
			 strerror(-ret),
			 cfg->huge && ret == -ENOMEM
				 ? " (not enough free 2 MiB hugepages: reserve some in "
				   "/proc/sys/vm/nr_hugepages, or use --no-huge)"
				 : "");
		return ret;
	}
	for (int k = 0; k < 2; k++) {
		b = pb_set_add(set, names[k], labels[k], "xl_pool", sizes[k], xl_run);
		if (!b)
			return -ENOSPC;
		b->pool = st->pool;
		b->flush = xl_flush;
		for (unsigned int t = 0; t < cfg->n_threads; t++) {
			st->caches[k][t] = xl_pool_cache_create(st->pool, sizes[k]);
			if (!st->caches[k][t]) {
				ret = -errno;
				snprintf(err, errlen, "xl_pool_cache_create(%u): %s", sizes[k],
					 strerror(-ret));
				return ret;
			}
			b->cache[t] = st->caches[k][t];
		}
	}
	b = pb_set_add(set, "xl_ring", "xl ring", "xl_pool", 0, xl_run);
	if (!b)
		return -ENOSPC;
	b->pool = st->pool; /* caches stay NULL: the shared ring directly */

	ret = xl_pool_info(st->pool, &info);
	if (ret) {
		snprintf(err, errlen, "xl_pool_info: %s", strerror(-ret));
		return ret;
	}
	pb_set_note(set, "xl_pool.pages", "%s", pages_name(info.pages));
	pb_set_note(set, "xl_pool.page_size", "%zu", info.page_size);
	pb_set_note(set, "xl_pool.region_bytes", "%zu", info.region_bytes);
	pb_set_note(set, "xl_pool.stride", "%u", info.stride);
	pb_set_note(set, "xl_pool.colour", "%s",
		    info.stride % 1024 ? "yes (slots are not a multiple of 1 KiB apart)"
				       : "no (every object starts in the same few L1 sets)");
	pb_set_note(set, "xl_pool.node", "%d (verified %d)", info.node, info.node_verified);
	pb_set_note(set, "xl_pool.locked", "%s", info.locked ? "yes" : "no");
	return 0;
}

int pb_xl_teardown(struct pb_set *set, char *err, size_t errlen)
{
	struct xl_state *st = set->xl_state;
	struct xl_pool_stats stats = {.sz = sizeof(stats)};
	int leaked, ret = 0;

	if (!st)
		return 0;
	for (int k = 0; k < 2; k++)
		for (unsigned int t = 0; t < st->n_threads; t++)
			xl_pool_cache_destroy(st->caches[k][t]);
	if (st->pool && !xl_pool_stats(st->pool, &stats) &&
	    (stats.in_use || stats.in_ring != st->n_objs)) {
		snprintf(err, errlen,
			 "xl_pool conservation: %llu in use, %llu in the ring, want 0 and %u",
			 (unsigned long long)stats.in_use, (unsigned long long)stats.in_ring,
			 st->n_objs);
		ret = -EUCLEAN;
	}
	leaked = xl_pool_destroy(st->pool);
	if (leaked > 0 && !ret) {
		snprintf(err, errlen, "xl_pool_destroy: %d objects leaked", leaked);
		ret = -EUCLEAN;
	}
	free(st);
	set->xl_state = NULL;
	return ret;
}
