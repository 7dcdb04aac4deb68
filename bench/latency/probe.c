// SPDX-License-Identifier: BSD-2-Clause
/* Probe payloads and receive bookkeeping: see probe.h. */
#include "probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* byte i of the pattern after the header; depends on the sequence so a swapped or stale payload
 * body is caught, and on the position so a shifted one is */
static inline uint8_t pattern_byte(uint64_t seq, unsigned int i)
{
	return (uint8_t)(seq * 151u + i * 7u + 0x5a);
}

void xl_probe_fill(void *buf, unsigned int size, uint32_t run_id, uint16_t flow, uint64_t seq,
		   uint64_t intended_ns, uint64_t tx_ns, uint16_t flags)
{
	struct xl_probe_hdr h = {
		.magic = XL_PROBE_MAGIC,
		.run_id = run_id,
		.flow = flow,
		.flags = flags,
		.seq = seq,
		.intended_ns = intended_ns,
		.tx_ns = tx_ns,
	};
	uint8_t *b = buf;
	unsigned int i, end = size;

	if ((flags & XL_PROBE_F_STAMP) && size >= XL_PROBE_STAMP_MIN_SIZE) {
		struct xl_ts_trailer t = {.magic = XL_TS_TRAILER_MAGIC};

		end = size - (unsigned int)sizeof(t);
		memcpy(b + end, &t, sizeof(t));
	} else {
		h.flags &= (uint16_t)~XL_PROBE_F_STAMP;
	}
	memcpy(b, &h, sizeof(h));
	for (i = sizeof(h); i < end; i++)
		b[i] = pattern_byte(seq, i);
}

/* where the pattern ends: before the trailer of a stamped probe */
static unsigned int pattern_end(const struct xl_probe_hdr *h, unsigned int size)
{
	if ((h->flags & XL_PROBE_F_STAMP) && size >= XL_PROBE_STAMP_MIN_SIZE)
		return size - (unsigned int)sizeof(struct xl_ts_trailer);
	return size;
}

bool xl_probe_trailer(const void *buf, size_t len, struct xl_ts_trailer *t)
{
	struct xl_probe_hdr h;
	unsigned int end;

	if (len < sizeof(h) || len > XL_PROBE_MAX_SIZE)
		return false;
	memcpy(&h, buf, sizeof(h));
	end = pattern_end(&h, (unsigned int)len);
	if (end == len)
		return false;
	memcpy(t, (const uint8_t *)buf + end, sizeof(*t));
	return t->magic == XL_TS_TRAILER_MAGIC;
}

enum xl_probe_verdict xl_probe_check(const void *buf, size_t len, unsigned int size,
				     uint32_t run_id)
{
	const uint8_t *b = buf;
	struct xl_probe_hdr h;
	unsigned int i, end;

	if (len != size || len < sizeof(h))
		return XL_PROBE_FOREIGN;
	memcpy(&h, b, sizeof(h));
	if (h.magic != XL_PROBE_MAGIC)
		return XL_PROBE_FOREIGN;
	if (h.run_id != run_id)
		return XL_PROBE_STALE;
	end = pattern_end(&h, size);
	for (i = sizeof(h); i < end; i++)
		if (b[i] != pattern_byte(h.seq, i))
			return XL_PROBE_CORRUPT;
	if (end < size) {
		uint32_t magic;

		memcpy(&magic, b + end, sizeof(magic));
		if (magic != XL_TS_TRAILER_MAGIC)
			return XL_PROBE_CORRUPT;
	}
	return XL_PROBE_OK;
}

int xl_tracker_init(struct xl_tracker *t, uint64_t max_seq)
{
	memset(t, 0, sizeof(*t));
	if (!max_seq)
		return -EINVAL;
	t->seen = calloc((max_seq + 63) / 64, sizeof(uint64_t));
	if (!t->seen)
		return -ENOMEM;
	t->max_seq = max_seq;
	return 0;
}

void xl_tracker_fini(struct xl_tracker *t)
{
	free(t->seen);
	t->seen = NULL;
}

void xl_tracker_reset(struct xl_tracker *t)
{
	memset(t->seen, 0, (t->max_seq + 63) / 64 * sizeof(uint64_t));
	t->next_seq = t->received = t->dups = t->reordered = t->invalid = 0;
}

enum xl_rx_class xl_tracker_rx(struct xl_tracker *t, uint64_t seq)
{
	uint64_t bit;

	if (seq >= t->max_seq) {
		t->invalid++;
		return XL_RX_INVALID;
	}
	bit = 1ull << (seq & 63);
	if (t->seen[seq / 64] & bit) {
		t->dups++;
		return XL_RX_DUP;
	}
	t->seen[seq / 64] |= bit;
	t->received++;
	if (seq + 1 < t->next_seq) {
		t->reordered++;
		return XL_RX_REORDERED;
	}
	t->next_seq = seq + 1;
	return XL_RX_FIRST;
}
