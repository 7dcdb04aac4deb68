/* SPDX-License-Identifier: BSD-2-Clause */
/* Ring allocation; the enqueue/dequeue fast path is inline in ring.h. */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "placement.h"
#include "ring.h"

struct xl_ring *xl_ring_create(uint32_t capacity, int node)
{
	struct xl_ring *r;
	uint32_t size = 1;
	size_t bytes;

	if (capacity == 0 || capacity > XL_POOL_MAX_OBJS) {
		errno = EINVAL;
		return NULL;
	}
	while (size < capacity)
		size <<= 1;
	bytes = sizeof(*r) + (size_t)size * sizeof(r->slots[0]);
	/* page-backed, on the pool's node: the ring is read by every refill */
	r = xl_meta_alloc(bytes, node);
	if (!r)
		return NULL;
	r->size = size;
	r->mask = size - 1;
	r->capacity = capacity;
	atomic_init(&r->prod.head, 0);
	atomic_init(&r->prod.tail, 0);
	atomic_init(&r->cons.head, 0);
	atomic_init(&r->cons.tail, 0);
	return r;
}

void xl_ring_destroy(struct xl_ring *r)
{
	if (!r)
		return;
	xl_meta_free(r, sizeof(*r) + (size_t)r->size * sizeof(r->slots[0]));
}

/* Yields before the back-off turns to sleeping; the longest sleep, in nanoseconds. */
#define XL_RING_YIELDS	  64U
#define XL_RING_SLEEP_MAX 1000000L

__attribute__((cold, noinline)) void xl_ring_backoff(unsigned int round)
{
	struct timespec ts = {0, 1000L};
	unsigned int shift;

	if (round < XL_RING_YIELDS) {
		sched_yield();
		return;
	}
	shift = round - XL_RING_YIELDS;
	ts.tv_nsec = shift >= 10 ? XL_RING_SLEEP_MAX : 1000L << shift;
	nanosleep(&ts, NULL);
}
