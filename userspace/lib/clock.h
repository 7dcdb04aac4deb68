/* SPDX-License-Identifier: BSD-2-Clause */
/* CLOCK_MONOTONIC in nanoseconds: the worker's, the stamping handler's and the CLI's clock. */
#ifndef XLANE_LIB_CLOCK_H
#define XLANE_LIB_CLOCK_H

#include <stdint.h>
#include <time.h>

/* vDSO, no system call; async-signal-safe (POSIX lists clock_gettime()). */
static inline uint64_t xl_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif /* XLANE_LIB_CLOCK_H */
