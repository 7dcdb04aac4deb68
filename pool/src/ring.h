/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared backing store: a lock-free, bounded, multi-producer/multi-consumer ring of object
 * pointers, in the style of DPDK's rte_ring (head/tail pairs, CAS on the head, in-order tail
 * update), written with C11 atomics.
 *
 * A producer reserves [head, head + n) with a CAS on prod.head, copies its pointers in, waits for
 * earlier producers to publish (prod.tail == its old head), then publishes with a release store of
 * prod.tail. Consumers mirror this on cons.head/cons.tail. Producers see free room through an
 * acquire load of cons.tail, consumers see entries through an acquire load of prod.tail.
 * The ring holds up to `capacity` entries in `size` (a power of two >= capacity) slots.
 *
 * The ring is sized to hold every object of its pool, so a put never finds it full unless the
 * caller returns more objects than it took (a double put in unchecked mode).
 */
#ifndef XL_POOL_RING_H
#define XL_POOL_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define XL_RING_LINE 64

struct xl_ring_headtail {
	_Atomic uint32_t head;
	_Atomic uint32_t tail;
};

struct xl_ring {
	uint32_t size;	   /* slots, a power of two */
	uint32_t mask;	   /* size - 1 */
	uint32_t capacity; /* entries it may hold (<= size) */
	alignas(XL_RING_LINE) struct xl_ring_headtail prod;
	alignas(XL_RING_LINE) struct xl_ring_headtail cons;
	alignas(XL_RING_LINE) void *slots[];
};

/* Allocates a ring for @capacity entries (>= 1), on NUMA node @node (-1: anywhere); NULL+errno. */
struct xl_ring *xl_ring_create(uint32_t capacity, int node);
void xl_ring_destroy(struct xl_ring *r);

static inline void xl_ring_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

/* Entries in the ring now; a snapshot under concurrency. */
static inline uint32_t xl_ring_count(const struct xl_ring *r)
{
	uint32_t prod =
		atomic_load_explicit(&((struct xl_ring *)r)->prod.tail, memory_order_relaxed);
	uint32_t cons =
		atomic_load_explicit(&((struct xl_ring *)r)->cons.tail, memory_order_relaxed);
	uint32_t count = prod - cons;

	return count > r->capacity ? r->capacity : count;
}

/* Below this many pointers a copy is a plain loop; a memcpy() call costs more than it saves. */
#define XL_RING_MEMCPY_MIN 16U

static inline void xl_ring_copy_in(struct xl_ring *r, uint32_t head, void *const *objs, uint32_t n)
{
	uint32_t idx = head & r->mask, first = r->size - idx;

	/* a plain loop for a few pointers (cacheless calls), memcpy for refills and flushes */
	if (n < XL_RING_MEMCPY_MIN && n <= first) {
		for (uint32_t i = 0; i < n; i++)
			r->slots[idx + i] = objs[i];
	} else if (__builtin_expect(!!(n <= first), 1)) {
		memcpy(&r->slots[idx], objs, n * sizeof(void *));
	} else {
		memcpy(&r->slots[idx], objs, first * sizeof(void *));
		memcpy(&r->slots[0], objs + first, (n - first) * sizeof(void *));
	}
}

static inline void xl_ring_copy_out(const struct xl_ring *r, uint32_t head, void **objs, uint32_t n)
{
	uint32_t idx = head & r->mask, first = r->size - idx;

	if (n < XL_RING_MEMCPY_MIN && n <= first) {
		for (uint32_t i = 0; i < n; i++)
			objs[i] = r->slots[idx + i];
	} else if (__builtin_expect(!!(n <= first), 1)) {
		memcpy(objs, &r->slots[idx], n * sizeof(void *));
	} else {
		memcpy(objs, &r->slots[idx], first * sizeof(void *));
		memcpy(objs + first, &r->slots[0], (n - first) * sizeof(void *));
	}
}

/* Pause spins before a waiter starts backing off (see xl_ring_publish()). */
#define XL_RING_SPINS 256

/*
 * The waiter's back-off once spinning has not helped (ring.c): sched_yield() for a while, then
 * sleeps growing from 1 us to 1 ms. Never reached when threads are pinned one per core.
 */
