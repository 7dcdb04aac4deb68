/* SPDX-License-Identifier: BSD-2-Clause */
/* Embed libxlane-pool: cc embed.c $(pkg-config --cflags --libs xlane-pool) -o embed */
#include <stdio.h>
#include <string.h>
#include <xlane/pool.h>

int main(void)
{
	XL_OPTS(xl_pool_opts, opts, .placement = XL_PLACE_LOCAL);
	struct xl_pool_info info = { .sz = sizeof(info) };
	struct xl_pool *pool = xl_pool_create(1024, 2048, &opts); /* 1024 objects of 2 KiB */
	struct xl_pool_cache *cache = pool ? xl_pool_cache_create(pool, 0) : NULL;
	void *objs[32];

	if (!cache || xl_pool_get_bulk(pool, cache, objs, 32) != 0) {
		perror("xlane-pool");
		return 1;
	}
	for (int i = 0; i < 32; i++)
		memset(objs[i], i, 2048); /* the objects are ours until put back */
	xl_pool_put_bulk(pool, cache, objs, 32);
	xl_pool_info(pool, &info);
	printf("node %d, %zu-byte pages, %zu bytes, %u objects\n", info.node_verified,
	       info.page_size, info.region_bytes, info.n_objs);
	xl_pool_cache_destroy(cache);
	return xl_pool_destroy(pool) == 0 ? 0 : 1; /* destroy returns the objects still out */
}
