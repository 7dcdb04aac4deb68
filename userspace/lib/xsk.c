// SPDX-License-Identifier: BSD-2-Clause
/* AF_XDP socket setup over raw socket options; see xsk.h. */
#include <errno.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xsk.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

static int setopt_u32(int fd, int level, int name, unsigned int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) ? -errno : 0;
}

static void *map_ring(int fd, size_t len, off_t pgoff)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, pgoff);

	return p == MAP_FAILED ? NULL : p;
}

static void unmap_all(struct xl_xsk *x)
{
	if (x->map_fill)
		munmap(x->map_fill, x->len_fill);
	if (x->map_comp)
		munmap(x->map_comp, x->len_comp);
	if (x->map_rx)
		munmap(x->map_rx, x->len_rx);
	if (x->map_tx)
		munmap(x->map_tx, x->len_tx);
	x->map_fill = x->map_comp = x->map_rx = x->map_tx = NULL;
}

static void setup_prod(struct xsk_ring_prod *r, void *map, const struct xdp_ring_offset *o,
		       unsigned int n)
{
	r->producer = (void *)((char *)map + o->producer);
	r->consumer = (void *)((char *)map + o->consumer);
	r->ring = (char *)map + o->desc;
	r->flags = (void *)((char *)map + o->flags);
	r->mask = n - 1;
	r->size = n;
	r->cached_prod = *r->producer;
	r->cached_cons = *r->consumer + n;
}

static void setup_cons(struct xsk_ring_cons *r, void *map, const struct xdp_ring_offset *o,
		       unsigned int n)
{
	r->producer = (void *)((char *)map + o->producer);
	r->consumer = (void *)((char *)map + o->consumer);
	r->ring = (char *)map + o->desc;
	r->flags = (void *)((char *)map + o->flags);
	r->mask = n - 1;
	r->size = n;
	r->cached_prod = *r->producer;
	r->cached_cons = *r->consumer;
}

static int is_pow2(unsigned int v)
{
	return v && !(v & (v - 1));
}

