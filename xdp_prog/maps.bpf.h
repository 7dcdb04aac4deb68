/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map definitions of xl_steer. Names, layouts and writers are the ABI documented in steer.h's
 * map table; keep the two in step.
 */
#ifndef XL_MAPS_BPF_H
#define XL_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "steer.h"

/*
 * xl_cfg and xl_rgen are global data: libbpf makes each custom section a one-entry, mmap()able
 * ARRAY map (kernel name ".data.xl_cfg", ".data.xl_rgen"; pinned as xl_cfg and xl_rgen, see
 * steer.h), and the program reads them at a fixed address, with no map lookup per packet.
 */
struct xl_cfg xl_cfg SEC(".data.xl_cfg") = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xl_stats);
} xl_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XL_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xl_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XL_EXACT_MAX);
	__type(key, struct xl_flow_key);
	__type(value, struct xl_rule);
} xl_exact SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XL_PORT_MAX);
	__type(key, struct xl_port_key);
	__type(value, struct xl_rule);
} xl_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XL_PFX_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xl_pfx4_key);
	__type(value, struct xl_rule);
} xl_pfx4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XL_PFX_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xl_pfx6_key);
	__type(value, struct xl_rule);
} xl_pfx6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_RULE_ID_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xl_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XL_HOT_MAX);
	__type(key, struct xl_flow_key);
	__type(value, struct xl_hot_val);
} xl_hot SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_CMS_ROWS *XL_CMS_WIDTH);
	__type(key, __u32);
	__type(value, struct xl_cms_cell);
} xl_cms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xl_win);
} xl_win SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, XL_LRUDET_MAX);
	__type(key, struct xl_flow_key);
	__type(value, struct xl_lru_cnt);
} xl_lrudet SEC(".maps");

/* Read it with xl_rgen_now(): user space increments it while the program runs. */
__u64 xl_rgen SEC(".data.xl_rgen") = 0;

static __always_inline __u64 xl_rgen_now(void)
{
	return *(volatile __u64 *)&xl_rgen;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XL_FLOWC_SLOTS);
	__type(key, __u32);
	__type(value, struct xl_fslot);
} xl_flowc SEC(".maps");

#endif /* XL_MAPS_BPF_H */
