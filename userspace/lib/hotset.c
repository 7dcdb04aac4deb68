// SPDX-License-Identifier: BSD-2-Clause
/* Idle demotion of hot flows; see hotset.h. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "hotset.h"
#include "steer.h"

#define DEMOTE_BATCH 256

uint64_t xl_hotset_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int xl_hotset_demote(int hot_fd, uint64_t idle_ns, uint64_t *flows)
{
	struct xl_flow_key key, next, victims[DEMOTE_BATCH];
	struct xl_hot_val val;
	uint64_t now = xl_hotset_now_ns(), total = 0;
	unsigned int nv = 0, i;
	int demoted = 0, ret;
	void *prev = NULL;

	/* collect first (deleting while walking restarts the walk), then delete */
	while (!(ret = bpf_map_get_next_key(hot_fd, prev, &next))) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(hot_fd, &key, &val))
			continue;
		total++;
		if (now > val.last_seen_ns && now - val.last_seen_ns > idle_ns && nv < DEMOTE_BATCH)
			victims[nv++] = key;
	}
	if (ret && errno != ENOENT)
		return -errno;
	for (i = 0; i < nv; i++)
		if (!bpf_map_delete_elem(hot_fd, &victims[i]))
			demoted++;
	if (flows)
		*flows = total - (uint64_t)demoted;
	return demoted;
}
