// SPDX-License-Identifier: BSD-2-Clause
/* The per-queue worker loop; see worker.h. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xlane/pool.h>

#include "caps.h"
#include "clock.h"
#include "steer.h"
#include "worker.h"

struct xl_worker {
	struct xl_worker_cfg cfg;
	struct xl_pool_cache *cache;
	pthread_t thread;
	bool started;
	int stop;	   /* atomic */
	int ready;	   /* atomic: 1 the thread runs, -errno its start failed */
	pid_t tid;	   /* written by the thread before ready */
	unsigned int held; /* atomic: frames in the worker's hands */
	unsigned int seq;  /* atomic: xl_worker_motion_seq() */
	bool fill_was_empty;
	unsigned int napi_id;	   /* the socket's SO_INCOMING_NAPI_ID; 0: not known (yet) */
	unsigned int napi_recheck; /* idle spins since napi_id was last read */
	unsigned int idle_spins;   /* busy_idle_us: empty polls in a row */
	uint64_t idle_from_ns;	   /* busy_idle_us: when the current run of empty polls began */
	struct xl_queue_stats c;   /* local counters, published to cfg.stats after each loop */
	/* per-burst scratch, allocated once */
	struct xl_pkt pkts[XL_WORKER_BATCH_MAX];
	uint64_t addrs[XL_WORKER_BATCH_MAX];
	void *objs[XL_WORKER_BATCH_MAX];
	uint64_t tx_addr[XL_WORKER_BATCH_MAX];
	uint32_t tx_len[XL_WORKER_BATCH_MAX];
	uint64_t fwd_addr[XL_WORKER_BATCH_MAX];
	uint32_t fwd_len[XL_WORKER_BATCH_MAX];
	void *free_objs[XL_WORKER_BATCH_MAX];
};

#define PUB(w, f) __atomic_store_n(&(w)->cfg.stats->f, (w)->c.f, __ATOMIC_RELAXED)

static void publish(struct xl_worker *w)
{
	PUB(w, rx_packets);
	PUB(w, rx_bytes);
	PUB(w, tx_packets);
	PUB(w, tx_bytes);
	PUB(w, tx_completed);
	PUB(w, fwd_packets);
	PUB(w, dropped);
	PUB(w, pass_unsupported);
	PUB(w, tx_full_drops);
	PUB(w, fill_empty);
	PUB(w, pool_get_fails);
	PUB(w, wakeups);
	PUB(w, batches);
	PUB(w, fill_submitted);
}

static inline void *addr_obj(struct xl_worker *w, uint64_t addr)
{
	return xl_pool_addr_to_obj(w->cfg.pool, addr);
}

