/* SPDX-License-Identifier: BSD-2-Clause */
/* lat_blast's clock and pacing, shared by its two engines (lat_blast.c, blast_xsk.c). */
#ifndef XLANE_BENCH_PACE_H
#define XLANE_BENCH_PACE_H

#include <stdint.h>
#include <time.h>

static inline uint64_t blast_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Returns once @n datagrams are due at @rate per second since @t0: sleeps while more than 50 us
 * remain, then spins, so a batch leaves on time without burning the whole wait.
 */
static inline void blast_pace(uint64_t t0, uint64_t n, uint64_t rate)
{
	uint64_t due = t0 + (uint64_t)((double)n * 1e9 / (double)rate), now;

	while ((now = blast_now_ns()) < due) {
		uint64_t gap = due - now > 100000000 ? 100000000 : due - now;

		if (gap > 50000)
			nanosleep(&(struct timespec){.tv_nsec = (long)(gap - 50000)}, NULL);
	}
}

#endif /* XLANE_BENCH_PACE_H */
