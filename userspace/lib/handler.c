// SPDX-License-Identifier: BSD-2-Clause
/*
 * Built-in handlers: echo (UDP/TCP reflector), drop, count, fwd; echo-ts lives in
 * handler_ts.c.
 *
 * Echo swaps Ethernet, IP and L4 port fields in place. The IPv4 header checksum and the UDP/TCP
 * checksums are one's-complement sums over 16-bit words, which do not depend on word order, and
 * the pseudo-header contains both addresses: swapping source and destination leaves every
 * checksum valid. No field is otherwise changed (TTL/hop limit included), so no checksum needs an
 * update and a frame that arrived with a full checksum leaves with one.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <string.h>

#include "frame.h"
#include "handler.h"

#define ETH_P_8021Q_  0x8100
#define ETH_P_8021AD_ 0x88A8

static inline void swap_bytes(uint8_t *a, uint8_t *b, unsigned int n)
{
	uint8_t t[16];

	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

static inline int is_v6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60; /* hop-by-hop, routing, destination options */
}

int xl_frame_l4(const uint8_t *data, uint32_t len, struct xl_frame_l4 *f)
{
	uint32_t off = ETH_HLEN, l4;
	uint16_t proto;
	uint8_t nh;
	int tags = 0;

	if (!data || len < ETH_HLEN)
		return -1;
	proto = (uint16_t)(data[12] << 8 | data[13]);
	while ((proto == ETH_P_8021Q_ || proto == ETH_P_8021AD_) && tags < 2) {
		if (len < off + 4)
			return -1;
		proto = (uint16_t)(data[off + 2] << 8 | data[off + 3]);
		off += 4;
		tags++;
	}
	if (proto == ETH_P_IP) {
		uint32_t ihl;

		if (len < off + 20 || (data[off] >> 4) != 4)
			return -1;
		ihl = (uint32_t)(data[off] & 0xf) * 4;
		if (ihl < 20 || len < off + ihl)
			return -1;
		/* fragments are not reflected: the ports are not in every piece */
		if ((data[off + 6] & 0x3f) || data[off + 7])
			return -1;
		nh = data[off + 9];
		l4 = off + ihl;
		f->v6 = 0;
	} else if (proto == ETH_P_IPV6) {
		int n = 0;

		if (len < off + 40 || (data[off] >> 4) != 6)
			return -1;
		nh = data[off + 6];
		l4 = off + 40;
		while (is_v6_ext(nh) && n++ < 6) {
			if (len < l4 + 8)
				return -1;
			nh = data[l4];
			l4 += ((uint32_t)data[l4 + 1] + 1) * 8;
		}
		f->v6 = 1;
	} else {
		return -1;
	}
	if ((nh != IPPROTO_UDP && nh != IPPROTO_TCP) || len < l4 + 4)
		return -1;
	f->l3 = off;
	f->l4 = l4;
	f->proto = nh;
	return 0;
}

enum xl_verdict xl_frame_echo(uint8_t *data, uint32_t len, struct xl_frame_l4 *f)
{
	if (xl_frame_l4(data, len, f))
		return XL_VERDICT_DROP;
	if (f->v6)
		swap_bytes(data + f->l3 + 8, data + f->l3 + 24, 16);
	else
		swap_bytes(data + f->l3 + 12, data + f->l3 + 16, 4);
	swap_bytes(data + f->l4, data + f->l4 + 2, 2); /* ports */
	swap_bytes(data, data + 6, 6);		       /* MACs */
	return XL_VERDICT_TX;
}

enum xl_verdict xl_handler_echo_frame(uint8_t *data, uint32_t len)
{
	struct xl_frame_l4 f;

	return xl_frame_echo(data, len, &f);
}

static void echo_batch(void *ctx, struct xl_pkt *pkts, unsigned int n)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < n; i++)
		pkts[i].verdict = (uint8_t)xl_handler_echo_frame(pkts[i].data, pkts[i].len);
}

static void drop_batch(void *ctx, struct xl_pkt *pkts, unsigned int n)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < n; i++)
		pkts[i].verdict = XL_VERDICT_DROP;
}

static void fwd_batch(void *ctx, struct xl_pkt *pkts, unsigned int n)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < n; i++)
		pkts[i].verdict = XL_VERDICT_FWD;
}

static const struct xl_handler builtins[] = {
	{.name = "echo", .batch = echo_batch},
	{.name = "echo-ts", .batch = xl_echo_ts_batch},
	{.name = "drop", .batch = drop_batch},
	/* count: the per-queue rx/dropped counters are its output */
	{.name = "count", .batch = drop_batch},
	{.name = "fwd", .batch = fwd_batch},
};

const struct xl_handler *xl_handler_builtin(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	errno = ENOENT;
	return NULL;
}