/* Reaps up to a burst of completions of @x into the pool cache. Returns the count. */
static unsigned int reap_comp(struct xl_worker *w, struct xl_xsk *x)
{
	unsigned int n, i;
	uint32_t idx;

	n = xsk_ring_cons__peek(&x->comp, w->cfg.batch, &idx);
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		w->objs[i] = addr_obj(w, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
	xsk_ring_cons__release(&x->comp, n);
	xl_pool_put_bulk(w->cfg.pool, w->cache, w->objs, n);
	w->c.tx_completed += n;
	return n;
}

static inline unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static void refill(struct xl_worker *w)
{
	struct xl_xsk *x = w->cfg.xsk;
	unsigned int want, held, i;
	uint32_t idx;
	int got;

	want = xsk_prod_nb_free(&x->fill, w->cfg.batch);
	if (want > w->cfg.batch)
		want = w->cfg.batch;
	if (w->cfg.fill_cap) {
		held = xl_xsk_ring_count_prod(&x->fill);
		want = held >= w->cfg.fill_cap ? 0 : min_u(want, w->cfg.fill_cap - held);
	}
	if (!want)
		return;
	got = xl_pool_get_burst(w->cfg.pool, w->cache, w->objs, want);
	if (got < (int)want)
		w->c.pool_get_fails++;
	if (got <= 0)
		return;
	if (xsk_ring_prod__reserve(&x->fill, (uint32_t)got, &idx) != (uint32_t)got) {
		xl_pool_put_bulk(w->cfg.pool, w->cache, w->objs, (unsigned int)got);
		return;
	}
	for (i = 0; i < (unsigned int)got; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
			xl_pool_obj_to_addr(w->cfg.pool, w->objs[i]);
	xsk_ring_prod__submit(&x->fill, (uint32_t)got);
	w->c.fill_submitted += (unsigned int)got;
}

static void kick_tx(struct xl_worker *w, struct xl_xsk *x)
{
	if (!x->tx.producer || !xl_xsk_ring_count_prod(&x->tx))
		return;
	if (!xsk_ring_prod__needs_wakeup(&x->tx))
		return;
	sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	w->c.wakeups++;
}

/* Puts @n frames on @x's TX ring; returns how many did not fit (the caller frees them). */
static unsigned int tx_burst(struct xl_worker *w, struct xl_xsk *x, const uint64_t *addr,
			     const uint32_t *len, unsigned int n)
{
	unsigned int i, k;
	uint32_t idx;

	if (!n)
		return 0;
	k = xsk_prod_nb_free(&x->tx, n);
	if (k < n) {
		/* make room: the kernel may be waiting for a kick, completions may be pending */
		kick_tx(w, x);
		reap_comp(w, x);
		k = xsk_prod_nb_free(&x->tx, n);
	}
	if (k > n)
		k = n;
	if (k && xsk_ring_prod__reserve(&x->tx, k, &idx) == k) {
		for (i = 0; i < k; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);

			d->addr = addr[i];
			d->len = len[i];
			d->options = 0;
		}
		xsk_ring_prod__submit(&x->tx, k);
		kick_tx(w, x);
	} else {
		k = 0;
	}
	return n - k;
}

#ifndef SO_INCOMING_NAPI_ID
#define SO_INCOMING_NAPI_ID 56
#endif

/* Idle spins between two reads of the socket's NAPI id in busy-poll mode (a few ms). */
#define XL_NAPI_RECHECK (1U << 16)

/* The NAPI instance the kernel recorded for @fd's received frames; 0: none (or no frame yet). */
static unsigned int socket_napi_id(int fd)
{
	unsigned int id = 0;
	socklen_t len = sizeof(id);

	if (getsockopt(fd, SOL_SOCKET, SO_INCOMING_NAPI_ID, &id, &len))
		return 0;
	return id;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

/* Empty polls between two reads of the clock while busy_idle_us runs (tens of ns each). */
#define XL_IDLE_CLOCK_EVERY 64U

/*
 * busy_idle_us: whether this busy-polling worker has found nothing for that long. The clock is
 * read at the first empty poll of a run and then every XL_IDLE_CLOCK_EVERY of them; a frame
 * ends the run (worker_main() clears idle_spins).
 */
static bool idle_long_enough(struct xl_worker *w)
{
	uint64_t now;

	if (w->idle_spins++ % XL_IDLE_CLOCK_EVERY)
		return false;
	now = xl_mono_ns();
	if (w->idle_spins == 1) {
		w->idle_from_ns = now;
		return false;
	}
	return now - w->idle_from_ns >= (uint64_t)w->cfg.busy_idle_us * 1000U;
}

/*
 * Nothing received. need_wakeup mode sleeps in poll(). Busy-poll mode makes the non-blocking
 * recvfrom() that lets the kernel run the device's NAPI from this thread (napi_busy_loop), but
 * only where that can happen: the kernel busy-polls a socket only through the NAPI id it
 * recorded from the socket's received frames (SO_INCOMING_NAPI_ID). Without one (on veth it
 * stays 0, and the frames are received by the sender's softirq or the NAPI thread) the call
 * returns having done nothing, and a frame that lands meanwhile waits for it to come back (a
 * system call is about 1 us on a VM with page-table isolation); the worker then spins on the
 * rings instead, and reads the id again every XL_NAPI_RECHECK spins (a system call on the idle
 * path only). A fill ring that asks for a wakeup is always kicked. With busy_idle_us, a
 * busy-polling worker that has found nothing for that long sleeps in poll() as need_wakeup mode
 * does, and spins again from the next frame; a poll() that times out (100 ms) without one is
 * followed by another after a few dozen spins.
 */
static void idle_wait(struct xl_worker *w)
{
	struct xl_xsk *x = w->cfg.xsk;
	struct pollfd pfd = {.fd = x->fd, .events = POLLIN};

	if (w->cfg.busy_poll && !(w->cfg.busy_idle_us && idle_long_enough(w))) {
		if (w->napi_id || xsk_ring_prod__needs_wakeup(&x->fill)) {
			w->c.wakeups++;
			recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
			return;
		}
		if (++w->napi_recheck >= XL_NAPI_RECHECK) {
			w->napi_recheck = 0;
			w->napi_id = socket_napi_id(x->fd);
		}
		cpu_relax();
		return;
	}
	/* need_wakeup mode, or a busy-polling worker idle for busy_idle_us: sleep until a frame */
	w->c.wakeups++;
	if (poll(&pfd, 1, 100) > 0)
		w->idle_spins = 0; /* a frame: spin again */
}

/*
 * Copies the struct xl_rx_meta that xl_steer_ts wrote in front of the frame (steer.h "RX
 * stamps") into @p. @off is the frame data's offset in its UMEM chunk: the metadata must fit in
 * front of it, inside the chunk, and carry the magic, or the frame counts as not stamped. The
 * magic is cleared once read.
 */
static inline void take_stamp(struct xl_pkt *p, uint8_t *data, uint32_t off)
{
	struct xl_rx_meta m;

	if (off < sizeof(m))
		return;
	memcpy(&m, data - sizeof(m), sizeof(m));
	if (m.magic != XL_RX_META_MAGIC || m.src == XL_TS_SRC_NONE || m.src > XL_TS_SRC_RX_META)
		return;
	p->ts_src = (uint8_t)m.src;
	p->xdp_ns = m.xdp_ns;
	p->rx_hw_ns = m.rx_hw_ns;
	/* spent: a later frame in this chunk that XDP could not stamp must not read it again */
	memset(data - sizeof(m) + offsetof(struct xl_rx_meta, magic), 0, sizeof(m.magic));
}

static void run_burst(struct xl_worker *w, unsigned int n, uint32_t idx)
{
	struct xl_xsk *x = w->cfg.xsk;
	unsigned int i, ntx = 0, nfwd = 0, nfree = 0, left;
	uint8_t *area = w->cfg.umem_area;
	uint64_t rx_bytes = 0, tx_bytes = 0;

	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		uint32_t off = (uint32_t)(d->addr % w->cfg.frame_size);

		w->addrs[i] = d->addr;
		w->pkts[i].data = area + d->addr;
		w->pkts[i].len = d->len;
		w->pkts[i].room = w->cfg.frame_size - off;
		w->pkts[i].queue = (uint16_t)x->queue;
		w->pkts[i].verdict = XL_VERDICT_DROP;
		w->pkts[i].pad2 = 0;
		w->pkts[i].ts_src = 0;
		w->pkts[i].xdp_ns = 0;
		w->pkts[i].rx_hw_ns = 0;
		if (w->cfg.rx_stamp)
			take_stamp(&w->pkts[i], area + d->addr, off);
		rx_bytes += d->len;
	}
	__atomic_store_n(&w->held, n, __ATOMIC_RELAXED);
	xsk_ring_cons__release(&x->rx, n);
	w->c.rx_packets += n;
	w->c.rx_bytes += rx_bytes;
	w->c.batches++;

	w->cfg.handler->batch(w->cfg.handler->ctx, w->pkts, n);

	for (i = 0; i < n; i++) {
		struct xl_pkt *p = &w->pkts[i];
		uint32_t len = p->len;

		if (len == 0 || len > p->room)
			p->verdict = XL_VERDICT_DROP;
		switch (p->verdict) {
		case XL_VERDICT_TX:
			w->tx_addr[ntx] = w->addrs[i];
			w->tx_len[ntx++] = len;
			tx_bytes += len;
			break;
		case XL_VERDICT_FWD:
			if (w->cfg.fwd) {
				w->fwd_addr[nfwd] = w->addrs[i];
				w->fwd_len[nfwd++] = len;
				break;
			}
			w->c.dropped++;
			w->free_objs[nfree++] = addr_obj(w, w->addrs[i]);
			break;
		case XL_VERDICT_PASS:
			w->c.pass_unsupported++;
			w->free_objs[nfree++] = addr_obj(w, w->addrs[i]);
			break;
		default:
			w->c.dropped++;
			w->free_objs[nfree++] = addr_obj(w, w->addrs[i]);
			break;
		}
	}
	left = tx_burst(w, x, w->tx_addr, w->tx_len, ntx);
	for (i = ntx - left; i < ntx; i++) {
		w->free_objs[nfree++] = addr_obj(w, w->tx_addr[i]);
		tx_bytes -= w->tx_len[i];
	}
	w->c.tx_full_drops += left;
	w->c.tx_packets += ntx - left;
	w->c.tx_bytes += tx_bytes;
	if (nfwd) {
		left = tx_burst(w, w->cfg.fwd, w->fwd_addr, w->fwd_len, nfwd);
		for (i = nfwd - left; i < nfwd; i++)
			w->free_objs[nfree++] = addr_obj(w, w->fwd_addr[i]);
		w->c.tx_full_drops += left;
		w->c.fwd_packets += nfwd - left;
	}
	if (nfree)
		xl_pool_put_bulk(w->cfg.pool, w->cache, w->free_objs, nfree);
	__atomic_store_n(&w->held, 0, __ATOMIC_RELAXED);
}

static void *worker_main(void *arg)
{
	struct xl_worker *w = arg;
	struct xl_xsk *x = w->cfg.xsk;
	unsigned int n, fill_now;
	uint32_t idx;
	int ret = 0;

	w->tid = (pid_t)syscall(SYS_gettid);
	if (w->cfg.drop_caps)
		ret = xl_caps_drop_self(0);
	__atomic_store_n(&w->ready, ret ? ret : 1, __ATOMIC_RELEASE);
	if (ret)
		return NULL;

	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		/* odd: frames move; the RMW keeps the moves below after it (one per loop, not per
		 * packet) */
		__atomic_fetch_add(&w->seq, 1, __ATOMIC_ACQ_REL);
		kick_tx(w, x);
		reap_comp(w, x);
		if (w->cfg.fwd) {
			kick_tx(w, w->cfg.fwd);
			reap_comp(w, w->cfg.fwd);
		}
		fill_now = xl_xsk_ring_count_prod(&x->fill);
		if (!fill_now && !w->fill_was_empty)
			w->c.fill_empty++;
		w->fill_was_empty = !fill_now;
		refill(w);

		n = xsk_ring_cons__peek(&x->rx, w->cfg.batch, &idx);
		if (n)
			run_burst(w, n, idx);
		publish(w);
		__atomic_fetch_add(&w->seq, 1, __ATOMIC_RELEASE); /* even: settled */
		/* nothing received: see idle_wait() */
		if (!n)
			idle_wait(w);
		else
			w->idle_spins = 0;
	}
	publish(w);
	return NULL;
}