/* One attempt: socket, UMEM (owner), rings, mmaps, bind with @flags. */
static int try_socket(struct xl_xsk *x, const struct xl_xsk_cfg *cfg, unsigned int flags,
		      char *err, size_t errlen)
{
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp = { 0 };
	socklen_t optlen;
	char ifname[IF_NAMESIZE] = "?";
	unsigned int delay_ms = 5, attempt;
	int ret;

	if_indextoname((unsigned int)x->ifindex, ifname);
	x->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (x->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create an AF_XDP socket: %s", strerror(-ret));
		return ret;
	}
	if (cfg->shared_fd < 0) {
		struct xdp_umem_reg reg = {
			.addr = (uintptr_t)cfg->umem_area,
			.len = cfg->umem_len,
			.chunk_size = cfg->frame_size,
			.headroom = 0,
		};

		if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg))) {
			ret = -errno;
			if (ret == -ENOMEM || ret == -EPERM || ret == -EAGAIN || ret == -ENOBUFS) {
				/* the kernel says ENOBUFS when RLIMIT_MEMLOCK is exceeded */
				snprintf(err, errlen,
					 "cannot register the %zu-byte UMEM: not enough locked memory "
					 "(%s; needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK)",
					 cfg->umem_len, strerror(-ret));
				ret = -ENOMEM;
			} else
				snprintf(err, errlen, "cannot register the UMEM: %s", strerror(-ret));
			return ret;
		}
	}
	/* every socket has its own (dev, queue), so its own fill + completion ring */
	ret = setopt_u32(x->fd, SOL_XDP, XDP_UMEM_FILL_RING, cfg->fill_size);
	if (!ret)
		ret = setopt_u32(x->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, cfg->comp_size);
	if (ret) {
		snprintf(err, errlen, "cannot size the fill/completion rings: %s", strerror(-ret));
		return ret;
	}
	if (cfg->rx_size && (ret = setopt_u32(x->fd, SOL_XDP, XDP_RX_RING, cfg->rx_size))) {
		snprintf(err, errlen, "cannot size the RX ring: %s", strerror(-ret));
		return ret;
	}
	if (cfg->tx_size && (ret = setopt_u32(x->fd, SOL_XDP, XDP_TX_RING, cfg->tx_size))) {
		snprintf(err, errlen, "cannot size the TX ring: %s", strerror(-ret));
		return ret;
	}
	optlen = sizeof(off);
	if (getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen)) {
		ret = -errno;
		snprintf(err, errlen, "XDP_MMAP_OFFSETS: %s", strerror(-ret));
		return ret;
	}
	x->len_fill = off.fr.desc + cfg->fill_size * sizeof(uint64_t);
	x->len_comp = off.cr.desc + cfg->comp_size * sizeof(uint64_t);
	x->map_fill = map_ring(x->fd, x->len_fill, XDP_UMEM_PGOFF_FILL_RING);
	x->map_comp = map_ring(x->fd, x->len_comp, XDP_UMEM_PGOFF_COMPLETION_RING);
	if (!x->map_fill || !x->map_comp)
		goto map_fail;
	setup_prod(&x->fill, x->map_fill, &off.fr, cfg->fill_size);
	setup_cons(&x->comp, x->map_comp, &off.cr, cfg->comp_size);
	if (cfg->rx_size) {
		x->len_rx = off.rx.desc + cfg->rx_size * sizeof(struct xdp_desc);
		x->map_rx = map_ring(x->fd, x->len_rx, XDP_PGOFF_RX_RING);
		if (!x->map_rx)
			goto map_fail;
		setup_cons(&x->rx, x->map_rx, &off.rx, cfg->rx_size);
	}
	if (cfg->tx_size) {
		x->len_tx = off.tx.desc + cfg->tx_size * sizeof(struct xdp_desc);
		x->map_tx = map_ring(x->fd, x->len_tx, XDP_PGOFF_TX_RING);
		if (!x->map_tx)
			goto map_fail;
		setup_prod(&x->tx, x->map_tx, &off.tx, cfg->tx_size);
	}

	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = (unsigned int)x->ifindex;
	sxdp.sxdp_queue_id = x->queue;
	if (cfg->shared_fd >= 0) {
		sxdp.sxdp_flags = XDP_SHARED_UMEM; /* mode and need_wakeup come from the owner */
		sxdp.sxdp_shared_umem_fd = (unsigned int)cfg->shared_fd;
	} else {
		sxdp.sxdp_flags = (uint16_t)flags;
	}
	/*
	 * A queue whose previous socket just closed stays busy until the kernel finishes tearing it
	 * down (asynchronously): retry EBUSY with a bounded exponential backoff (5 ms .. ~1.3 s).
	 */
	ret = 0;
	for (attempt = 0;; attempt++) {
		if (!bind(x->fd, (struct sockaddr *)&sxdp, sizeof(sxdp))) {
			ret = 0;
			break;
		}
		ret = -errno;
		if (ret != -EBUSY || attempt >= 8)
			break;
		x->ebusy_retries++;
		nanosleep(&(struct timespec){ .tv_nsec = (long)delay_ms * 1000000L }, NULL);
		delay_ms *= 2;
	}
	if (ret == -EBUSY)
		snprintf(err, errlen,
			 "queue %u of %s stays busy after %u bind retries (another AF_XDP socket "
			 "holds it?)", x->queue, ifname, attempt);
	else if (ret == -EOPNOTSUPP)
		snprintf(err, errlen, "zero-copy not supported on %s queue %u (EOPNOTSUPP)", ifname,
			 x->queue);
	else if (ret)
		snprintf(err, errlen, "cannot bind an AF_XDP socket to %s queue %u: %s", ifname,
			 x->queue, strerror(-ret));
	return ret;

map_fail:
	ret = -errno;
	snprintf(err, errlen, "cannot map the AF_XDP rings: %s", strerror(-ret));
	return ret;
}

static void reset(struct xl_xsk *x)
{
	unmap_all(x);
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	memset(&x->fill, 0, sizeof(x->fill));
	memset(&x->comp, 0, sizeof(x->comp));
	memset(&x->rx, 0, sizeof(x->rx));
	memset(&x->tx, 0, sizeof(x->tx));
}

