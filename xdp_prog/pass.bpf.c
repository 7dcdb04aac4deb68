// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xl_pass: the trivial XDP_PASS program, the baseline every steer_bench ratio is relative to. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xl_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
