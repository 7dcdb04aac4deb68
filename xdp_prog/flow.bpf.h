/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow identity helpers shared by the rules (rules.bpf.h) and the detector (hot.bpf.h): the flow
 * cache slot (xl_flowc, every packet: three independent multiplies), the detector's seeded hash
 * (count-min cells, only packets the cache does not answer: five independent multiplies and a
 * finishing round), and a key comparison.
 */
#ifndef XL_FLOW_BPF_H
#define XL_FLOW_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "steer.h"

/*
 * The flow key as five 64-bit words (its struct is 8-byte aligned wherever it is compared: the
 * stack key is declared so, map values are). may_alias: the key's fields are also written and
 * read by name, and word and field accesses must not be reordered against each other.
 */
typedef __u64 __attribute__((may_alias)) xl_key_word;

/*
 * Word 0 (family, proto, sport, dport, zero pad) and an IPv4 address word (the address, then
 * zeros), as they lie in memory. The fast parsers store keys in whole words: xl_key_eq() and
 * the slot's key copy load words, and a load that spans several narrower stores still in flight
 * cannot take its value from them (store-to-load forwarding fails; it waits for them to reach
 * the cache).
 */
static __always_inline __u64 xl_key_word0(__u8 family, __u8 proto, __be16 sport, __be16 dport)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (__u64)family | (__u64)proto << 8 | (__u64)sport << 16 | (__u64)dport << 32;
#else
	return (__u64)family << 56 | (__u64)proto << 48 | (__u64)sport << 32 | (__u64)dport << 16;
#endif
}

static __always_inline __u64 xl_key_addr4(__be32 addr)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return addr;
#else
	return (__u64)addr << 32;
#endif
}

/*
 * The detector's seeded sum: every key word times its own odd multiplier, each multiplier a
 * constant XORed with the seed's 64-bit spread (so the collisions depend on the seed), the five
 * products independent of each other. Its low bits are not uniform yet (a product's bit i
 * depends only on bits 0..i of its input); xl_flow_hash() finishes it. Only packets that the
 * flow cache does not answer get here. (It replaced a two-word fold, xorshifts and multiplies in
 * a chain, with IPv6 addresses XOR-folded to 32 bits: a flow below the threshold went from 3.96x
 * to 3.82x of XDP_PASS for IPv4 and 4.18x to 3.88x for IPv6 in steer_bench, and the quality test
 * stayed at precision and recall 1.0.)
 */
static __always_inline __u64 xl_flow_seeded(const struct xl_flow_key *k, __u32 seed)
{
	const xl_key_word *w = (const xl_key_word *)k;
	__u64 s = (__u64)seed * 0x9e3779b97f4a7c15ULL;

	return w[0] * ((0x9e3779b97f4a7c15ULL ^ s) | 1) + w[1] * ((0xff51afd7ed558ccdULL ^ s) | 1) +
	       w[2] * ((0xc4ceb9fe1a85ec53ULL ^ s) | 1) + w[3] * ((0xd6e8feb86659fd93ULL ^ s) | 1) +
	       w[4] * ((0xa0761d6478bd642fULL ^ s) | 1);
}

/*
 * The flow cache slot: the top XL_FLOWC_BITS bits of a sum of three key words, each times its own
 * odd constant (vector multiply-shift), the seed folded into word 0 and an IPv6 address's two
 * halves XORed together (an IPv4 key's words 2 and 4 are zero, steer.h, so its words go in as
 * they are). The three products are independent, so their latencies overlap. A collision only
 * costs a lookup, never a decision. (Finishing the detector's hash here instead, as the slot once
 * was, cost 0.6 ns a packet for IPv4 and 1.4 ns for IPv6 in steer_bench; five products, one per
 * word, 0.3 ns more for IPv6.)
 */
static __always_inline __u32 xl_flow_slot(const struct xl_flow_key *k, __u32 seed)
{
	const xl_key_word *w = (const xl_key_word *)k;
	__u64 h = (w[0] ^ seed) * 0x9e3779b97f4a7c15ULL + (w[1] ^ w[2]) * 0xff51afd7ed558ccdULL +
		  (w[3] ^ w[4]) * 0xc4ceb9fe1a85ec53ULL;

	return (__u32)(h >> (64 - XL_FLOWC_BITS));
}

/*
 * The detector's 64-bit hash, finished from xl_flow_seeded() with an xorshift-multiply-xorshift
 * round so that its LOW bits, which index the count-min rows, depend on every key bit (top bits
 * of one product for both rows, multiply-shift, made the rows collide together: precision 0.94
 * to 0.97 on the quality test's structured flows, against 0.99 to 1.0 with a finishing round).
 */
static __always_inline __u64 xl_flow_hash(__u64 sum)
{
	sum ^= sum >> 32;
	sum *= 0x9e3779b97f4a7c15ULL;
	return sum ^ (sum >> 29);
}

/*
 * a: any key (a slot's, possibly empty); b: a parsed key. Both 8-byte aligned (stack key declared
 * aligned, map values are). An IPv4 b has zero words 2 and 4 (address words 1..3, steer.h), and
 * an a of another family differs from it in word 0 (family), so words 0, 1 and 3 decide.
 */
static __always_inline int xl_key_eq(const struct xl_flow_key *a, const struct xl_flow_key *b)
{
	const xl_key_word *x = (const xl_key_word *)a, *y = (const xl_key_word *)b;

	if (b->family == XL_FAMILY_V4)
		return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[3] ^ y[3]));
	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]));
}

#endif /* XL_FLOW_BPF_H */
