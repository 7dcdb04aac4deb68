/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct xl_worker: the pinned loop serving one AF_XDP socket. Internal.
 *
 * Each loop: kick the TX ring if the kernel asks (need_wakeup), reap the completion ring(s) into
 * the worker's pool cache, refill the fill ring from that cache, take an RX burst, run the
 * handler, queue TX/FWD frames and return dropped ones to the cache. All in bursts; no
 * allocation, lock or system call per packet. System calls: one sendto per TX kick the kernel
 * asks for, one poll (or a recvfrom with busy polling) when the RX ring is empty.
 *
 * Frame conservation: a UMEM frame is always in exactly one place: the pool (ring or a cache),
 * a fill ring, an RX ring, the worker (between taking it off RX and placing it), a TX ring, a
 * completion ring, or inside the kernel between those rings (copy mode holds it in an skb).
 */
#ifndef XLANE_LIB_WORKER_H
#define XLANE_LIB_WORKER_H

#include <stdbool.h>
#include <sys/types.h>

#include "control.h"
#include "handler.h"
#include "xsk.h"

struct xl_pool;

struct xl_worker_cfg {
	struct xl_xsk *xsk;	 /* the RX/TX socket */
	struct xl_xsk *fwd;	 /* optional: TX socket on the forwarding interface */
	struct xl_pool *pool;	 /* the UMEM's pool */
	void *umem_area;	 /* = xl_pool_region(pool) */
	unsigned int frame_size; /* UMEM chunk size */
	const struct xl_handler *handler;
	struct xl_queue_stats *stats; /* this queue's slot in the statistics map */
	int cpu;		      /* -1: not pinned */
	unsigned int batch;	      /* RX burst (<= XL_WORKER_BATCH_MAX) */
	bool busy_poll;		      /* spin with recvfrom instead of sleeping in poll */
	unsigned int busy_idle_us;    /* busy_poll: sleep in poll after this long without a
					 * frame; 0: never */
	bool rx_stamp;		      /* frames carry struct xl_rx_meta: copy it into xl_pkt */
	unsigned int fill_cap;	      /* most frames this queue's fill ring may hold: its share of
					 * a UMEM shared by several queues, so that one busy queue
					 * cannot hoard every frame; 0: the ring size */
	unsigned int cache_size;      /* the worker's pool cache; 0: the pool's default */
	bool drop_caps;		      /* the thread drops every capability before it serves */
};

#define XL_WORKER_BATCH_MAX 256

struct xl_worker;

/*
 * Creates the pool cache, fills the fill ring and starts the thread; returns once the thread
 * runs (and, with drop_caps, holds no capability). NULL + errno on failure.
 */
struct xl_worker *xl_worker_start(const struct xl_worker_cfg *cfg);

/* Asks the loop to stop and joins the thread (returns within ~100 ms). */
void xl_worker_stop(struct xl_worker *w);

/*
 * After the socket can no longer receive (removed from the XSKMAP, program detached): waits up
 * to @timeout_ms for outstanding TX completions, then returns every frame of the worker's rings
 * to the pool. Returns the number of frames that could not be recovered (still in the kernel).
 */
unsigned int xl_worker_drain(struct xl_worker *w, unsigned int timeout_ms);

/* Kernel thread id of the worker's thread (for xl_caps_verify()). */
pid_t xl_worker_tid(const struct xl_worker *w);

/* Frames the worker holds right now (0 between batches). */
unsigned int xl_worker_held(const struct xl_worker *w);

/*
 * Frame-motion sequence: odd while the worker's loop moves frames (rings, pool cache, its
 * counters), even while it waits or has stopped. A reader that sees the same even value before
 * and after reading the frame locations read them while this worker moved none. The read is an
 * atomic read-modify-write (adds 0) with acquire and release order, so every load the reader made
 * before it stays before it.
 */
unsigned int xl_worker_motion_seq(struct xl_worker *w);

/* Flushes and destroys the cache, frees the worker. Accepts NULL. */
void xl_worker_destroy(struct xl_worker *w);

#endif /* XLANE_LIB_WORKER_H */
