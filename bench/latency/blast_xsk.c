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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <xlane/pool.h>

#include "blast_xsk.h"
#include "pace.h"
#include "xsk.h"

#define FRAME_SIZE   2048U
#define RING	     2048U
#define N_FRAMES     (2 * RING)
#define MAX_BATCH    256U
#define MAX_FLOWS    4096U
#define DRAIN_NS     1000000000ULL /* wait for the last completions at most this long */

#define ETH_LEN	     14U
#define IP4_LEN	     20U
#define IP6_LEN	     40U
#define UDP_LEN	     8U
#define IPPROTO_UDP_ 17U

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

/* Adds @n bytes as big-endian 16-bit words (a last odd byte padded with zero). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int own_mac(const char *ifname, uint8_t mac[6], char *err, size_t errlen)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0 || strlen(ifname) >= sizeof(ifr.ifr_name)) {
		ret = fd < 0 ? -errno : -ENAMETOOLONG;
		goto out;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
out:
	if (ret)
		snprintf(err, errlen, "--xsk %s: cannot read its MAC address: %s", ifname,
			 strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Writes the datagram into @f with source port 0 and sequence 0 (both written per send) and
 * returns the frame length. The IPv4 header checksum is final: nothing in it changes.
 */
static unsigned int build(const struct blast_xsk_cfg *c, const uint8_t src_mac[6], uint8_t *f,
			  unsigned int *l4_off)
{
	unsigned int ip_len = c->family == AF_INET ? IP4_LEN : IP6_LEN;
	unsigned int udp_len = UDP_LEN + c->payload, i;
	uint8_t *ip = f + ETH_LEN, *udp = ip + ip_len, *pl = udp + UDP_LEN;

	memcpy(f, c->dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, c->family == AF_INET ? 0x0800 : 0x86dd);
	if (c->family == AF_INET) {
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4_LEN + udp_len));
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP_;
		memcpy(ip + 12, &c->src, 4);
		memcpy(ip + 16, &c->dst, 4);
		put16(ip + 10, (uint16_t)~fold(sum16(ip, IP4_LEN, 0)));
	} else {
		memset(ip, 0, IP6_LEN);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)udp_len);
		ip[6] = IPPROTO_UDP_;
		ip[7] = 64;
		memcpy(ip + 8, &c->src, 16);
		memcpy(ip + 24, &c->dst, 16);
	}
	put16(udp, 0);
	put16(udp + 2, c->dport);
	put16(udp + 4, (uint16_t)udp_len);
	put16(udp + 6, 0);
	memset(pl, 0, 8); /* the sequence number */
	for (i = 8; i < c->payload; i++)
		pl[i] = (uint8_t)(0xb1 + i);
	*l4_off = ETH_LEN + ip_len;
	return ETH_LEN + ip_len + udp_len;
}

/* Per flow, the UDP checksum sum of pseudo header, header and payload with sequence 0. */
static void flow_sums(struct blaster *b, const uint8_t *frame)
{
	const struct blast_xsk_cfg *c = b->cfg;
	unsigned int udp_len = UDP_LEN + c->payload, alen = c->family == AF_INET ? 4 : 16, i;
	uint32_t acc = 0;

	acc = sum16((const uint8_t *)&c->src, alen, acc);
	acc = sum16((const uint8_t *)&c->dst, alen, acc);
	acc += IPPROTO_UDP_ + udp_len;
	acc = sum16(frame + b->l4_off, udp_len, acc); /* source port and sequence are 0 here */
	for (i = 0; i < c->flows; i++)
		b->base[i] = acc + (uint32_t)(uint16_t)(c->sport + i);
}

static inline void stamp(struct blaster *b, uint8_t *f, uint64_t seq)
{
	uint8_t *udp = f + b->l4_off, *pl = udp + UDP_LEN;
	unsigned int flow = (unsigned int)(seq % b->cfg->flows);
	uint64_t acc = b->base[flow];
	uint16_t cs;
	int i;

	put16(udp, (uint16_t)(b->cfg->sport + flow));
	for (i = 0; i < 8; i++)
		pl[i] = (uint8_t)(seq >> (56 - 8 * i));
	acc += (seq >> 48) + ((seq >> 32) & 0xffff) + ((seq >> 16) & 0xffff) + (seq & 0xffff);
	cs = (uint16_t)~fold(acc);
	put16(udp + 6, cs ? cs : 0xffff);
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
	if (!cfg->flows || cfg->flows > MAX_FLOWS || cfg->payload < 8 || !cfg->batch ||
	    cfg->batch > MAX_BATCH || ETH_LEN + IP6_LEN + UDP_LEN + cfg->payload > FRAME_SIZE) {
		snprintf(err, errlen, "--xsk: payload 8..%u bytes, batch 1..%u, flows 1..%u",
			 FRAME_SIZE - ETH_LEN - IP6_LEN - UDP_LEN, MAX_BATCH, MAX_FLOWS);
		return -EINVAL;
	}
	ifindex = if_nametoindex(cfg->ifname);
	if (!ifindex) {
		snprintf(err, errlen, "--xsk %s: no such interface", cfg->ifname);
		return -ENODEV;
	}
	ret = own_mac(cfg->ifname, mac, err, errlen);
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
		b.len = build(cfg, mac, all[i], &b.l4_off);
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
