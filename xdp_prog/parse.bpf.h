/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing for xl_steer: Ethernet, up to XL_VLAN_MAX VLAN tags, IPv4 (options, fragments),
 * IPv6 (extension header walk bounded by XL_IPV6_EXT_MAX), UDP and TCP. The exact rules, their
 * order and the pass reason of each failure are specified in steer.h ("Parsing"); this file is
 * their only BPF implementation. Nothing here writes to the packet. xl_parse_fast4() and
 * xl_parse_fast6() answer the common case (untagged IPv4 without options, or IPv6 without
 * extension headers, carrying UDP or TCP) in one bounds check each and defer
 * everything else, including every failure, to the general path, so reasons are named once.
 */
#ifndef XL_PARSE_BPF_H
#define XL_PARSE_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "steer.h"
#include "flow.bpf.h"

/* Returned by xl_parse() when the frame is a fully parsed UDP/TCP packet. */
#define XL_PARSE_OK XL_PASS_MAX

/*
 * Largest offset a header may start at. XDP frames (linear part) are smaller than a page, so
 * this bound never changes a verdict; it only gives the verifier a range for variable offsets.
 */
#define XL_MAX_OFF	0x3fffU

#define XL_ETH_P_8021Q	0x8100
#define XL_ETH_P_8021AD 0x88A8
#define XL_ETH_P_IP	0x0800
#define XL_ETH_P_IPV6	0x86DD

#define XL_NH_HOPOPTS	0
#define XL_NH_ROUTING	43
#define XL_NH_FRAGMENT	44
#define XL_NH_DSTOPTS	60

struct xl_pkt {
	void *data;
	void *data_end;
	__u32 limit; /* offset of `end` (see steer.h) */
	__u32 len;   /* frame length (linear part) */
};

/* Pointer to len bytes at off, or NULL if they do not all lie before `end`. */
static __always_inline void *xl_hdr(const struct xl_pkt *p, __u32 off, const __u32 len)
{
	void *h;

	if (off > XL_MAX_OFF || off + len > p->limit)
		return NULL;
	h = p->data + off;
	if (h + len > p->data_end)
		return NULL;
	return h;
}

/* An IPv6 header's addresses into *key, as whole key words (see xl_key_word0()) */
static __always_inline void xl_ipv6_addrs(const __u8 *ip, struct xl_flow_key *key)
{
	xl_key_word *w = (xl_key_word *)key;
	const xl_key_word *a = (const xl_key_word *)(ip + 8);

	w[1] = a[0];
	w[2] = a[1];
	w[3] = a[2];
	w[4] = a[3];
}

static __always_inline int xl_parse_l4(struct xl_pkt *p, __u32 off, __u8 proto,
				       struct xl_flow_key *key)
{
	if (proto == IPPROTO_UDP) {
		__be16 *udp = xl_hdr(p, off, 8);
		__u16 ulen;

		if (!udp)
			return XL_PASS_TRUNCATED;
		ulen = bpf_ntohs(udp[2]);
		if (ulen < 8 || ulen > p->limit - off)
			return XL_PASS_BAD_L4;
		key->sport = udp[0];
		key->dport = udp[1];
	} else if (proto == IPPROTO_TCP) {
		__u8 *tcp = xl_hdr(p, off, 20);
		__u32 doff;

		if (!tcp)
			return XL_PASS_TRUNCATED;
		doff = (tcp[12] >> 4) * 4;
		if (doff < 20)
			return XL_PASS_BAD_L4;
		if (off + doff > p->limit)
			return XL_PASS_TRUNCATED;
		key->sport = ((__be16 *)tcp)[0];
		key->dport = ((__be16 *)tcp)[1];
	} else {
		return XL_PASS_NOT_L4;
	}
	key->proto = proto;
	return XL_PARSE_OK;
}

