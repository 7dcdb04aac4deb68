// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xl_steer: the XDP program of xlane (the pipeline is steer_body.bpf.h; the behaviour is
 * specified in steer.h).
 */
#include "steer_body.bpf.h"

SEC("xdp")
int xl_steer(struct xdp_md *ctx)
{
	return xl_steer_body(ctx, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
