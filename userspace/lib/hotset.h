/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user-space side of hot flows: demotion of idle flows on a timer, listing. Internal.
 * The steering program promotes (inserts into xl_hot) and refreshes last_seen_ns with
 * bpf_ktime_get_coarse_ns(), i.e. CLOCK_MONOTONIC_COARSE; demotion compares in that clock.
 */
#ifndef XLANE_LIB_HOTSET_H
#define XLANE_LIB_HOTSET_H

#include <stdint.h>

/*
 * Deletes the entries of the xl_hot map @hot_fd idle for more than @idle_ns. @flows receives the
 * number of flows left. Returns the number demoted or -errno.
 */
int xl_hotset_demote(int hot_fd, uint64_t idle_ns, uint64_t *flows);

/* CLOCK_MONOTONIC_COARSE in ns: the steering program's clock. */
uint64_t xl_hotset_now_ns(void);

#endif /* XLANE_LIB_HOTSET_H */
