/* SPDX-License-Identifier: BSD-2-Clause */
/* Opts handling: sz (smaller, larger, non-zero tail), zero means default, bad values. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <xlane/pool.h>

#include "helpers.h"

Test(pool_opts, null_opts_takes_every_default)
{
	struct xl_pool *pool = xl_pool_create(64, 100, NULL);
	struct xl_pool_info i;

	cr_assert_not_null(pool, "create: %s", strerror(errno));
	i = pool_info(pool);
	cr_expect_eq(i.n_objs, 64);
	cr_expect_eq(i.obj_size, 100);
	cr_expect_eq(i.headroom, 0);
	cr_expect_eq(i.stride, 128, "obj 100 aligned to the default 64: %u", i.stride);
	cr_expect_eq(i.locked, 1);
	cr_expect_eq(i.prefaulted, 1);
	cr_expect_eq(xl_pool_destroy(pool), 0);
}

Test(pool_opts, zeroed_opts_equal_null_opts)
{
	XL_OPTS(xl_pool_opts, o);
	struct xl_pool *a = xl_pool_create(64, 100, &o), *b = xl_pool_create(64, 100, NULL);
	struct xl_pool_info ia, ib;

	cr_assert(a && b);
	ia = pool_info(a);
	ib = pool_info(b);
	cr_expect_eq(ia.stride, ib.stride);
	cr_expect_eq(ia.flags, ib.flags);
	cr_expect_eq(ia.node, ib.node);
	cr_expect_eq(ia.pages, ib.pages);
	xl_pool_destroy(a);
	xl_pool_destroy(b);
}

Test(pool_opts, smaller_sz_ignores_fields_past_it)
{
	XL_OPTS(xl_pool_opts, o, .align = 3, .cache_size = 99999);
	struct xl_pool *pool;

	/* an older caller's struct ends before align: the bad values there are never read */
	o.sz = offsetof(struct xl_pool_opts, align);
	pool = xl_pool_create(16, 64, &o);
	cr_assert_not_null(pool, "create: %s", strerror(errno));
	cr_expect_eq(pool_info(pool).stride, 64);
	xl_pool_destroy(pool);
}

Test(pool_opts, sz_below_size_t_is_einval)
{
	XL_OPTS(xl_pool_opts, o);

	o.sz = 4;
	errno = 0;
	cr_expect_null(xl_pool_create(16, 64, &o));
	cr_expect_eq(errno, EINVAL);
}

struct bigger_opts {
	struct xl_pool_opts o;
	unsigned long long future_field;
};

Test(pool_opts, larger_sz_with_zero_tail_is_accepted)
{
	struct bigger_opts b;
	struct xl_pool *pool;

	memset(&b, 0, sizeof(b));
	b.o.sz = sizeof(b);
	pool = xl_pool_create(16, 64, &b.o);
	cr_assert_not_null(pool, "create: %s", strerror(errno));
	xl_pool_destroy(pool);
}

Test(pool_opts, larger_sz_with_nonzero_tail_is_einval)
{
	struct bigger_opts b;

	memset(&b, 0, sizeof(b));
	b.o.sz = sizeof(b);
	b.future_field = 1;
	errno = 0;
	cr_expect_null(xl_pool_create(16, 64, &b.o));
	cr_expect_eq(errno, EINVAL);
}

Test(pool_opts, opts_reset_keeps_sz)
{
	XL_OPTS(xl_pool_opts, o, .headroom = 64);

	XL_OPTS_RESET(o, .align = 128);
	cr_expect_eq(o.sz, sizeof(o));
	cr_expect_eq(o.headroom, 0);
	cr_expect_eq(o.align, 128);
}

/* Each row is one mistake; every one must be EINVAL with nothing created. */
struct bad_case {
	const char *name;
	unsigned int n, obj_size;
	struct xl_pool_opts o;
};

#define O(...) { .sz = sizeof(struct xl_pool_opts), __VA_ARGS__ }
static const struct bad_case bad_cases[] = {
	{ "zero objects", 0, 64, O() },
	{ "zero object size", 16, 0, O() },
	{ "unknown flag", 16, 64, O(.flags = 1U << 30) },
	{ "placement past the enum", 16, 64, O(.placement = XL_PLACE_MAX) },
	{ "pages past the enum", 16, 64, O(.pages = XL_PAGES_MAX) },
	{ "align not a power of two", 16, 64, O(.align = 3) },
	{ "align above 4096", 16, 64, O(.align = 8192) },
	{ "headroom not a multiple of align", 16, 64, O(.headroom = 100) },
	{ "cache_size above the max", 16, 64, O(.cache_size = XL_POOL_CACHE_MAX + 1) },
	{ "node without XL_PLACE_NODE", 16, 64, O(.node = 1) },
	{ "ifname without XL_PLACE_IFACE", 16, 64, O(.ifname = "lo") },
	{ "negative node", 16, 64, O(.placement = XL_PLACE_NODE, .node = -1) },
	{ "iface without a name", 16, 64, O(.placement = XL_PLACE_IFACE) },
	{ "colour and no colour", 16, 2048, O(.flags = XL_POOL_F_COLOUR | XL_POOL_F_NO_COLOUR) },
};

Test(pool_opts, bad_values_are_einval)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		errno = 0;
		struct xl_pool *pool =
			xl_pool_create(bad_cases[i].n, bad_cases[i].obj_size, &bad_cases[i].o);
		cr_expect_null(pool, "%s: created", bad_cases[i].name);
		cr_expect_eq(errno, EINVAL, "%s: errno %d", bad_cases[i].name, errno);
		xl_pool_destroy(pool);
	}
}

Test(pool_opts, output_structs_fill_up_to_callers_sz)
{
	struct xl_pool *pool = xl_pool_create(16, 64, NULL);
	struct xl_pool_info small;
	struct {
		struct xl_pool_stats s;
		unsigned long long tail;
	} big;

	cr_assert_not_null(pool);
	/* a caller that knows only region: the bytes after it stay untouched */
	memset(&small, 0xee, sizeof(small));
	small.sz = offsetof(struct xl_pool_info, region_bytes);
	cr_expect_eq(xl_pool_info(pool, &small), 0);
	cr_expect_not_null(small.region);
	cr_expect_eq(small.n_objs, 0xeeeeeeeeu);
	/* a newer caller: its unknown tail is zeroed */
	memset(&big, 0xee, sizeof(big));
	big.s.sz = sizeof(big);
	cr_expect_eq(xl_pool_stats(pool, &big.s), 0);
	cr_expect_eq(big.s.in_ring, 16);
	cr_expect_eq(big.tail, 0);
	/* too small to be a struct */
	small.sz = 2;
	errno = 0;
	cr_expect_eq(xl_pool_info(pool, &small), -EINVAL);
	cr_expect_eq(errno, EINVAL);
	cr_expect_eq(xl_pool_stats(NULL, &big.s), -EINVAL);
	xl_pool_destroy(pool);
}

Test(pool_opts, version_matches_headers)
{
	cr_expect_eq(xl_pool_version(), (XL_POOL_VERSION_MAJOR << 16) | XL_POOL_VERSION_MINOR);
}
