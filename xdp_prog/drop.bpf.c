// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xl_drop: XDP_DROP for every frame. scripts/rx-ceiling.sh attaches it to measure the receive
 * path's ceiling on an interface: what the driver and XDP alone sustain, before any redirect,
 * copy into a UMEM or user-space receiver (bench/latency/README.md "Receive ceiling").
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xl_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
