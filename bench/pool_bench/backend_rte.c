// SPDX-License-Identifier: BSD-2-Clause
/*
 * DPDK's rte_mempool under test, measured the way a DPDK application uses it: one mempool (default
 * "ring_mp_mc" ops, default flags, so DPDK's own object spreading over memory channels applies),
 * and per-thread caches of 256 and of 512 objects made with rte_mempool_cache_create() and passed
 * explicitly to rte_mempool_generic_get/put (the threads are not EAL lcores, so the per-lcore
 * default caches would not be used), plus no cache at all (every call goes to the ring).
 *
 * EAL: --in-memory with hugepages (no hugetlbfs mount needed, pages are mapped anonymously), or
 * --no-huge --no-shconf -m <enough> without (--in-memory implies the legacy memory mode that
 * --no-huge forbids).
 */
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

#define EAL_MAX_ARGS 24

struct rte_state {
	struct rte_mempool *mp;
	struct rte_mempool_cache *caches[2][PB_MAX_THREADS];
	unsigned int n_objs, n_threads;
	bool eal_up;
	char runtime_dir[256];
};

static inline __attribute__((always_inline)) int rte_get(void *pool, void *cache, void **objs,
							 unsigned int n)
{
	return rte_mempool_generic_get(pool, objs, n, cache);
}

static inline __attribute__((always_inline)) int rte_put(void *pool, void *cache, void **objs,
							 unsigned int n)
{
	rte_mempool_generic_put(pool, objs, n, cache);
	return 0;
}

static int rte_run(struct pb_backend *b, unsigned int slot, void **objs, const struct pb_job *job,
		   struct pb_result *res)
{
	return pb_loop(b->pool, b->cache[slot], objs, job, res, rte_get, rte_put);
}

static void rte_flush(struct pb_backend *b, unsigned int slot)
{
	rte_mempool_cache_flush(b->cache[slot], b->pool);
}

