/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where a frame's L3 and L4 headers are, for the built-in handlers (echo, echo-ts). Internal.
 * Accepts Ethernet, up to two VLAN tags, IPv4 (any IHL, no fragments) or IPv6 (up to six
 * hop-by-hop / routing / destination-options headers), then UDP or TCP with at least the ports.
 */
#ifndef XLANE_LIB_FRAME_H
#define XLANE_LIB_FRAME_H

#include <stdint.h>

#include "handler.h"

struct xl_frame_l4 {
	uint32_t l3;   /* offset of the IP header */
	uint32_t l4;   /* offset of the UDP/TCP header; len >= l4 + 4 */
	uint8_t proto; /* IPPROTO_UDP or IPPROTO_TCP */
	uint8_t v6;    /* 1: IPv6 */
};

/* 0 and @f filled, or -1 for anything else (frame untouched either way). */
int xl_frame_l4(const uint8_t *data, uint32_t len, struct xl_frame_l4 *f);

/* The echo rewrite (xl_handler_echo_frame()), also reporting where the headers are. */
enum xl_verdict xl_frame_echo(uint8_t *data, uint32_t len, struct xl_frame_l4 *f);

/* The "echo-ts" built-in handler's batch callback (handler_ts.c). */
void xl_echo_ts_batch(void *ctx, struct xl_pkt *pkts, unsigned int n);

#endif /* XLANE_LIB_FRAME_H */
