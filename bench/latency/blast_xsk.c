// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_blast's AF_XDP engine (blast_xsk.h). Every UMEM frame gets the whole datagram (Ethernet,
 * IPv4 or IPv6, UDP, payload pattern) once, at set-up; per datagram the loop writes only the
 * source port, the sequence number and the UDP checksum, which is the flow's precomputed sum of
 * everything else plus the sequence number's four words. Frames come from an xl_pool placed on
 * the interface's NUMA node and go back to it from the completion ring: no allocation, no copy
 * and one sendto() wakeup per batch on the sending path.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <xlane/pool.h>

#include "blast_xsk.h"
#include "pace.h"
#include "xsk.h"

#define FRAME_SIZE 2048U
#define RING	   2048U
#define N_FRAMES   (2 * RING)
#define MAX_BATCH  256U
#define MAX_FLOWS  4096U
#define DRAIN_NS   1000000000ULL /* wait for the last completions at most this long */

#define UDP_LEN	   8U

struct blaster {
	const struct blast_xsk_cfg *cfg;
	struct xl_pool *pool;
	struct xl_pool_cache *cache;
	struct xl_xsk *xsk;
	uint8_t *area;
	unsigned int l4_off;	  /* UDP header offset in a frame */
	unsigned int len;	  /* frame length */
	uint32_t base[MAX_FLOWS]; /* per flow: the UDP checksum sum without the sequence number */
	void *objs[MAX_BATCH];
};

/* Per flow, the UDP checksum sum with sequence 0. */
static void flow_sums(struct blaster *b, const uint8_t *frame)
{
	const struct blast_frame_cfg *c = &b->cfg->dg;
	uint32_t acc = blast_frame_sum(c, frame, b->l4_off);
	unsigned int i;

	for (i = 0; i < c->flows; i++)
		b->base[i] = acc + (uint32_t)(uint16_t)(c->sport + i);
}

static inline void stamp(struct blaster *b, uint8_t *f, uint64_t seq)
{
	uint8_t *udp = f + b->l4_off, *pl = udp + UDP_LEN;
	unsigned int flow = (unsigned int)(seq % b->cfg->dg.flows);
	uint64_t acc = b->base[flow];
	uint16_t cs;
	int i;

	blast_put16(udp, (uint16_t)(b->cfg->dg.sport + flow));
	for (i = 0; i < 8; i++)
		pl[i] = (uint8_t)(seq >> (56 - 8 * i));
	acc += (seq >> 48) + ((seq >> 32) & 0xffff) + ((seq >> 16) & 0xffff) + (seq & 0xffff);
	cs = (uint16_t)~blast_fold(acc);
	blast_put16(udp + 6, cs ? cs : 0xffff);
}

