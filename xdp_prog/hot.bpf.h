/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Hot-flow detection (steer.h "Hot-flow detection"): per-CPU windows, a count-min sketch with
 * conservative update and lazily reset cells (XL_DET_CMS, default), or exact per-flow counters
 * in an LRU per-CPU hash (XL_DET_LRU, the alternative measured by steer_bench).
 */
#ifndef XL_HOT_BPF_H
#define XL_HOT_BPF_H

#include "maps.bpf.h"

_Static_assert(XL_CMS_ROWS == 2, "xl_cms_index() derives exactly two row indexes");
_Static_assert((XL_CMS_WIDTH & (XL_CMS_WIDTH - 1)) == 0, "XL_CMS_WIDTH is a power of two");

struct xl_est {
	__u32 pkts;
	__u64 bytes;
};

static __always_inline __u64 xl_mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* 64-bit hash of the flow key; IPv6 addresses are folded to 32 bits first. */
static __always_inline __u64 xl_flow_hash(const struct xl_flow_key *k, __u32 seed)
{
	__u32 s = k->saddr[0] ^ k->saddr[1] ^ k->saddr[2] ^ k->saddr[3];
	__u32 d = k->daddr[0] ^ k->daddr[1] ^ k->daddr[2] ^ k->daddr[3];
	__u64 a = ((__u64)s << 32) | d;
	__u64 b = ((__u64)k->sport << 48) | ((__u64)k->dport << 32) | ((__u32)k->proto << 24) |
		  (seed & 0xffffff);

	return xl_mix64(a * 0x9e3779b97f4a7c15ULL ^ b);
}

/* The per-CPU window; returns its epoch for now (starting a new window when due), 0 on error. */
static __always_inline __u32 xl_window(const struct xl_cfg *cfg, __u64 now)
{
	__u64 win_ns = cfg->window_ns ? cfg->window_ns : XL_DEFAULT_WINDOW_NS;
	__u32 zero = 0;
	struct xl_win *w = bpf_map_lookup_elem(&xl_win, &zero);

	if (!w)
		return 0;
	if (w->epoch == 0 || now - w->start_ns >= win_ns) {
		w->epoch = w->epoch + 1 ? w->epoch + 1 : 1;
		w->start_ns = now;
	}
	return w->epoch;
}

static __always_inline int xl_cms_count(const struct xl_cfg *cfg, const struct xl_flow_key *key,
					__u32 epoch, __u32 len, struct xl_est *est)
{
	__u64 h = xl_flow_hash(key, cfg->hash_seed);
	__u32 i0 = h & (XL_CMS_WIDTH - 1);
	__u32 i1 = XL_CMS_WIDTH + ((h >> 32) & (XL_CMS_WIDTH - 1));
	struct xl_cms_cell *c0 = bpf_map_lookup_elem(&xl_cms, &i0);
	struct xl_cms_cell *c1 = bpf_map_lookup_elem(&xl_cms, &i1);
	__u32 p0, p1;
	__u64 b0, b1;

	if (!c0 || !c1)
		return -1;
	p0 = c0->epoch == epoch ? c0->pkts : 0;
	b0 = c0->epoch == epoch ? c0->bytes : 0;
	p1 = c1->epoch == epoch ? c1->pkts : 0;
	b1 = c1->epoch == epoch ? c1->bytes : 0;
	est->pkts = (p0 < p1 ? p0 : p1) + 1;
	est->bytes = (b0 < b1 ? b0 : b1) + len;
	/* conservative update: raise each cell only up to the new estimate */
	c0->epoch = epoch;
	c0->pkts = p0 > est->pkts ? p0 : est->pkts;
	c0->bytes = b0 > est->bytes ? b0 : est->bytes;
	c1->epoch = epoch;
	c1->pkts = p1 > est->pkts ? p1 : est->pkts;
	c1->bytes = b1 > est->bytes ? b1 : est->bytes;
	return 0;
}

static __always_inline int xl_lru_count(const struct xl_flow_key *key, __u32 epoch, __u32 len,
					struct xl_est *est)
{
	struct xl_lru_cnt *c = bpf_map_lookup_elem(&xl_lrudet, key);

	if (!c) {
		struct xl_lru_cnt n = { .epoch = epoch, .pkts = 1, .bytes = len };

		est->pkts = 1;
		est->bytes = len;
		return bpf_map_update_elem(&xl_lrudet, key, &n, BPF_ANY) ? -1 : 0;
	}
	if (c->epoch != epoch) {
		c->epoch = epoch;
		c->pkts = 0;
		c->bytes = 0;
	}
	c->pkts += 1;
	c->bytes += len;
	est->pkts = c->pkts;
	est->bytes = c->bytes;
	return 0;
}

/* Count one packet of key; returns 1 when the flow's rate reached a threshold. */
static __always_inline int xl_detect(const struct xl_cfg *cfg, const struct xl_flow_key *key,
				     __u32 len, __u64 now)
{
	__u32 thr = cfg->hot_pkts ? cfg->hot_pkts : XL_DEFAULT_HOT_PKTS;
	__u32 epoch = xl_window(cfg, now);
	struct xl_est est;
	int err;

	if (!epoch)
		return 0;
	if (cfg->detector == XL_DET_LRU)
		err = xl_lru_count(key, epoch, len, &est);
	else
		err = xl_cms_count(cfg, key, epoch, len, &est);
	if (err)
		return 0;
	return est.pkts >= thr || (cfg->hot_bytes && est.bytes >= cfg->hot_bytes);
}

#endif /* XL_HOT_BPF_H */
