/* SPDX-License-Identifier: BSD-2-Clause */
/* Checked mode: per-object state bytes, misuse classification and counting. */
#include <stdlib.h>

#include "internal.h"
#include "misuse.h"

int xl_misuse_init(struct xl_pool *pool)
{
	/* calloc: every object starts XL_OBJ_FREE (0) */
	pool->state = calloc(pool->n_objs, sizeof(pool->state[0]));
	return pool->state ? 0 : -ENOMEM;
}

void xl_misuse_fini(struct xl_pool *pool)
{
	free((void *)pool->state);
	pool->state = NULL;
}

void xl_misuse_mark_out(struct xl_pool *pool, void *const *objs, unsigned int n)
{
	unsigned int i, idx;

	for (i = 0; i < n; i++) {
		/* objects from the ring are ours by construction: the classification cannot fail */
		if (xl_addr_classify(pool, objs[i], &idx) == 0)
			atomic_store_explicit(&pool->state[idx], XL_OBJ_OUT, memory_order_relaxed);
	}
}

static int report(struct xl_pool *pool, enum xl_misuse_kind kind)
{
	atomic_fetch_add_explicit(&pool->misuse[kind], 1, memory_order_relaxed);
	return kind == XL_MISUSE_DOUBLE_PUT ? -EALREADY : -EINVAL;
}

int xl_misuse_check_put(struct xl_pool *pool, const void *obj)
{
	unsigned int idx;
	int kind;

	kind = xl_addr_classify(pool, obj, &idx);
	if (kind < 0)
		return report(pool, (enum xl_misuse_kind)(-1 - kind));
	if (atomic_exchange_explicit(&pool->state[idx], XL_OBJ_FREE, memory_order_relaxed) ==
	    XL_OBJ_FREE)
		return report(pool, XL_MISUSE_DOUBLE_PUT);
	return 0;
}
