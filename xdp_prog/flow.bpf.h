/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow identity helpers shared by the rules (rules.bpf.h) and the detector (hot.bpf.h): one
 * seeded hash per packet, whose bits index the count-min rows (0..31) and the flow cache xl_flowc
 * (32..), and a key comparison.
 */
#ifndef XL_FLOW_BPF_H
#define XL_FLOW_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "steer.h"

/*
 * Seeded 64-bit hash of the flow key; IPv6 addresses are XOR-folded to 32 bits first. The
 * addresses and the rest of the key are premixed in parallel (xorshift, multiply), the two halves
 * joined with one swapped, and the sum goes through one more xorshift-multiply-xorshift round:
 * half the dependent chain of two full fmix64 rounds, with every key bit reaching every hash bit.
 * (A single multiply only carries bits upwards, which made structured address/port sets collide
 * in the low bits that index the sketch.)
 */
static __always_inline __u64 xl_flow_hash(const struct xl_flow_key *k, __u32 seed)
{
	__u32 s = k->saddr[0] ^ k->saddr[1] ^ k->saddr[2] ^ k->saddr[3];
	__u32 d = k->daddr[0] ^ k->daddr[1] ^ k->daddr[2] ^ k->daddr[3];
	__u64 a = (((__u64)s << 32) | d) ^ ((__u64)seed * 0x9e3779b97f4a7c15ULL);
	__u64 b = ((__u64)k->sport << 48) | ((__u64)k->dport << 32) | ((__u64)k->proto << 24) |
		  k->family;
	__u64 x = (a ^ (a >> 31)) * 0xff51afd7ed558ccdULL;
	__u64 y = (b ^ (b >> 29)) * 0xc4ceb9fe1a85ec53ULL;
	__u64 z = x ^ ((y >> 32) | (y << 32));

	z ^= z >> 32;
	z *= 0x9e3779b97f4a7c15ULL;
	return z ^ (z >> 29);
}

/* Both keys 8-byte aligned (stack key declared aligned, map values are). */
static __always_inline int xl_key_eq(const struct xl_flow_key *a, const struct xl_flow_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]));
}

#endif /* XL_FLOW_BPF_H */
