/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Hot set and hot-flow detection (steer.h "Hot set and detection"): per-CPU windows, a count-min
 * sketch with conservative update and lazily reset cells whose hot_epoch marks make a per-packet
 * xl_hot lookup unnecessary for flows that are not hot, and, in the per-CPU flow cache xl_flowc
 * (shared with the rule verdicts), hot marks and front counters that spare most packets the
 * sketch. XL_DET_LRU is the plain alternative that steer_bench compares against.
 */
#ifndef XL_HOT_BPF_H
#define XL_HOT_BPF_H

#include "maps.bpf.h"
#include "flow.bpf.h"

_Static_assert(XL_CMS_ROWS == 2, "xl_hot_cms() derives exactly two row indexes");
_Static_assert((XL_CMS_WIDTH & (XL_CMS_WIDTH - 1)) == 0, "XL_CMS_WIDTH is a power of two");
_Static_assert(XL_CMS_WIDTH <= (1U << 16), "row indexes are hash bits 0..15 and 16..31");
_Static_assert(XL_FLOWC_BITS >= 1 && XL_FLOWC_BITS <= 32, "xl_flow_slot() takes 1..32 bits");

enum xl_hot_verdict {
	XL_HOT_NO = 0, /* not hot: XL_PASS_NO_MATCH */
	XL_HOT_YES,    /* steer via the hot set */
};

/*
 * "now" for this packet. bpf_ktime_get_coarse_ns() only changes at a tick, like jiffies, so it is
 * read again only when jiffies moved (bpf_jiffies64() is inlined by the JIT; the clock helper costs
 * about as much as the rest of the detector). May lag the coarse clock by at most one tick.
 */
static __always_inline __u64 xl_now(const struct xl_cfg *cfg, struct xl_win *w)
{
	__u64 j;

	if (cfg->flags & XL_CFG_F_TEST_CLOCK)
		return cfg->test_clock_ns;
	j = bpf_jiffies64();
	if (j != w->jiffies) {
		w->jiffies = j;
		w->now_ns = bpf_ktime_get_coarse_ns();
	}
	return w->now_ns;
}

/* Start a new window in w when due (steer.h "Windows"). */
static __always_inline void xl_window(const struct xl_cfg *cfg, struct xl_win *w, __u64 now)
{
	__u64 win_ns = cfg->window_ns ? cfg->window_ns : XL_DEFAULT_WINDOW_NS;

	if (w->epoch == 0 || now - w->start_ns >= win_ns || now < w->start_ns) {
		__u64 idle = cfg->idle_ns ? cfg->idle_ns : XL_DEFAULT_IDLE_NS;
		__u64 hold = idle / win_ns + 1;

		w->epoch = w->epoch + 1 ? w->epoch + 1 : 1;
		w->start_ns = now;
		w->hold = hold > 0xffffffffULL ? 0xffffffffU : (__u32)hold;
	}
}

static __always_inline int xl_over(const struct xl_cfg *cfg, __u32 pkts, __u64 bytes)
{
	__u32 thr = cfg->hot_pkts ? cfg->hot_pkts : XL_DEFAULT_HOT_PKTS;

	return pkts >= thr || (cfg->hot_bytes && bytes >= cfg->hot_bytes);
}

static __always_inline int xl_promote(struct xl_stats *st, const struct xl_flow_key *key, __u64 now,
				      __u32 pkts, __u64 bytes)
{
	struct xl_hot_val nv = {
		.promoted_ns = now,
		.last_seen_ns = now,
		.promo_pkts = pkts,
		.promo_bytes = bytes,
	};

	if (!bpf_map_update_elem(&xl_hot, key, &nv, BPF_NOEXIST))
		st->hot_promotions += 1;
	return XL_HOT_YES;
}

static __always_inline __u32 xl_sat32(__u64 v)
{
	return v > 0xffffffffULL ? 0xffffffffU : (__u32)v;
}

/*
 * Conservative update of the flow's cells c0 and c1 with a weight of pkts packets and bytes
 * bytes in window epoch ep: est = min(cells) + weight, each cell raised to at most est. Returns
 * est in *pk and *by.
 */
