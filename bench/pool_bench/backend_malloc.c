// SPDX-License-Identifier: BSD-2-Clause
/*
 * The malloc/free baseline: the C library's general allocator doing the same work. It has no pool
 * and no object limit, so "objects in the pool" does not apply to it.
 */
#include <stdlib.h>

#include "backend.h"

static unsigned int malloc_obj_size;

static inline __attribute__((always_inline)) int malloc_get(void *pool, void *cache, void **objs,
							    unsigned int n)
{
	(void)pool;
	(void)cache;
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = malloc(malloc_obj_size);
		if (__builtin_expect(!objs[i], 0)) {
			while (i--)
				free(objs[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

static inline __attribute__((always_inline)) int malloc_put(void *pool, void *cache, void **objs,
							    unsigned int n)
{
	(void)pool;
	(void)cache;
	for (unsigned int i = 0; i < n; i++)
		free(objs[i]);
	return 0;
}

static int malloc_run(struct pb_backend *b, unsigned int slot, void **objs,
		      const struct pb_job *job, struct pb_result *res)
{
	(void)slot;
	return pb_loop(b->pool, NULL, objs, job, res, malloc_get, malloc_put);
}

int pb_malloc_setup(const struct pb_config *cfg, struct pb_set *set, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	malloc_obj_size = cfg->obj_size;
	if (!pb_set_add(set, "malloc", "malloc", "malloc", 0, malloc_run))
		return -ENOSPC;
	return 0;
}
