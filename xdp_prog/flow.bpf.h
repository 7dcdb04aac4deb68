/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow identity helpers shared by the rule verdict cache (rules.bpf.h) and the detector
 * (hot.bpf.h): one seeded hash per packet, whose bits index the count-min rows (0..31), the hot
 * set cache (32..43) and the verdict cache (48..59), and a key comparison.
 */
#ifndef XL_FLOW_BPF_H
#define XL_FLOW_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "steer.h"

static __always_inline __u64 xl_mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * Seeded 64-bit hash of the flow key; IPv6 addresses are XOR-folded to 32 bits first. Two full
 * fmix64 rounds: a single multiply only carries address bits upwards, which made structured
 * address/port sets collide.
 */
static __always_inline __u64 xl_flow_hash(const struct xl_flow_key *k, __u32 seed)
{
	__u32 s = k->saddr[0] ^ k->saddr[1] ^ k->saddr[2] ^ k->saddr[3];
	__u32 d = k->daddr[0] ^ k->daddr[1] ^ k->daddr[2] ^ k->daddr[3];
	__u64 a = ((__u64)s << 32) | d;
	__u64 b = ((__u64)k->sport << 48) | ((__u64)k->dport << 32) | ((__u64)k->proto << 24) |
		  k->family;

	return xl_mix64(xl_mix64(a ^ ((__u64)seed * 0x9e3779b97f4a7c15ULL)) ^ b);
}

/* Both keys 8-byte aligned (stack key declared aligned, map values are). */
static __always_inline int xl_key_eq(const struct xl_flow_key *a, const struct xl_flow_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]));
}

#endif /* XL_FLOW_BPF_H */