static __always_inline void xl_cms_add(struct xl_cms_cell *c0, struct xl_cms_cell *c1, __u32 ep,
				       __u32 pkts, __u32 bytes, __u32 *pk, __u32 *by)
{
	__u32 p0 = c0->epoch == ep ? c0->pkts : 0, b0 = c0->epoch == ep ? c0->bytes : 0;
	__u32 p1 = c1->epoch == ep ? c1->pkts : 0, b1 = c1->epoch == ep ? c1->bytes : 0;
	__u32 p = xl_sat32((__u64)(p0 < p1 ? p0 : p1) + pkts);
	__u32 b = xl_sat32((__u64)(b0 < b1 ? b0 : b1) + bytes);

	c0->epoch = ep;
	c0->pkts = p0 > p ? p0 : p;
	c0->bytes = b0 > b ? b0 : b;
	c1->epoch = ep;
	c1->pkts = p1 > p ? p1 : p;
	c1->bytes = b1 > b ? b1 : b;
	*pk = p;
	*by = b;
}

/*
 * The front counter (steer.h "Hot set and detection", step 2): a packet of the flow that fc
 * holds, when its pending count plus this packet stays below the thresholds on top of its last
 * estimate, is counted there alone. The caller has checked that fc is of the current window.
 * Returns 1 when the packet was counted.
 */
static __always_inline int xl_fcnt_take(const struct xl_cfg *cfg, struct xl_fcnt *fc,
					const struct xl_flow_key *key, __u32 len)
{
	__u32 pk, by;

	if (!xl_key_eq(&fc->key, key))
		return 0;
	pk = fc->pkts + 1;
	by = xl_sat32((__u64)fc->bytes + len);
	if (xl_over(cfg, xl_sat32((__u64)fc->est_pkts + pk), (__u64)fc->est_bytes + by))
		return 0;
	fc->pkts = pk;
	fc->bytes = by;
	fc->tick = (__u32)bpf_jiffies64();
	return 1;
}

/*
 * Step 2 before the window is looked at: an entry written in this jiffy is of the current window
 * ("now" only moves with jiffies, as for the hot mark of step 1). Not under XL_CFG_F_TEST_CLOCK
 * (its "now" moves alone), and only for XL_DET_CMS. Returns 1 when the packet was counted.
 */
static __always_inline int xl_fcnt_quick(const struct xl_cfg *cfg, struct xl_fcnt *fc,
					 const struct xl_flow_key *key, __u32 len)
{
	if ((cfg->flags & XL_CFG_F_TEST_CLOCK) || cfg->detector == XL_DET_LRU || !fc->epoch ||
	    fc->tick != (__u32)bpf_jiffies64())
		return 0;
	return xl_fcnt_take(cfg, fc, key, len);
}

/* What fc holds for this window reaches the sketch, and fc's estimate follows it. */
static __always_inline void xl_fcnt_flush(const struct xl_cfg *cfg, struct xl_fcnt *fc, __u32 ep)
{
	struct xl_cms_cell *d0, *d1;
	__u32 j0, j1;
	__u64 h;

	if (fc->epoch != ep || !fc->pkts)
		return;
	h = xl_flow_hash(xl_flow_seeded(&fc->key, cfg->hash_seed));
	j0 = h & (XL_CMS_WIDTH - 1);
	j1 = XL_CMS_WIDTH + ((h >> 16) & (XL_CMS_WIDTH - 1));
	d0 = bpf_map_lookup_elem(&xl_cms, &j0);
	d1 = bpf_map_lookup_elem(&xl_cms, &j1);
	if (!d0 || !d1)
		return;
	xl_cms_add(d0, d1, ep, fc->pkts, fc->bytes, &fc->est_pkts, &fc->est_bytes);
	fc->pkts = 0;
	fc->bytes = 0;
}

/*
 * XL_DET_CMS: the default path, see steer.h for the per-packet steps. fs: the flow's slot in
 * xl_flowc; same: whether it holds this flow. fs->fc is the slot's front counter.
 */