static __always_inline int xl_parse_ipv4(struct xl_pkt *p, __u32 off, struct xl_flow_key *key)
{
	__u8 *ip = xl_hdr(p, off, 20);
	__u32 ihl, tot;

	if (!ip)
		return XL_PASS_TRUNCATED;
	ihl = (ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20)
		return XL_PASS_BAD_IPV4;
	if (off + ihl > p->limit)
		return XL_PASS_TRUNCATED;
	tot = bpf_ntohs(*(__be16 *)(ip + 2));
	if (tot < ihl || tot > p->limit - off)
		return XL_PASS_BAD_IPV4;
	p->limit = off + tot;
	/* MF (0x2000) or a fragment offset (0x1fff): every piece goes to the kernel. */
	if (*(__be16 *)(ip + 6) & bpf_htons(0x3fff))
		return XL_PASS_FRAGMENT;
	key->family = XL_FAMILY_V4;
	key->saddr[0] = *(__be32 *)(ip + 12);
	key->daddr[0] = *(__be32 *)(ip + 16);
	return xl_parse_l4(p, off + ihl, ip[9], key);
}

static __always_inline int xl_parse_ipv6(struct xl_pkt *p, __u32 off, struct xl_flow_key *key)
{
	__u8 *ip = xl_hdr(p, off, 40);
	__u32 plen, i;
	__u8 nh;

	if (!ip)
		return XL_PASS_TRUNCATED;
	if ((ip[0] >> 4) != 6)
		return XL_PASS_BAD_IPV6;
	plen = bpf_ntohs(*(__be16 *)(ip + 4));
	if (40 + plen > p->limit - off)
		return XL_PASS_BAD_IPV6;
	p->limit = off + 40 + plen;
	key->family = XL_FAMILY_V6;
	xl_ipv6_addrs(ip, key);
	nh = ip[6];
	off += 40;

#pragma unroll
	for (i = 0; i < XL_IPV6_EXT_MAX; i++) {
		__u8 *ext;

		if (nh != XL_NH_HOPOPTS && nh != XL_NH_ROUTING && nh != XL_NH_DSTOPTS &&
		    nh != XL_NH_FRAGMENT)
			break;
		ext = xl_hdr(p, off, 8);
		if (!ext)
			return XL_PASS_TRUNCATED;
		if (nh == XL_NH_FRAGMENT) {
			/* offset (upper 13 bits) != 0 or M flag (bit 0): a real fragment */
			if (*(__be16 *)(ext + 2) & bpf_htons(0xfff9))
				return XL_PASS_FRAGMENT;
			off += 8;
		} else {
			off += ((__u32)ext[1] + 1) * 8;
			if (off > p->limit)
				return XL_PASS_TRUNCATED;
		}
		nh = ext[0];
	}
	if (nh == XL_NH_HOPOPTS || nh == XL_NH_ROUTING || nh == XL_NH_DSTOPTS ||
	    nh == XL_NH_FRAGMENT)
		return XL_PASS_IPV6_EXT_DEPTH;
	return xl_parse_l4(p, off, nh, key);
}

/*
 * For the fast paths: whether a UDP or TCP header of which 20 bytes lie in the frame passes the
 * general path's L4 checks with l4len bytes from it to `end` (which implies l4len >= 8 or 20).
 */
static __always_inline int xl_fast_l4_ok(__u8 proto, const __u8 *l4, __u32 l4len)
{
	if (proto == IPPROTO_UDP) {
		__u32 ulen = bpf_ntohs(*(__be16 *)(l4 + 4));

		return ulen >= 8 && ulen <= l4len;
	}
	if (proto == IPPROTO_TCP) {
		__u32 doff = (l4[12] >> 4) * 4;

		return doff >= 20 && doff <= l4len;
	}
	return 0;
}

/*
 * The common case in one bounds check: untagged IPv4 without options, not a fragment, carrying
 * UDP or TCP whose header fits. Returns XL_PARSE_OK with *key filled, in whole words
 * (xl_key_word0(); words 2 and 4 stay as the caller zeroed them, as for the general path), only
 * when every check of the general path (below) passes, which then gives the same key; anything
 * else returns -1 and leaves *key untouched, and the general path decides (and names the
 * reason).
 */