void xl_ring_backoff(unsigned int round);

/*
 * Wait for earlier reservations of the same side to publish, then publish ours. The wait is
 * normally a few cycles (another thread between its CAS and its tail store). If that thread was
 * preempted there (more busy threads than cores), spinning would burn our whole time slice, so
 * after XL_RING_SPINS pauses the waiter backs off: first sched_yield(), then short sleeps, the
 * only system calls the ring can make, and only in that oversubscribed case. A yield alone is
 * not enough: a waiter alone on its CPU gets that CPU straight back, which keeps the CPU from
 * going idle and pulling the preempted thread over; a sleep does not.
 */
static inline void xl_ring_publish(struct xl_ring_headtail *ht, uint32_t old, uint32_t new_)
{
	unsigned int spins = 0;

	/*
	 * acquire, not relaxed: our release below must carry the earlier reservation's slot
	 * accesses too (a store that is not an RMW does not continue its release sequence), or a
	 * producer that sees our tail could overwrite slots a preceding consumer is still
	 * reading, as far as the memory model goes. Free on x86; ThreadSanitizer flagged it.
	 */
	while (atomic_load_explicit(&ht->tail, memory_order_acquire) != old) {
		if (++spins < XL_RING_SPINS)
			xl_ring_pause();
		else
			xl_ring_backoff(spins - XL_RING_SPINS);
	}
	atomic_store_explicit(&ht->tail, new_, memory_order_release);
}

/*
 * Enqueues @n pointers: all of them, or (when @bulk is false) as many as fit.
 * Returns how many were enqueued (0 or n when @bulk).
 */
static inline uint32_t xl_ring_enqueue(struct xl_ring *r, void *const *objs, uint32_t n, bool bulk)
{
	uint32_t old, new_, free_;

	/*
	 * Nothing to reserve, nothing to publish. An empty reservation leaves the head where it
	 * is, so the next producer reserves from the same `old`, publishes past it, and our wait
	 * for tail == old would never end.
	 */
	if (n == 0)
		return 0;
	/* acquire on the head (and on a failed CAS) keeps the tail load after it (DPDK's fence) */
	old = atomic_load_explicit(&r->prod.head, memory_order_acquire);
	do {
		/* acquire pairs with the consumers' release of cons.tail: their slot reads are done */
		free_ = r->capacity + atomic_load_explicit(&r->cons.tail, memory_order_acquire) -
			old;
		if (n > free_) {
			if (bulk || free_ == 0)
				return 0;
			n = free_;
		}
		new_ = old + n;
	} while (!atomic_compare_exchange_weak_explicit(
		&r->prod.head, &old, new_, memory_order_acquire, memory_order_acquire));
	xl_ring_copy_in(r, old, objs, n);
	xl_ring_publish(&r->prod, old, new_);
	return n;
}

/*
 * Dequeues @n pointers: all or none when @bulk, else as many as there are. Returns the count and
 * stores in @left the entries the ring held after this dequeue, as this consumer saw it.
 */
static inline uint32_t xl_ring_dequeue(struct xl_ring *r, void **objs, uint32_t n, bool bulk,
				       uint32_t *left)
{
	uint32_t old, new_, avail;

	if (n == 0) { /* as in xl_ring_enqueue(): an empty reservation must not wait to publish */
		*left = xl_ring_count(r);
		return 0;
	}
	old = atomic_load_explicit(&r->cons.head, memory_order_acquire);
	do {
		/* acquire pairs with the producers' release of prod.tail: their slot writes are seen */
		avail = atomic_load_explicit(&r->prod.tail, memory_order_acquire) - old;
		if (n > avail) {
			if (bulk || avail == 0) {
				*left = avail;
				return 0;
			}
			n = avail;
		}
		new_ = old + n;
	} while (!atomic_compare_exchange_weak_explicit(
		&r->cons.head, &old, new_, memory_order_acquire, memory_order_acquire));
	xl_ring_copy_out(r, old, objs, n);
	xl_ring_publish(&r->cons, old, new_);
	*left = avail - n;
	return n;
}

#endif /* XL_POOL_RING_H */