static __always_inline int xl_hot_cms(const struct xl_cfg *cfg, struct xl_stats *st,
				      const struct xl_flow_key *key, __u32 len,
				      const struct xl_win *w, __u64 now, struct xl_fslot *fs,
				      int same)
{
	struct xl_fcnt *fc;
	struct xl_cms_cell *c0, *c1;
	struct xl_hot_val *hv;
	__u32 i0, i1, ep, pk, by;
	__u64 h;

	if (!fs)
		return XL_HOT_NO;
	fc = &fs->fc;
	ep = w->epoch;
	/* a mark of this epoch implies both cells were marked in it (marks only move forward), so
	 * checking the slot first is the same test as steps 1 and 3, cheaper */
	if (same && fs->hot_epoch == ep) {
		fs->hot_tick = (__u32)bpf_jiffies64();
		return XL_HOT_YES;
	}
	if (fc->epoch == ep && xl_fcnt_take(cfg, fc, key, len))
		return XL_HOT_NO;
	xl_fcnt_flush(cfg, fc, ep);
	h = xl_flow_hash(xl_flow_seeded(key, cfg->hash_seed));
	i0 = h & (XL_CMS_WIDTH - 1);
	i1 = XL_CMS_WIDTH + ((h >> 16) & (XL_CMS_WIDTH - 1));
	c0 = bpf_map_lookup_elem(&xl_cms, &i0);
	c1 = bpf_map_lookup_elem(&xl_cms, &i1);
	if (!c0 || !c1)
		return XL_HOT_NO;

	if (c0->hot_epoch && c1->hot_epoch && ep - c0->hot_epoch <= w->hold &&
	    ep - c1->hot_epoch <= w->hold) {
		hv = bpf_map_lookup_elem(&xl_hot, key);
		if (hv) {
			hv->last_seen_ns = now;
			goto confirm;
		}
	}

	xl_cms_add(c0, c1, ep, 1, len, &pk, &by);
	if (!xl_over(cfg, pk, by)) {
		/* this flow takes the front counter over (what it held is in the sketch now) */
		__builtin_memcpy(&fc->key, key, sizeof(fc->key));
		fc->epoch = ep;
		fc->pkts = 0;
		fc->bytes = 0;
		fc->est_pkts = pk;
		fc->est_bytes = by;
		fc->tick = (__u32)bpf_jiffies64();
		return XL_HOT_NO;
	}
	xl_promote(st, key, now, pk, by);
confirm:
	c0->hot_epoch = ep;
	c1->hot_epoch = ep;
	if (!same) {
		__builtin_memcpy(&fs->key, key, sizeof(fs->key));
		fs->rflags = XL_FSLOT_NO_VERDICT;
	}
	fs->hot_epoch = ep;
	fs->hot_tick = (__u32)bpf_jiffies64();
	return XL_HOT_YES;
}

/* XL_DET_LRU: xl_hot lookup on every packet, exact window counts in an LRU per-CPU hash. */
static __always_inline int xl_hot_lru(const struct xl_cfg *cfg, struct xl_stats *st,
				      const struct xl_flow_key *key, __u32 len,
				      const struct xl_win *w, __u64 now)
{
	struct xl_hot_val *hv = bpf_map_lookup_elem(&xl_hot, key);
	struct xl_lru_cnt *c;

	if (hv) {
		hv->last_seen_ns = now;
		return XL_HOT_YES;
	}
	c = bpf_map_lookup_elem(&xl_lrudet, key);
	if (!c) {
		struct xl_lru_cnt n = {.epoch = w->epoch, .pkts = 1, .bytes = len};

		if (bpf_map_update_elem(&xl_lrudet, key, &n, BPF_ANY))
			return XL_HOT_NO;
		if (!xl_over(cfg, 1, len))
			return XL_HOT_NO;
		return xl_promote(st, key, now, 1, len);
	}
	if (c->epoch != w->epoch) {
		c->epoch = w->epoch;
		c->pkts = 0;
		c->bytes = 0;
	}
	c->pkts += 1;
	c->bytes += len;
	if (!xl_over(cfg, c->pkts, c->bytes))
		return XL_HOT_NO;
	return xl_promote(st, key, now, c->pkts, c->bytes);
}

/* fs, same: the flow's slot in xl_flowc (or NULL) and whether it holds this flow */
static __always_inline int xl_hot_step(const struct xl_cfg *cfg, struct xl_stats *st,
				       const struct xl_flow_key *key, __u32 len,
				       struct xl_fslot *fs, int same)
{
	__u32 zero = 0;
	struct xl_win *w;
	__u64 now;

	/* a flow below the threshold, counted in its slot's front counter (step 2) without a look
	 * at the window */
	if (fs && xl_fcnt_quick(cfg, &fs->fc, key, len))
		return XL_HOT_NO;
	w = bpf_map_lookup_elem(&xl_win, &zero);
	if (!w)
		return XL_HOT_NO;
	now = xl_now(cfg, w);
	xl_window(cfg, w, now);
	if (cfg->detector == XL_DET_LRU)
		return xl_hot_lru(cfg, st, key, len, w, now);
	return xl_hot_cms(cfg, st, key, len, w, now, fs, same);
}

#endif /* XL_HOT_BPF_H */
