/* SPDX-License-Identifier: BSD-2-Clause */
/* UMEM addressing: offsets, headroom, 2048/4096 frames, unaligned chunks, colouring, range. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <xlane/pool.h>

#include "helpers.h"

/* Layout table: what stride each request must get. */
struct layout_case {
	const char *name;
	unsigned int obj_size, headroom, align, flags, stride;
};

static const struct layout_case layouts[] = {
	{ "aligned UMEM 2048", 2048, 0, 0, 0, 2048 },
	{ "aligned UMEM 4096", 4096, 0, 0, 0, 4096 },
	{ "aligned UMEM 2048 with headroom 256", 1792, 256, 0, 0, 2048 },
	{ "unaligned UMEM 2048 is coloured", 2048, 0, 0, XL_POOL_F_UMEM_UNALIGNED, 2112 },
	{ "unaligned, colour off", 2048, 0, 0, XL_POOL_F_UMEM_UNALIGNED | XL_POOL_F_NO_COLOUR, 2048 },
	{ "general 1024 is coloured", 1024, 0, 0, 0, 1088 },
	{ "general 2048 asks for colour", 2048, 0, 0, XL_POOL_F_COLOUR, 2112 },
	{ "general 4096 asks for colour", 4096, 0, 0, XL_POOL_F_COLOUR, 4160 },
	{ "general 1024, colour off", 1024, 0, 0, XL_POOL_F_NO_COLOUR, 1024 },
	{ "general 8192 is coloured", 8192, 0, 0, 0, 8256 },
	{ "small object rounded to align", 100, 0, 0, 0, 128 },
	{ "align 256", 100, 0, 256, 0, 256 },
	{ "align 8, odd size", 13, 0, 8, 0, 16 },
	{ "headroom 64 + 960 = 1024 coloured", 960, 64, 0, 0, 1088 },
};

Test(pool_addr, stride_table)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct layout_case *c = &layouts[i];
		XL_OPTS(xl_pool_opts, o, .headroom = c->headroom, .align = c->align,
			.flags = c->flags);
		struct xl_pool *pool = xl_pool_create(8, c->obj_size, &o);

		cr_assert_not_null(pool, "%s: %s", c->name, strerror(errno));
		cr_expect_eq(pool_info(pool).stride, c->stride, "%s: stride %u, want %u", c->name,
			     pool_info(pool).stride, c->stride);
		xl_pool_destroy(pool);
	}
}

/* Every object's address is slot * stride + headroom, and any byte of the slot maps back. */
static void check_round_trip(unsigned int obj_size, unsigned int headroom, unsigned int flags)
{
	XL_OPTS(xl_pool_opts, o, .headroom = headroom, .flags = flags);
	struct xl_pool *pool = xl_pool_create(32, obj_size, &o);
	struct xl_pool_info info;
	void *objs[32];

	cr_assert_not_null(pool, "%s", strerror(errno));
	info = pool_info(pool);
	cr_assert_eq(xl_pool_get_bulk(pool, NULL, objs, 32), 0);
	for (int i = 0; i < 32; i++) {
		uint64_t addr = xl_pool_obj_to_addr(pool, objs[i]);
		uint64_t slot = (addr - headroom) / info.stride;

		cr_assert_eq((addr - headroom) % info.stride, 0, "addr %llu not a slot + headroom",
			     (unsigned long long)addr);
		cr_assert_lt(slot, 32);
		cr_assert_eq((char *)info.region + addr, (char *)objs[i]);
		cr_assert_eq(xl_pool_addr_to_obj(pool, addr), objs[i]);
		cr_assert_eq(xl_pool_addr_to_obj(pool, slot * info.stride), objs[i], "slot start");
		cr_assert_eq(xl_pool_addr_to_obj(pool, (slot + 1) * info.stride - 1), objs[i],
			     "last byte of the slot");
		cr_assert_eq((uintptr_t)objs[i] % 64, 0, "object not cache-line aligned");
	}
	cr_assert_eq(xl_pool_put_bulk(pool, NULL, objs, 32), 0);
	xl_pool_destroy(pool);
}

Test(pool_addr, frames_2048)
{
	check_round_trip(2048, 0, 0);
}

Test(pool_addr, frames_4096)
{
	check_round_trip(4096, 0, 0);
}

Test(pool_addr, headroom_256)
{
	check_round_trip(1792, 256, 0);
	check_round_trip(3000, 256, 0);
}

Test(pool_addr, unaligned_chunks)
{
	check_round_trip(2048, 0, XL_POOL_F_UMEM_UNALIGNED);
	check_round_trip(1500, 64, XL_POOL_F_UMEM_UNALIGNED);
}

Test(pool_addr, aligned_umem_region_is_page_aligned_and_whole_frames)
{
	static const unsigned int frames[] = { 2048, 4096 };

	for (int f = 0; f < 2; f++) {
		struct xl_pool *pool = xl_pool_create(100, frames[f], NULL);
		struct xl_pool_info i;
		size_t len;

		cr_assert_not_null(pool);
		i = pool_info(pool);
		cr_expect_eq(xl_pool_region(pool, &len), i.region);
		cr_expect_eq(len, i.region_bytes);
		cr_expect_eq((uintptr_t)i.region % 4096, 0);
		cr_expect_eq(i.region_bytes % frames[f], 0, "AF_XDP wants whole chunks");
		cr_expect_geq(i.region_bytes, 100 * (size_t)frames[f]);
		xl_pool_destroy(pool);
	}
}

Test(pool_addr, colouring_spreads_objects_over_l1_sets)
{
	struct xl_pool *pool = xl_pool_create(64, 2048, &(struct xl_pool_opts){
		.sz = sizeof(struct xl_pool_opts), .flags = XL_POOL_F_UMEM_UNALIGNED });
	struct xl_pool_info i;
	uint64_t seen = 0;

	cr_assert_not_null(pool);
	i = pool_info(pool);
	/* 64 sets of 64 bytes repeat every 4 KiB: each object's first line in its own set */
	for (uint64_t k = 0; k < 64; k++)
		seen |= 1ULL << (((k * i.stride) / 64) % 64);
	cr_expect_eq(seen, UINT64_MAX, "sets used: %llx", (unsigned long long)seen);
	xl_pool_destroy(pool);
}

Test(pool_addr, out_of_range)
{
	struct xl_pool *pool = xl_pool_create(16, 2048, NULL);
	struct xl_pool_info i;
	int local;

	cr_assert_not_null(pool);
	i = pool_info(pool);
	errno = 0;
	cr_expect_null(xl_pool_addr_to_obj(pool, 16 * 2048));
	cr_expect_eq(errno, ERANGE);
	cr_expect_null(xl_pool_addr_to_obj(pool, UINT64_MAX));
	cr_expect_eq(xl_pool_obj_to_addr(pool, &local), UINT64_MAX);
	cr_expect_eq(xl_pool_obj_to_addr(pool, (char *)i.region - 1), UINT64_MAX);
	cr_expect_eq(xl_pool_obj_to_addr(pool, (char *)i.region + i.region_bytes), UINT64_MAX);
	cr_expect_eq(xl_pool_obj_to_addr(pool, i.region), 0);
	xl_pool_destroy(pool);
}
