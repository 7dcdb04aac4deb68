/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct xl_xsk: one AF_XDP socket bound to one (interface, queue), with its four rings mapped.
 * Internal.
 *
 * The UMEM is the region of an xl_pool (xl_pool_region()), registered once on the first socket
 * of an instance (the "owner"); every other socket (other queues, the forwarding interface)
 * shares it with XDP_SHARED_UMEM and gets its own fill and completion rings. See daemon.c for why
 * the UMEM is shared.
 *
 * Ring access uses libxdp's inline ring helpers (<xdp/xsk.h>) over rings mapped here with the raw
 * AF_XDP socket options, so that the zero-copy/copy fallback, the EBUSY rebind retry and the
 * mode read-back are under our control and nothing in libxdp allocates or prints.
 */
#ifndef XLANE_LIB_XSK_H
#define XLANE_LIB_XSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xdp/xsk.h>

#include "control.h"

struct xl_xsk_cfg {
	void *umem_area;          /* the pool region (owner only registers it) */
	size_t umem_len;          /* its length */
	unsigned int frame_size;  /* UMEM chunk size (2048 or 4096) */
	unsigned int rx_size;     /* 0: no RX ring (TX-only socket) */
	unsigned int tx_size;     /* 0: no TX ring */
	unsigned int fill_size;   /* fill ring entries */
	unsigned int comp_size;   /* completion ring entries */
	enum xl_bind_mode bind_mode; /* owner: AUTO tries zero-copy then copy */
	int shared_fd;            /* -1: this socket registers the UMEM; else the owner's fd */
	bool busy_poll;           /* set SO_PREFER_BUSY_POLL, SO_BUSY_POLL, SO_BUSY_POLL_BUDGET */
	unsigned int busy_poll_usec;
	unsigned int busy_poll_budget;
};

struct xl_xsk {
	int fd;
	int ifindex;
	unsigned int queue;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	void *map_fill, *map_comp, *map_rx, *map_tx;
	size_t len_fill, len_comp, len_rx, len_tx;
	unsigned int bind_mode;   /* XL_BIND_COPY or XL_BIND_ZEROCOPY: read back with XDP_OPTIONS */
	bool need_wakeup;         /* bound with XDP_USE_NEED_WAKEUP (inherited when shared) */
	unsigned int ebusy_retries; /* bind attempts that met EBUSY */
	char note[256];           /* why zero-copy was not obtained, "" if it was */
};

/*
 * Creates, maps and binds a socket. Returns NULL with errno set, and a message in err naming the
 * problem: EOPNOTSUPP (zero-copy asked and refused), EBUSY (queue still busy after the bounded
 * retry), ENOMEM/EPERM (UMEM registration: not enough locked memory), ERANGE (no such queue).
 */
struct xl_xsk *xl_xsk_create(int ifindex, unsigned int queue, const struct xl_xsk_cfg *cfg,
			     char *err, size_t errlen);

/* Unmaps and closes. The caller drains the rings first (xl_xsk_drain_*). Accepts NULL. */
void xl_xsk_destroy(struct xl_xsk *xsk);

/* XDP_STATISTICS into the XDP fields of @qs. Returns 0 or -errno. */
int xl_xsk_read_xdp_stats(const struct xl_xsk *xsk, struct xl_queue_stats *qs);

/*
 * Frames in each ring now (producer - consumer as published in the shared ring headers), read
 * with acquire ordering; exact when the rings are quiet.
 */
unsigned int xl_xsk_ring_count_prod(const struct xsk_ring_prod *r);
unsigned int xl_xsk_ring_count_cons(const struct xsk_ring_cons *r);

/*
 * Teardown helper: copies the addresses the kernel has not consumed from the fill ring (those we
 * produced and it never took) into @addrs (at most @cap) and marks them consumed. Call only when
 * the kernel can no longer receive on the socket. Returns the count.
 */
unsigned int xl_xsk_reclaim_fill(struct xl_xsk *xsk, uint64_t *addrs, unsigned int cap);

#endif /* XLANE_LIB_XSK_H */
