/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Layout of the daemon statistics map (pin XL_PIN_DSTATS): a BPF_F_MMAPABLE array of
 * XL_DSTATS_ENTRIES entries of XL_DSTATS_SLOT bytes. Entry 0 holds struct xl_dstats_hdr, entry
 * 1 + i holds queue slot i's struct xl_queue_stats (control.h). The daemon and its workers write
 * it through a shared mapping; xl_control maps it too and writes only the control knob idle_ms.
 * Internal: the public view is struct xl_stats_snapshot.
 */
#ifndef XLANE_LIB_DSTATS_H
#define XLANE_LIB_DSTATS_H

#include <stdint.h>

#include "control.h"

#define XL_DSTATS_MAGIC	  0x786c6473U /* "xlds" */
#define XL_DSTATS_VERSION 3
#define XL_DSTATS_SLOT	  512
#define XL_DSTATS_ENTRIES (1 + XL_MAX_QUEUES)

struct xl_dstats_hdr {
	uint32_t magic;
	uint32_t version;
	int32_t pid;
	uint32_t ifindex;
	char ifname[16];
	uint64_t started_ns;
	uint64_t updated_ns;
	uint32_t attach_mode;
	uint32_t attach_method;
	uint32_t attach_fallback;
	uint32_t n_queues;
	uint64_t frames_total;
	uint64_t frames_pool;
	uint64_t frames_kernel;
	uint32_t frame_size;
	uint32_t umem_huge;
	uint64_t umem_bytes;
	uint64_t pool_high_water;
	int32_t umem_node;
	int32_t nic_node;
	uint64_t hot_demotions;
	uint64_t hot_flows;
	uint32_t idle_ms;	 /* control knob: written by xl_control_hot_set() */
	uint32_t stopping;	 /* 1 once the daemon began its teardown */
	uint32_t ntuple_filters; /* ethtool ntuple filters installed (--ntuple-queue) */
	int32_t ntuple_queue;	 /* the queue they steer to; -1: none asked */
	uint32_t frames_settled; /* 1: the frame locations were read with every worker at rest */
	uint32_t pad;
};
_Static_assert(sizeof(struct xl_dstats_hdr) <= XL_DSTATS_SLOT, "dstats header fits a slot");
_Static_assert(sizeof(struct xl_queue_stats) <= XL_DSTATS_SLOT, "queue stats fit a slot");

static inline struct xl_dstats_hdr *xl_dstats_hdr(void *base)
{
	return (struct xl_dstats_hdr *)base;
}

static inline struct xl_queue_stats *xl_dstats_queue(void *base, unsigned int i)
{
	return (struct xl_queue_stats *)((char *)base + XL_DSTATS_SLOT * (1 + i));
}

#endif /* XLANE_LIB_DSTATS_H */
