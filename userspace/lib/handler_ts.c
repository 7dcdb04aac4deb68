// SPDX-License-Identifier: BSD-2-Clause
/*
 * The "echo-ts" built-in handler: the echo reflector that also fills in the timestamp trailer
 * (struct xl_ts_trailer, handler.h) of UDP payloads that end with one, so a client on the same
 * host can split its round trip into client -> XDP, XDP -> worker and worker -> client.
 *
 * Filling the trailer changes payload bytes, so the UDP checksum is updated incrementally
 * (RFC 1624) over the changed bytes only; an IPv4 datagram sent without a checksum (0) keeps
 * none. A frame that arrived with a full checksum leaves with one.
 */
#include <linux/in.h>
#include <string.h>

#include "clock.h"
#include "frame.h"
#include "handler.h"

/* One's-complement sum of bytes [from, to) of the datagram at @l4, as 16-bit words from @l4. */
static uint32_t sum16(const uint8_t *data, uint32_t l4, uint32_t from, uint32_t to)
{
	uint32_t sum = 0, i;

	for (i = from; i < to; i++)
		sum += ((i - l4) & 1) ? data[i] : (uint32_t)data[i] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Fills the trailer of @p, whose headers are at @f (the frame as it is now). 1 or 0. */
static int ts_fill(const struct xl_pkt *p, const struct xl_frame_l4 *f, uint64_t worker_ns)
{
	struct xl_ts_trailer t;
	uint32_t udp_len, at, old_sum, new_sum;
	uint16_t csum;
	uint8_t *d = p->data;

	if (!p->ts_src || f->proto != IPPROTO_UDP || p->len < f->l4 + 8)
		return 0;
	udp_len = (uint32_t)d[f->l4 + 4] << 8 | d[f->l4 + 5];
	if (udp_len < 8 + sizeof(t) || udp_len > p->len - f->l4)
		return 0;
	at = f->l4 + udp_len - (uint32_t)sizeof(t);
	memcpy(&t, d + at, sizeof(t));
	if (t.magic != XL_TS_TRAILER_MAGIC)
		return 0;
	old_sum = sum16(d, f->l4, at, at + (uint32_t)sizeof(t));
	t.src = p->ts_src;
	t.xdp_ns = p->xdp_ns;
	t.worker_ns = worker_ns;
	t.rx_hw_ns = p->rx_hw_ns;
	memcpy(d + at, &t, sizeof(t));
	new_sum = sum16(d, f->l4, at, at + (uint32_t)sizeof(t));

	csum = (uint16_t)(d[f->l4 + 6] << 8 | d[f->l4 + 7]);
	if (csum == 0 && !f->v6)
		return 1; /* IPv4 without a UDP checksum */
	/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
	csum = (uint16_t)~fold((uint32_t)(uint16_t)~csum + (uint16_t)~fold(old_sum) +
			       fold(new_sum));
	if (csum == 0)
		csum = 0xffff; /* 0 means "no checksum" in UDP */
	d[f->l4 + 6] = (uint8_t)(csum >> 8);
	d[f->l4 + 7] = (uint8_t)csum;
	return 1;
}

int xl_handler_ts_fill(const struct xl_pkt *p, uint64_t worker_ns)
{
	struct xl_frame_l4 f;

	if (!p || xl_frame_l4(p->data, p->len, &f))
		return 0;
	return ts_fill(p, &f, worker_ns);
}

void xl_echo_ts_batch(void *ctx, struct xl_pkt *pkts, unsigned int n)
{
	struct xl_frame_l4 f;
	uint64_t now;
	unsigned int i;

	(void)ctx;
	/* one clock read per burst: when the worker took the frames */
	now = xl_mono_ns();
	for (i = 0; i < n; i++) {
		/* one header walk per frame: the echo says where the headers are */
		pkts[i].verdict = (uint8_t)xl_frame_echo(pkts[i].data, pkts[i].len, &f);
		if (pkts[i].verdict == XL_VERDICT_TX)
			ts_fill(&pkts[i], &f, now);
	}
}
