/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <xlane/pool.h> must stand alone: this file includes nothing else and is compiled as strict
 * C99 (-std=c99 -pedantic -Werror) and, when a C++ compiler is present, as C++ (the extern "C"
 * guards). It also runs, so the declarations link against the library they describe.
 */
#include <xlane/pool.h>

int main(void)
{
	struct xl_pool_opts opts;
	struct xl_pool_info info;
	struct xl_pool *pool;
	void *objs[4];
	int ret;

	memset(&opts, 0, sizeof(opts)); /* <string.h> comes with the header (XL_OPTS needs it) */
	opts.sz = sizeof(opts);
	opts.placement = XL_PLACE_LOCAL;
	opts.pages = XL_PAGES_SMALL;
	opts.flags = XL_POOL_F_CHECKED;
	pool = xl_pool_create(16, 64, &opts);
	if (!pool)
		return 1;
	if (xl_pool_get_bulk(pool, NULL, objs, 4) != 0)
		return 2;
	if (xl_pool_addr_to_obj(pool, xl_pool_obj_to_addr(pool, objs[2])) != objs[2])
		return 3;
	if (xl_pool_put_bulk(pool, NULL, objs, 4) != 0)
		return 4;
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	if (xl_pool_info(pool, &info) != 0 || info.n_objs != 16)
		return 5;
	if (xl_pool_version() >> 16 != XL_POOL_VERSION_MAJOR)
		return 6;
	ret = xl_pool_destroy(pool);
	return ret == 0 ? 0 : 7;
}
