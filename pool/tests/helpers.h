/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers shared by the pool tests (static inline, no bodies with side effects). */
#ifndef XL_POOL_TEST_HELPERS_H
#define XL_POOL_TEST_HELPERS_H

#include <stdlib.h>
#include <xlane/pool.h>

static inline struct xl_pool_stats pool_stats(const struct xl_pool *pool)
{
	struct xl_pool_stats s = { .sz = sizeof(s) };

	xl_pool_stats(pool, &s);
	return s;
}

static inline struct xl_pool_info pool_info(const struct xl_pool *pool)
{
	struct xl_pool_info i = { .sz = sizeof(i) };

	xl_pool_info(pool, &i);
	return i;
}

/* True when running under the Valgrind test setup (iteration counts shrink, checks stay). */
static inline int under_valgrind(void)
{
	const char *v = getenv("XL_UNDER_VALGRIND");

	return v && *v == '1';
}

#endif /* XL_POOL_TEST_HELPERS_H */