static __always_inline int xl_parse_fast4(const struct xl_pkt *p, struct xl_flow_key *key)
{
	__u8 *eth = p->data, *ip = eth + ETH_HLEN, *l4 = ip + 20;
	xl_key_word *w = (xl_key_word *)key;
	__u32 tot, l4len;

	if (l4 + 20 > (__u8 *)p->data_end) /* the larger of the two L4 headers */
		return -1;
	if (*(__be16 *)(eth + 12) != bpf_htons(XL_ETH_P_IP) || ip[0] != 0x45 ||
	    (*(__be16 *)(ip + 6) & bpf_htons(0x3fff)))
		return -1;
	tot = bpf_ntohs(*(__be16 *)(ip + 2));
	if (tot > p->len - ETH_HLEN || tot < 20)
		return -1;
	l4len = tot - 20; /* bytes from the L4 header to `end` */
	if (!xl_fast_l4_ok(ip[9], l4, l4len))
		return -1;
	w[0] = xl_key_word0(XL_FAMILY_V4, ip[9], *(__be16 *)l4, *(__be16 *)(l4 + 2));
	w[1] = xl_key_addr4(*(__be32 *)(ip + 12));
	w[3] = xl_key_addr4(*(__be32 *)(ip + 16));
	return XL_PARSE_OK;
}

/* The same for untagged IPv6 without extension headers. */
static __always_inline int xl_parse_fast6(const struct xl_pkt *p, struct xl_flow_key *key)
{
	__u8 *eth = p->data, *ip = eth + ETH_HLEN, *l4 = ip + 40;
	xl_key_word *w = (xl_key_word *)key;
	__u32 plen;

	if (l4 + 20 > (__u8 *)p->data_end)
		return -1;
	if (*(__be16 *)(eth + 12) != bpf_htons(XL_ETH_P_IPV6) || (ip[0] >> 4) != 6)
		return -1;
	plen = bpf_ntohs(*(__be16 *)(ip + 4)); /* bytes from the L4 header to `end` */
	if (plen > p->len - ETH_HLEN - 40 || !xl_fast_l4_ok(ip[6], l4, plen))
		return -1;
	w[0] = xl_key_word0(XL_FAMILY_V6, ip[6], *(__be16 *)l4, *(__be16 *)(l4 + 2));
	xl_ipv6_addrs(ip, key);
	return XL_PARSE_OK;
}

/**
 * xl_parse() - classify a frame into a flow key.
 * Return: XL_PARSE_OK with *key filled (padding and unused address words zero), or the
 * enum xl_pass_reason that sends the frame to the kernel.
 */
static __always_inline int xl_parse(struct xl_pkt *p, struct xl_flow_key *key)
{
	__u32 off = ETH_HLEN, i;
	__u16 *eth;
	__be16 type;

	if (xl_parse_fast4(p, key) == XL_PARSE_OK || xl_parse_fast6(p, key) == XL_PARSE_OK)
		return XL_PARSE_OK;
	eth = xl_hdr(p, 0, ETH_HLEN);
	if (!eth)
		return XL_PASS_TRUNCATED;
	type = eth[6];

#pragma unroll
	for (i = 0; i < XL_VLAN_MAX + 1; i++) {
		__be16 *tag;

		if (type != bpf_htons(XL_ETH_P_8021Q) && type != bpf_htons(XL_ETH_P_8021AD))
			break;
		if (i == XL_VLAN_MAX)
			return XL_PASS_VLAN_DEPTH;
		tag = xl_hdr(p, off, 4);
		if (!tag)
			return XL_PASS_TRUNCATED;
		type = tag[1];
		off += 4;
	}

	if (type == bpf_htons(XL_ETH_P_IP))
		return xl_parse_ipv4(p, off, key);
	if (type == bpf_htons(XL_ETH_P_IPV6))
		return xl_parse_ipv6(p, off, key);
	return XL_PASS_NOT_IP;
}

#endif /* XL_PARSE_BPF_H */