int pb_rte_setup(const struct pb_config *cfg, struct pb_set *set, char *err, size_t errlen)
{
	static const unsigned int sizes[2] = {256, 512};
	static const char *const names[2] = {"rte_c256", "rte_c512"};
	static const char *const labels[2] = {"rte c256", "rte c512"};
	char lcores[64] = "", prefix[32], mem[16], args_text[512] = "";
	char *argv[EAL_MAX_ARGS + 1];
	int argc = 0, ret;
	struct rte_state *st;
	struct pb_backend *b;
	size_t len = 0;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->n_objs = cfg->n_objs;
	st->n_threads = cfg->n_threads;
	set->rte_state = st;

	for (unsigned int t = 0; t < cfg->n_threads; t++)
		len += (size_t)snprintf(lcores + len, sizeof(lcores) - len, "%s%d", t ? "," : "",
					cfg->cpus[t]);
	snprintf(prefix, sizeof(prefix), "xlpb%d", (int)getpid());
	argv[argc++] = "pool_bench";
	if (cfg->huge) {
		argv[argc++] = "--in-memory";
	} else {
		/* without hugepages every object takes a whole 4 KiB page (an object must not
		 * cross a page when IOVA contiguity is unknown): room for that, the ring, slack */
		unsigned long mb = ((unsigned long)cfg->n_objs * 4096 * 5 / 4 >> 20) + 64;

		snprintf(mem, sizeof(mem), "%lu", mb);
		argv[argc++] = "--no-huge";
		argv[argc++] = "--no-shconf";
		argv[argc++] = "-m";
		argv[argc++] = mem;
	}
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "-l";
	argv[argc++] = lcores;
	argv[argc++] = "--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=error";
	argv[argc] = NULL;
	len = 0;
	for (int i = 1; i < argc; i++)
		len += (size_t)snprintf(args_text + len, sizeof(args_text) - len, "%s%s",
					i > 1 ? " " : "", argv[i]);
	pb_set_note(set, "rte_mempool.eal_args", "%s", args_text);
	pb_set_note(set, "rte_mempool.dpdk", "%s", rte_version());

	/* rte_eal_init() may permute argv: it gets a copy, we keep ours for the notes above */
	{
		char *copy[EAL_MAX_ARGS + 1];

		memcpy(copy, argv, sizeof(copy));
		ret = rte_eal_init(argc, copy);
	}
	if (ret < 0) {
		ret = -rte_errno;
		snprintf(err, errlen, "rte_eal_init(%s): %s%s", args_text, rte_strerror(-ret),
			 cfg->huge ? " (are there free 2 MiB hugepages? else use --no-huge)" : "");
		return ret ? ret : -EINVAL;
	}
	st->eal_up = true;
	snprintf(st->runtime_dir, sizeof(st->runtime_dir), "%s", rte_eal_get_runtime_dir());

	st->mp = rte_mempool_create("xlpb", cfg->n_objs, cfg->obj_size, 0, 0, NULL, NULL, NULL,
				    NULL, SOCKET_ID_ANY, 0);
	if (!st->mp) {
		ret = -rte_errno;
		snprintf(err, errlen, "rte_mempool_create(%u x %u B): %s", cfg->n_objs,
			 cfg->obj_size, rte_strerror(-ret));
		return ret ? ret : -ENOMEM;
	}
	for (int k = 0; k < 2; k++) {
		b = pb_set_add(set, names[k], labels[k], "rte_mempool", sizes[k], rte_run);
		if (!b)
			return -ENOSPC;
		b->pool = st->mp;
		b->flush = rte_flush;
		for (unsigned int t = 0; t < cfg->n_threads; t++) {
			st->caches[k][t] = rte_mempool_cache_create(sizes[k], SOCKET_ID_ANY);
			if (!st->caches[k][t]) {
				ret = -rte_errno;
				snprintf(err, errlen, "rte_mempool_cache_create(%u): %s", sizes[k],
					 rte_strerror(-ret));
				return ret ? ret : -ENOMEM;
			}
			b->cache[t] = st->caches[k][t];
		}
	}
	b = pb_set_add(set, "rte_nocache", "rte nocache", "rte_mempool", 0, rte_run);
	if (!b)
		return -ENOSPC;
	b->pool = st->mp;

	pb_set_note(set, "rte_mempool.ops", "%s", rte_mempool_get_ops(st->mp->ops_index)->name);
	pb_set_note(set, "rte_mempool.stride", "%u",
		    st->mp->header_size + st->mp->elt_size + st->mp->trailer_size);
	pb_set_note(set, "rte_mempool.header_trailer", "%u + %u", st->mp->header_size,
		    st->mp->trailer_size);
	pb_set_note(set, "rte_mempool.memory", "%s",
		    cfg->huge ? "2 MiB hugepages" : "4 KiB pages (one object per page)");
	return 0;
}

int pb_rte_teardown(struct pb_set *set, char *err, size_t errlen)
{
	struct rte_state *st = set->rte_state;
	int ret = 0;

	if (!st)
		return 0;
	for (int k = 0; k < 2; k++) {
		for (unsigned int t = 0; t < st->n_threads; t++) {
			if (!st->caches[k][t])
				continue;
			/* rte_mempool_cache_free() does not flush: return the objects first */
			rte_mempool_cache_flush(st->caches[k][t], st->mp);
			rte_mempool_cache_free(st->caches[k][t]);
		}
	}
	if (st->mp) {
		unsigned int avail = rte_mempool_avail_count(st->mp);

		if (avail != st->n_objs) {
			snprintf(err, errlen, "rte_mempool conservation: %u objects back, want %u",
				 avail, st->n_objs);
			ret = -EUCLEAN;
		}
		rte_mempool_free(st->mp);
	}
	if (st->eal_up) {
		rte_eal_cleanup();
		/* the EAL leaves its (empty) runtime directory behind even without shared config */
		if (st->runtime_dir[0])
			rmdir(st->runtime_dir);
	}
	free(st);
	set->rte_state = NULL;
	return ret;
}
