/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The steering pipeline, shared by the two programs: parse -> one flow cache slot -> rules (its
 * verdict, or the rule maps) -> hot set (its hot mark, its front counter, or detection) ->
 * redirect to the AF_XDP socket of the RX queue, or XDP_PASS untouched with a counted reason.
 * xl_steer_body(ctx, 0) is xl_steer (steer.bpf.c); xl_steer_body(ctx, 1) is xl_steer_ts
 * (steer_ts.bpf.c), which also stamps every frame it steers (steer.h "RX stamps"). Two objects,
 * not one: the stamping program calls an XDP metadata kfunc, which makes libbpf resolve it
 * against the kernel's BTF at every load, a cost xl_steer does not pay.
 */
#ifndef XL_STEER_BODY_BPF_H
#define XL_STEER_BODY_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "steer.h"
#include "maps.bpf.h"
#include "parse.bpf.h"
#include "rules.bpf.h"
#include "hot.bpf.h"

static __always_inline int xl_to_kernel(struct xl_stats *st, int reason)
{
	if (reason >= 0 && reason < XL_PASS_MAX)
		st->passed[reason] += 1;
	return XDP_PASS;
}

/* The XDP RX metadata kfunc (device-bound programs only); weak: absent kernels load xl_steer. */
extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym __weak;

/* Writes struct xl_rx_meta in front of the frame; the frame stays as it was. */
static __always_inline void xl_stamp(struct xdp_md *ctx)
{
	struct xl_rx_meta *m;
	__u64 hw = 0, now = bpf_ktime_get_ns();
	int hw_ok = bpf_xdp_metadata_rx_timestamp(ctx, &hw) == 0 && hw != 0;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > (void *)(long)ctx->data)
		return;
	m->xdp_ns = now;
	m->rx_hw_ns = hw_ok ? hw : 0;
	m->src = hw_ok ? XL_TS_SRC_RX_META : XL_TS_SRC_KTIME;
	m->magic = XL_RX_META_MAGIC;
}

static __always_inline int xl_fast(struct xdp_md *ctx, struct xl_stats *st, int via,
				   const int stamp)
{
	if (stamp)
		xl_stamp(ctx);
	if (bpf_redirect_map(&xl_xsks, ctx->rx_queue_index, XDP_PASS) == XDP_REDIRECT) {
		if (via >= 0 && via < XL_VIA_MAX)
			st->steered[via] += 1;
		return XDP_REDIRECT;
	}
	st->fallbacks += 1;
	return XDP_PASS;
}

/*
 * A flow the flow cache answers alone (steer.h "Flow cache", hot set step 1): its slot holds it,
 * with a hot mark confirmed in this jiffy (so of the current window epoch: the detector's "now"
 * only moves with jiffies), and with a cached "no rule" verdict of the current xl_rgen and rule
 * kinds, or no rule kind is on. Not under XL_CFG_F_TEST_CLOCK (its "now" moves alone) or
 * XL_CFG_F_NO_VCACHE, and only for XL_DET_CMS, the detector that sets marks.
 */
static __always_inline int xl_cached_hot(const struct xl_cfg *cfg, __u32 flags,
					 const struct xl_fslot *fs, const struct xl_flow_key *key)
{
	__u32 rflags = flags & XL_CFG_F_RULES_ALL;

	if ((flags & (XL_CFG_F_HOT | XL_CFG_F_TEST_CLOCK | XL_CFG_F_NO_VCACHE)) != XL_CFG_F_HOT ||
	    cfg->detector == XL_DET_LRU)
		return 0;
	if (!fs->hot_epoch || fs->hot_tick != (__u32)bpf_jiffies64() || !xl_key_eq(&fs->key, key))
		return 0;
	if (!rflags)
		return 1;
	return fs->gen == xl_rgen_now() && fs->rflags == rflags && !fs->matched;
}

static __always_inline int xl_steer_body(struct xdp_md *ctx, const int stamp)
{
	struct xl_pkt p = {
		.data = (void *)(long)ctx->data,
		.data_end = (void *)(long)ctx->data_end,
	};
	struct xl_flow_key key __attribute__((aligned(8))) = {};
	struct xl_decision d;
	struct xl_stats *st;
	const struct xl_cfg *cfg = &xl_cfg;
	struct xl_fslot *fs;
	__u32 zero = 0, flags, si;
	int ret, same;

	st = bpf_map_lookup_elem(&xl_stats, &zero);
	if (!st)
		return XDP_PASS;
	st->seen += 1;
	p.len = p.data_end - p.data;
	p.limit = p.len;

	ret = xl_parse(&p, &key);
	if (ret != XL_PARSE_OK)
		return xl_to_kernel(st, ret);

	flags = cfg->flags;
	if (!(flags & (XL_CFG_F_RULES_ALL | XL_CFG_F_HOT)))
		return xl_to_kernel(st, XL_PASS_NO_MATCH);
	si = xl_flow_slot(&key, cfg->hash_seed);
	fs = bpf_map_lookup_elem(&xl_flowc, &si);
	if (fs && xl_cached_hot(cfg, flags, fs, &key))
		return xl_fast(ctx, st, XL_VIA_HOT, stamp);

	if (flags & XL_CFG_F_RULES_ALL) {
		d = xl_rules_decide(flags, &key, fs);
		same = d.same;
		if (d.matched) {
			xl_rule_hit(d.id);
			if (d.action != XL_ACT_FAST)
				return xl_to_kernel(st, XL_PASS_RULE);
			return xl_fast(ctx, st, d.via, stamp);
		}
	} else {
		same = fs && xl_key_eq(&fs->key, &key);
	}

	if ((flags & XL_CFG_F_HOT) && xl_hot_step(cfg, st, &key, p.len, fs, same) == XL_HOT_YES)
		return xl_fast(ctx, st, XL_VIA_HOT, stamp);
	return xl_to_kernel(st, XL_PASS_NO_MATCH);
}

#endif /* XL_STEER_BODY_BPF_H */
