/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pool stress cases of test_stress.c without Criterion, for the ThreadSanitizer build
 * (scripts/test.sh). Exit 0 when every case conserved its objects; TSan's own exit code
 * (66) when it reported a race.
 *   tsan_stress [MS]   (per case, default 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <xlane/pool.h>

#include "stress.h"

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int use_cache;
		unsigned int flags;
	} cases[] = {
		{"threads_with_caches", 1, 0},
		{"threads_on_the_ring", 0, 0},
		{"checked_threads_with_caches", 1, XL_POOL_F_CHECKED},
	};
	unsigned int ms = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 1000;
	int fails = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xl_stress_result r;

		if (xl_stress_run(cases[i].use_cache, cases[i].flags, ms, &r)) {
			printf("FAIL %s: %s\n", cases[i].name, r.why);
			fails++;
		} else {
			printf("ok   %s: %llu objects got and put by %d threads\n", cases[i].name,
			       (unsigned long long)r.gets, XL_STRESS_THREADS);
		}
	}
	return fails ? 1 : 0;
}