/* Completions back into the pool; returns how many. */
static unsigned int reap(struct blaster *b)
{
	struct xl_xsk *x = b->xsk;
	unsigned int n, i;
	uint32_t idx;

	n = xsk_ring_cons__peek(&x->comp, MAX_BATCH, &idx);
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		b->objs[i] =
			xl_pool_addr_to_obj(b->pool, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
	xsk_ring_cons__release(&x->comp, n);
	xl_pool_put_bulk(b->pool, b->cache, b->objs, n);
	return n;
}

static void kick(struct blaster *b, struct blast_xsk_result *r)
{
	if (b->xsk->need_wakeup && !xsk_ring_prod__needs_wakeup(&b->xsk->tx))
		return;
	r->kicks++;
	if (sendto(b->xsk->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN) {
		r->kick_errors++;
		/* copy mode: the device dropped one frame and the kernel completed it */
		r->device_drops += errno == EBUSY;
	}
}

static void send_loop(struct blaster *b, struct blast_xsk_result *r)
{
	const struct blast_xsk_cfg *c = b->cfg;
	struct xl_xsk *x = b->xsk;
	uint64_t t0 = blast_now_ns(), end = t0 + c->duration_ns, done = 0, t;
	unsigned int i;
	uint32_t idx;
	int got;

	while (r->submitted < c->count && blast_now_ns() < end) {
		uint64_t left = c->count - r->submitted;
		unsigned int want = left < c->batch ? (unsigned int)left : c->batch;

		if (c->rate)
			blast_pace(t0, r->submitted, c->rate);
		done += reap(b);
		if (xsk_prod_nb_free(&x->tx, want) < want)
			want = xsk_prod_nb_free(&x->tx, want);
		got = want ? xl_pool_get_burst(b->pool, b->cache, b->objs, want) : 0;
		if (got > 0 &&
		    xsk_ring_prod__reserve(&x->tx, (uint32_t)got, &idx) != (uint32_t)got) {
			xl_pool_put_bulk(b->pool, b->cache, b->objs, (unsigned int)got);
			got = 0;
		}
		for (i = 0; got > 0 && i < (unsigned int)got; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
			uint8_t *f = b->objs[i];

			stamp(b, f, r->submitted + i);
			d->addr = xl_pool_obj_to_addr(b->pool, f);
			d->len = b->len;
			d->options = 0;
		}
		if (got > 0) {
			xsk_ring_prod__submit(&x->tx, (uint32_t)got);
			r->submitted += (uint64_t)got;
		}
		kick(b, r);
	}
	/* the rest of the TX ring goes out, bounded */
	t = blast_now_ns();
	while (done < r->submitted && blast_now_ns() - t < DRAIN_NS) {
		kick(b, r);
		done += reap(b);
	}
	r->sent = done;
	r->seconds = (double)(blast_now_ns() - t0) / 1e9;
}

int blast_xsk_run(const struct blast_xsk_cfg *cfg, struct blast_xsk_result *res, char *err,
		  size_t errlen)
{
	XL_OPTS(xl_pool_opts, po, .placement = XL_PLACE_IFACE, .ifname = cfg->ifname,
		.flags = XL_POOL_F_NO_COLOUR, .align = FRAME_SIZE);
	struct xl_pool_info info = {.sz = sizeof(info)};
	struct xl_xsk_cfg xc = {0};
	struct xl_queue_stats qs = {0};
	static struct blaster b; /* one run per process (lat_blast) */
	static void *all[N_FRAMES];
	uint8_t mac[6];
	unsigned int i, ifindex;
	size_t len;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	b.cfg = cfg;
	if (!cfg->dg.flows || cfg->dg.flows > MAX_FLOWS || cfg->dg.payload < 8 || !cfg->batch ||
	    cfg->batch > MAX_BATCH || cfg->dg.payload > BLAST_PAYLOAD_MAX) {
		snprintf(err, errlen, "--xsk: payload 8..%u bytes, batch 1..%u, flows 1..%u",
			 BLAST_PAYLOAD_MAX, MAX_BATCH, MAX_FLOWS);
		return -EINVAL;
	}
	ifindex = if_nametoindex(cfg->ifname);
	if (!ifindex) {
		snprintf(err, errlen, "--xsk %s: no such interface", cfg->ifname);
		return -ENODEV;
	}
	ret = blast_own_mac("--xsk", cfg->ifname, mac, err, errlen);
	if (ret)
		return ret;
	b.pool = xl_pool_create(N_FRAMES, FRAME_SIZE, &po);
	if (!b.pool) {
		ret = -errno;
		snprintf(err, errlen, "--xsk %s: cannot create the %u x %u-byte UMEM pool: %s%s",
			 cfg->ifname, N_FRAMES, FRAME_SIZE, strerror(-ret),
			 ret == -EPERM || ret == -ENOMEM ? " (needs CAP_IPC_LOCK)" : "");
		return ret;
	}
	xl_pool_info(b.pool, &info);
	b.cache = xl_pool_cache_create(b.pool, 0);
	if (!b.cache || info.stride != FRAME_SIZE || info.headroom) {
		ret = b.cache ? -EINVAL : -errno;
		snprintf(err, errlen, "--xsk: the pool is unusable as an aligned UMEM");
		goto out;
	}
	/* every frame gets the datagram once: the loop writes only port, sequence, checksum */
	if (xl_pool_get_bulk(b.pool, NULL, all, N_FRAMES)) {
		ret = -ENOMEM;
		snprintf(err, errlen, "--xsk: the pool holds fewer than %u frames", N_FRAMES);
		goto out;
	}
	for (i = 0; i < N_FRAMES; i++)
		b.len = blast_frame_build(&cfg->dg, mac, all[i], &b.l4_off);
	flow_sums(&b, all[0]);
	xl_pool_put_bulk(b.pool, NULL, all, N_FRAMES);
	b.area = xl_pool_region(b.pool, &len);
	xc.umem_area = b.area;
	xc.umem_len = len;
	xc.frame_size = FRAME_SIZE;
	xc.tx_size = RING;
	xc.fill_size = 64; /* the kernel wants one; nothing is received */
	xc.comp_size = RING;
	xc.bind_mode = XL_BIND_AUTO;
	xc.shared_fd = -1;
	b.xsk = xl_xsk_create((int)ifindex, cfg->queue, &xc, err, errlen);
	if (!b.xsk) {
		ret = -errno;
		goto out;
	}
	res->bind_mode = b.xsk->bind_mode == XL_BIND_ZEROCOPY ? "zerocopy" : "copy";
	snprintf(res->note, sizeof(res->note), "%s", b.xsk->note);
	send_loop(&b, res);
	if (!xl_xsk_read_xdp_stats(b.xsk, &qs))
		res->tx_invalid = qs.xdp_tx_invalid_descs;
	ret = 0;
out:
	xl_xsk_destroy(b.xsk);
	xl_pool_cache_destroy(b.cache);
	if (b.pool && ret == 0 && res->sent != res->submitted) {
		/* frames still in the kernel's hands after the drain: the pool reports them */
		snprintf(res->note + strlen(res->note), sizeof(res->note) - strlen(res->note),
			 "%s%llu frames not completed within 1 s", res->note[0] ? "; " : "",
			 (unsigned long long)(res->submitted - res->sent));
	}
	xl_pool_destroy(b.pool);
	return ret;
}
