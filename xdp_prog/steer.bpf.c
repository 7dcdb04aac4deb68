// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xl_steer: the XDP program of xlane. Parse -> rules (via the verdict cache) -> hot set (+
 * detection) -> redirect to the AF_XDP socket of the RX queue, or XDP_PASS untouched with a
 * counted reason. The behaviour is specified in steer.h; this file only wires the pieces.
 */
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

static __always_inline int xl_fast(struct xdp_md *ctx, struct xl_stats *st, int via)
{
	if (bpf_redirect_map(&xl_xsks, ctx->rx_queue_index, XDP_PASS) == XDP_REDIRECT) {
		if (via >= 0 && via < XL_VIA_MAX)
			st->steered[via] += 1;
		return XDP_REDIRECT;
	}
	st->fallbacks += 1;
	return XDP_PASS;
}

SEC("xdp")
int xl_steer(struct xdp_md *ctx)
{
	struct xl_pkt p = {
		.data = (void *)(long)ctx->data,
		.data_end = (void *)(long)ctx->data_end,
	};
	struct xl_flow_key key __attribute__((aligned(8))) = {};
	struct xl_decision d;
	struct xl_stats *st;
	struct xl_cfg *cfg;
	__u32 zero = 0, flags;
	__u64 h;
	int ret;

	st = bpf_map_lookup_elem(&xl_stats, &zero);
	cfg = bpf_map_lookup_elem(&xl_cfg, &zero);
	if (!st || !cfg)
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
	/* one hash per packet: verdict cache slot and detector cells */
	h = xl_flow_hash(&key, cfg->hash_seed);

	if (flags & XL_CFG_F_RULES_ALL) {
		d = xl_rules_decide(flags, &key, h);
		if (d.matched) {
			xl_rule_hit(d.id);
			if (d.action != XL_ACT_FAST)
				return xl_to_kernel(st, XL_PASS_RULE);
			return xl_fast(ctx, st, d.via);
		}
	}

	if ((flags & XL_CFG_F_HOT) && xl_hot_step(cfg, st, &key, p.len, h) == XL_HOT_YES)
		return xl_fast(ctx, st, XL_VIA_HOT);
	return xl_to_kernel(st, XL_PASS_NO_MATCH);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
