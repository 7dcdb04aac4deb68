// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xl_steer_ts: xl_steer plus the RX stamp of every frame it steers (steer.h "RX stamps"). Loaded
 * only for `xlane run --rx-stamp`, bound to one device (the metadata kfunc needs that).
 */
#include "steer_body.bpf.h"

SEC("xdp")
int xl_steer_ts(struct xdp_md *ctx)
{
	return xl_steer_body(ctx, 1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