struct xl_worker *xl_worker_start(const struct xl_worker_cfg *cfg)
{
	struct xl_worker *w;
	pthread_attr_t attr;
	cpu_set_t set;
	int ret;

	if (!cfg || !cfg->xsk || !cfg->pool || !cfg->handler || !cfg->handler->batch ||
	    !cfg->stats || !cfg->batch || cfg->batch > XL_WORKER_BATCH_MAX) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cfg = *cfg;
	w->c = *cfg->stats; /* keeps queue id, modes, cpu */
	w->cache = xl_pool_cache_create(cfg->pool, cfg->cache_size);
	if (!w->cache) {
		ret = errno;
		free(w);
		errno = ret;
		return NULL;
	}
	/* fill the fill ring before the socket can receive anything */
	for (unsigned int i = 0; i < w->cfg.xsk->fill.size / w->cfg.batch + 1; i++)
		refill(w);
	publish(w);

	pthread_attr_init(&attr);
	if (cfg->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cfg->cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	ret = pthread_create(&w->thread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (ret) {
		xl_worker_drain(w, 0);
		xl_pool_cache_destroy(w->cache);
		free(w);
		errno = ret;
		return NULL;
	}
	w->started = true;
	/* the thread always gets to run; its first act decides */
	while (!(ret = __atomic_load_n(&w->ready, __ATOMIC_ACQUIRE)))
		nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
	if (ret < 0) {
		pthread_join(w->thread, NULL);
		w->started = false;
		xl_worker_drain(w, 0);
		xl_pool_cache_destroy(w->cache);
		free(w);
		errno = -ret;
		return NULL;
	}
	{
		char name[16];

		/* visible in top/ps as xl-w<queue> */
		snprintf(name, sizeof(name), "xl-w%u", cfg->xsk->queue);
		pthread_setname_np(w->thread, name);
	}
	return w;
}

pid_t xl_worker_tid(const struct xl_worker *w)
{
	return w ? w->tid : 0;
}

void xl_worker_stop(struct xl_worker *w)
{
	if (!w || !w->started)
		return;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
	pthread_join(w->thread, NULL);
	w->started = false;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned int tx_outstanding(struct xl_xsk *x)
{
	if (!x || !x->tx.producer)
		return 0;
	return xl_xsk_ring_count_prod(&x->tx) + xl_xsk_ring_count_cons(&x->comp);
}

unsigned int xl_worker_drain(struct xl_worker *w, unsigned int timeout_ms)
{
	struct xl_xsk *x = w->cfg.xsk;
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned int n, i, lost;
	uint32_t idx;

	/* 1. let the kernel finish what is on the TX rings, reap every completion */
	for (;;) {
		kick_tx(w, x);
		while (reap_comp(w, x))
			;
		if (w->cfg.fwd) {
			kick_tx(w, w->cfg.fwd);
			while (reap_comp(w, w->cfg.fwd))
				;
		}
		if (!xl_xsk_ring_count_prod(&x->tx) &&
		    (!w->cfg.fwd || !xl_xsk_ring_count_prod(&w->cfg.fwd->tx)))
			break;
		if (now_ms() >= deadline)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
	/* 2. frames received but not handled */
	while ((n = xsk_ring_cons__peek(&x->rx, w->cfg.batch, &idx))) {
		for (i = 0; i < n; i++)
			w->objs[i] = addr_obj(w, xsk_ring_cons__rx_desc(&x->rx, idx + i)->addr);
		xsk_ring_cons__release(&x->rx, n);
		xl_pool_put_bulk(w->cfg.pool, w->cache, w->objs, n);
	}
	/* 3. frames still waiting in the fill rings */
	while ((n = xl_xsk_reclaim_fill(x, w->addrs, w->cfg.batch))) {
		for (i = 0; i < n; i++)
			w->objs[i] = addr_obj(w, w->addrs[i]);
		xl_pool_put_bulk(w->cfg.pool, w->cache, w->objs, n);
	}
	publish(w);
	lost = tx_outstanding(x) + (w->cfg.fwd ? tx_outstanding(w->cfg.fwd) : 0);
	return lost;
}

unsigned int xl_worker_held(const struct xl_worker *w)
{
	return __atomic_load_n(&w->held, __ATOMIC_ACQUIRE);
}

unsigned int xl_worker_motion_seq(struct xl_worker *w)
{
	return __atomic_fetch_add(&w->seq, 0, __ATOMIC_ACQ_REL);
}

void xl_worker_destroy(struct xl_worker *w)
{
	if (!w)
		return;
	xl_worker_stop(w);
	xl_pool_cache_destroy(w->cache);
	free(w);
}
