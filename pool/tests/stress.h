/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One multi-thread stress run of the pool with its conservation check; used by the Criterion
 * test (test_stress.c) and by the ThreadSanitizer driver (tsan_stress.c), which cannot use
 * Criterion (its runner cannot map its arena in TSan's address layout).
 */
#ifndef XL_POOL_TEST_STRESS_H
#define XL_POOL_TEST_STRESS_H

#include <stdint.h>

#define XL_STRESS_OBJS	  4096U
#define XL_STRESS_THREADS 4

struct xl_stress_result {
	uint64_t gets; /* objects got, all threads */
	char why[256]; /* the first failure */
};

/*
 * XL_STRESS_THREADS threads get and put random bulk sizes for @ms milliseconds, through their
 * own caches (use_cache) or the ring; then the conservation check. 0, or -1 with res->why.
 */
int xl_stress_run(int use_cache, unsigned int flags, unsigned int ms, struct xl_stress_result *res);

#endif /* XL_POOL_TEST_STRESS_H */
