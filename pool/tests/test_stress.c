/* SPDX-License-Identifier: BSD-2-Clause */
/* The pool's multi-thread stress and conservation check (stress.c), as Criterion tests. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <xlane/pool.h>

#include "helpers.h"
#include "stress.h"

static unsigned int stress_ms(void)
{
	const char *e = getenv("XL_STRESS_MS");

	if (e && *e)
		return (unsigned int)strtoul(e, NULL, 10);
	return under_valgrind() ? 300 : 2000;
}

static void stress(int use_cache, unsigned int flags)
{
	struct xl_stress_result r;

	cr_assert_eq(xl_stress_run(use_cache, flags, stress_ms(), &r), 0, "%s", r.why);
	cr_log_info("%s%s: %llu objects got and put by %d threads", use_cache ? "caches" : "ring",
		    flags & XL_POOL_F_CHECKED ? " (checked)" : "", (unsigned long long)r.gets,
		    XL_STRESS_THREADS);
}

Test(pool_stress, threads_with_caches_conserve_objects, .timeout = 60)
{
	stress(1, 0);
}

Test(pool_stress, threads_on_the_ring_conserve_objects, .timeout = 60)
{
	stress(0, 0);
}

Test(pool_stress, checked_threads_with_caches_conserve_objects, .timeout = 60)
{
	stress(1, XL_POOL_F_CHECKED);
}