struct xl_xsk *xl_xsk_create(int ifindex, unsigned int queue, const struct xl_xsk_cfg *cfg,
			     char *err, size_t errlen)
{
	struct xdp_options opts = { 0 };
	socklen_t optlen = sizeof(opts);
	char zc_note[128] = "";
	struct xl_xsk *x;
	unsigned int flags;
	int ret;

	if (!cfg || (!cfg->rx_size && !cfg->tx_size) || !is_pow2(cfg->fill_size) ||
	    !is_pow2(cfg->comp_size) || (cfg->rx_size && !is_pow2(cfg->rx_size)) ||
	    (cfg->tx_size && !is_pow2(cfg->tx_size))) {
		snprintf(err, errlen, "ring sizes must be powers of two");
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->fd = -1;
	x->ifindex = ifindex;
	x->queue = queue;

	if (cfg->shared_fd >= 0) {
		ret = try_socket(x, cfg, 0, err, errlen);
	} else {
		flags = XDP_USE_NEED_WAKEUP;
		if (cfg->bind_mode == XL_BIND_COPY) {
			ret = try_socket(x, cfg, flags | XDP_COPY, err, errlen);
		} else {
			ret = try_socket(x, cfg, flags | XDP_ZEROCOPY, err, errlen);
			if (ret && cfg->bind_mode == XL_BIND_AUTO) {
				/* keep why zero-copy failed, then start over in copy mode */
				snprintf(zc_note, sizeof(zc_note), "%s", err);
				reset(x);
				ret = try_socket(x, cfg, flags | XDP_COPY, err, errlen);
			}
		}
	}
	if (ret)
		goto fail;
	if (getsockopt(x->fd, SOL_XDP, XDP_OPTIONS, &opts, &optlen)) {
		ret = -errno;
		snprintf(err, errlen, "XDP_OPTIONS: %s", strerror(-ret));
		goto fail;
	}
	x->bind_mode = (opts.flags & XDP_OPTIONS_ZEROCOPY) ? XL_BIND_ZEROCOPY : XL_BIND_COPY;
	snprintf(x->note, sizeof(x->note), "%s", x->bind_mode == XL_BIND_ZEROCOPY ? "" : zc_note);
	/* The owner's wish is inherited by sharers; the fill flag tells whether it is in use. */
	x->need_wakeup = true;
	if (cfg->busy_poll) {
		ret = setopt_u32(x->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, 1);
		if (!ret)
			ret = setopt_u32(x->fd, SOL_SOCKET, SO_BUSY_POLL,
					 cfg->busy_poll_usec ? cfg->busy_poll_usec : 20);
		if (!ret)
			ret = setopt_u32(x->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET,
					 cfg->busy_poll_budget ? cfg->busy_poll_budget : 64);
		if (ret) {
			snprintf(err, errlen, "cannot enable busy polling: %s", strerror(-ret));
			goto fail;
		}
	}
	return x;
fail:
	reset(x);
	free(x);
	errno = -ret;
	return NULL;
}

void xl_xsk_destroy(struct xl_xsk *x)
{
	if (!x)
		return;
	reset(x);
	free(x);
}

int xl_xsk_read_xdp_stats(const struct xl_xsk *x, struct xl_queue_stats *qs)
{
	struct xdp_statistics st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &len))
		return -errno;
	qs->xdp_rx_dropped = st.rx_dropped;
	qs->xdp_rx_invalid_descs = st.rx_invalid_descs;
	qs->xdp_tx_invalid_descs = st.tx_invalid_descs;
	qs->xdp_rx_ring_full = st.rx_ring_full;
	qs->xdp_rx_fill_ring_empty_descs = st.rx_fill_ring_empty_descs;
	qs->xdp_tx_ring_empty_descs = st.tx_ring_empty_descs;
	return 0;
}

unsigned int xl_xsk_ring_count_prod(const struct xsk_ring_prod *r)
{
	if (!r->producer)
		return 0;
	return __atomic_load_n(r->producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
}

unsigned int xl_xsk_ring_count_cons(const struct xsk_ring_cons *r)
{
	if (!r->producer)
		return 0;
	return __atomic_load_n(r->producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
}

unsigned int xl_xsk_reclaim_fill(struct xl_xsk *x, uint64_t *addrs, unsigned int cap)
{
	struct xsk_ring_prod *r = &x->fill;
	unsigned int cons, prod, n = 0;

	if (!r->producer)
		return 0;
	prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
	cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
	while (cons != prod && n < cap) {
		addrs[n++] = ((uint64_t *)r->ring)[cons & r->mask];
		cons++;
	}
	/* the entries are ours again: pretend the kernel consumed them */
	__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
	return n;
}
