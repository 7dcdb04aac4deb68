// SPDX-License-Identifier: BSD-2-Clause
/*
 * xl_daemon_run(): attach, serve, drain, detach. See daemon.h.
 *
 * Layout choice: ONE UMEM per instance, shared by the sockets of every queue (XDP_SHARED_UMEM,
 * each socket with its own fill and completion ring) and by the forwarding sockets. Why:
 *  - one xl_pool, one registration, one locked region: the frames of all queues are one
 *    reservoir, so a burst on one queue borrows the frames the idle queues are not using, and
 *    the pool can be sized for the sum of the real peaks (the high-water mark tells) instead of
 *    every queue's worst case;
 *  - a frame received on one device can be transmitted on another (fwd) without a copy;
 *  - all queues of one NIC sit on the NIC's NUMA node anyway, so per-queue UMEMs would gain no
 *    locality. The pool's MPMC ring is touched only in bulk (per-worker caches absorb the rest),
 *    so sharing costs no per-packet contention.
 * Worker model: one thread per served queue, pinned round-robin to the CPUs given (default: the
 * NIC node's CPUs). A worker owns its socket's four rings, so no ring is ever shared between
 * threads and no lock is needed.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlane/pool.h>

#include "caps.h"
#include "daemon.h"
#include "dstats.h"
#include "hotset.h"
#include "iface.h"
#include "internal.h"
#include "loader.h"
#include "worker.h"
#include "xsk.h"

#define DEF_RING	2048
#define DEF_FRAME	4096
#define DEF_BATCH	64
#define DEF_IDLE_MS	5000
#define DEF_STATS_MS	1000
#define SETTLE_TRIES	64     /* reads of the frame locations per refresh, at most */
#define SETTLE_PAUSE_NS 50000L /* between them */
#define DRAIN_MS	1000

struct run {
	const struct xl_run_config *cfg;
	char *err;
	size_t errlen;
	char ifname[IF_NAMESIZE];
	int ifindex;
	int fwd_ifindex;
	int nic_node;
	unsigned int nq;
	unsigned int queues[XL_MAX_QUEUES];
	unsigned int bind_modes[XL_MAX_QUEUES];
	const char *bind_notes[XL_MAX_QUEUES];
	const struct xl_handler *handler;
	struct xl_steer *steer;
	int dstats_fd;
	void *dstats;
	size_t dstats_len;
	char dstats_pin[256];
	struct xl_pool *pool;
	unsigned int n_frames, frame_size;
	struct xl_xsk *xsk[XL_MAX_QUEUES];
	struct xl_xsk *fwd[XL_MAX_QUEUES];
	struct xl_worker *w[XL_MAX_QUEUES];
	int xsks_fd;
	bool in_xskmap[XL_MAX_QUEUES];
	bool pinned;
	unsigned int *ntuple_loc; /* locations of the ntuple filters we installed */
	unsigned int n_ntuple;
};

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned int pick(unsigned int v, unsigned int def)
{
	return v ? v : def;
}

static int is_pow2(unsigned int v)
{
	return v && !(v & (v - 1));
}

static size_t dstats_len(void)
{
	size_t len = (size_t)XL_DSTATS_SLOT * XL_DSTATS_ENTRIES;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (len + pg - 1) / pg * pg;
}

static int setup_queues(struct run *r)
{
	const struct xl_run_config *c = r->cfg;
	int nq_dev = xl_iface_rx_queues(r->ifname);
	unsigned int i, j;

	if (nq_dev < 0)
		return xl_errmsg(r->err, r->errlen, nq_dev, "cannot count the RX queues of %s: %s",
				 r->ifname, strerror(-nq_dev));
	if (c->n_queues && !c->queues)
		return xl_errmsg(r->err, r->errlen, EINVAL, "queue list missing");
	if (!c->n_queues) {
		r->nq = (unsigned int)nq_dev < XL_MAX_QUEUES ? (unsigned int)nq_dev : XL_MAX_QUEUES;
		for (i = 0; i < r->nq; i++)
			r->queues[i] = i;
		return 0;
	}
	if (c->n_queues > XL_MAX_QUEUES)
		return xl_errmsg(r->err, r->errlen, ERANGE, "too many queues: %u (at most %d)",
				 c->n_queues, XL_MAX_QUEUES);
	for (i = 0; i < c->n_queues; i++) {
		if (c->queues[i] >= (unsigned int)nq_dev || c->queues[i] >= XL_MAX_QUEUES)
			return xl_errmsg(r->err, r->errlen, ERANGE,
					 "queue %u out of range: %s has %d RX queue%s (0..%d)",
					 c->queues[i], r->ifname, nq_dev, nq_dev == 1 ? "" : "s",
					 nq_dev - 1);
		for (j = 0; j < i; j++)
			if (c->queues[j] == c->queues[i])
				return xl_errmsg(r->err, r->errlen, EINVAL, "queue %u listed twice",
						 c->queues[i]);
		r->queues[i] = c->queues[i];
	}
	r->nq = c->n_queues;
	return 0;
}

static int setup_cfg_map(struct run *r)
{
	const struct xl_run_config *c = r->cfg;
	struct xl_cfg cfg = {0};
	__u32 k = 0;
	int fd = xl_steer_map_fd(r->steer, XL_MAP_CFG), ret;

	if (getrandom(&cfg.hash_seed, sizeof(cfg.hash_seed), GRND_NONBLOCK) !=
	    sizeof(cfg.hash_seed))
		cfg.hash_seed = (__u32)realtime_ns();
	cfg.idle_ns = (uint64_t)pick(c->hot_idle_ms, DEF_IDLE_MS) * 1000000ULL;
	ret = xl_hot_apply(&cfg, c->hot_threshold_pps, 0, !c->hot_disable);
	if (ret)
		return xl_errmsg(r->err, r->errlen, EINVAL, "hot threshold %llu pps too large",
				 (unsigned long long)c->hot_threshold_pps);
	if (bpf_map_update_elem(fd, &k, &cfg, BPF_ANY))
		return xl_errmsg(r->err, r->errlen, errno, "cannot write %s: %s", XL_MAP_CFG,
				 strerror(errno));
	return 0;
}

static int setup_dstats(struct run *r)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	struct xl_dstats_hdr *h;
	char dir[128];
	int ret;

	r->dstats_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, XL_PIN_DSTATS, sizeof(__u32),
				      XL_DSTATS_SLOT, XL_DSTATS_ENTRIES, &o);
	if (r->dstats_fd < 0)
		return xl_errmsg(r->err, r->errlen, errno, "cannot create the statistics map: %s",
				 strerror(errno));
	r->dstats_len = dstats_len();
	r->dstats = mmap(NULL, r->dstats_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->dstats_fd, 0);
	if (r->dstats == MAP_FAILED) {
		r->dstats = NULL;
		return xl_errmsg(r->err, r->errlen, errno, "cannot map the statistics map: %s",
				 strerror(errno));
	}
	h = xl_dstats_hdr(r->dstats);
	h->version = XL_DSTATS_VERSION;
	h->pid = getpid();
	h->ifindex = (uint32_t)r->ifindex;
	snprintf(h->ifname, sizeof(h->ifname), "%s", r->ifname);
	h->started_ns = h->updated_ns = realtime_ns();
	h->idle_ms = pick(r->cfg->hot_idle_ms, DEF_IDLE_MS);
	h->nic_node = r->nic_node;
	h->umem_node = -1;
	__atomic_store_n(&h->magic, XL_DSTATS_MAGIC, __ATOMIC_RELEASE);

	xl_pin_dir(r->ifname, dir, sizeof(dir));
	snprintf(r->dstats_pin, sizeof(r->dstats_pin), "%s/%s", dir, XL_PIN_DSTATS);
	if (bpf_obj_pin(r->dstats_fd, r->dstats_pin) || chmod(r->dstats_pin, 0600)) {
		ret = errno;
		r->dstats_pin[0] = 0;
		return xl_errmsg(r->err, r->errlen, ret, "cannot pin the statistics map: %s",
				 strerror(ret));
	}
	return 0;
}

static int setup_rules(struct run *r)
{
	struct xl_control *ctl;
	unsigned int i;
	int ret;

	if (!r->cfg->n_rules)
		return 0;
	ret = xl_control_open(r->ifname, &ctl);
	if (ret)
		return xl_errmsg(r->err, r->errlen, ret, "cannot open own pins: %s",
				 strerror(-ret));
	for (i = 0; i < r->cfg->n_rules; i++) {
		ret = xl_control_rule_add(ctl, &r->cfg->rules[i]);
		if (ret) {
			xl_errmsg(r->err, r->errlen, ret, "rule %u (id %u) rejected: %s", i + 1,
				  r->cfg->rules[i].id, strerror(-ret));
			break;
		}
	}
	xl_control_close(ctl);
	return ret;
}

static int ntuple_one(struct run *r, const struct xl_rule_spec *rs, int family)
{
	bool v6 = family == AF_INET6, udp = rs->proto == IPPROTO_UDP;
	unsigned int ft =
		v6 ? (udp ? UDP_V6_FLOW : TCP_V6_FLOW) : (udp ? UDP_V4_FLOW : TCP_V4_FLOW);
	bool exact = rs->kind == XL_RULE_EXACT;
	int ret;

	ret = xl_iface_ntuple_add(r->ifname, ft, exact ? rs->saddr : NULL,
				  exact || rs->has_daddr ? rs->daddr : NULL, exact ? rs->sport : 0,
				  rs->dport, r->cfg->ntuple_queue, &r->ntuple_loc[r->n_ntuple]);
	if (ret == -EOPNOTSUPP)
		return xl_errmsg(r->err, r->errlen, EOPNOTSUPP,
				 "ntuple filters are unsupported on %s", r->ifname);
	if (ret)
		return xl_errmsg(r->err, r->errlen, -ret,
				 "cannot install the ntuple filter of rule id %u on %s: %s", rs->id,
				 r->ifname, strerror(-ret));
	r->n_ntuple++;
	return 0;
}

/* Pin the exact and port rules to cfg->ntuple_queue; teardown removes what was installed. */
static int setup_ntuple(struct run *r)
{
	const struct xl_run_config *c = r->cfg;
	unsigned int i, n = 0;
	int ret;

	if (!c->ntuple)
		return 0;
	for (i = 0; i < r->nq && r->queues[i] != c->ntuple_queue; i++)
		;
	if (i == r->nq)
		return xl_errmsg(r->err, r->errlen, EINVAL,
				 "ntuple queue %u is not one of the served queues",
				 c->ntuple_queue);
	for (i = 0; i < c->n_rules; i++)
		if (c->rules[i].kind == XL_RULE_EXACT || c->rules[i].kind == XL_RULE_PORT)
			n++;
	if (!n)
		return xl_errmsg(r->err, r->errlen, EINVAL,
				 "ntuple queue given but no exact or port rule to pin");
	r->ntuple_loc = calloc(2 * (size_t)n, sizeof(*r->ntuple_loc));
	if (!r->ntuple_loc)
		return xl_errmsg(r->err, r->errlen, ENOMEM, "out of memory");
	for (i = 0; i < c->n_rules; i++) {
		const struct xl_rule_spec *rs = &c->rules[i];

		if (rs->kind != XL_RULE_EXACT && rs->kind != XL_RULE_PORT)
			continue;
		if (rs->proto != IPPROTO_UDP && rs->proto != IPPROTO_TCP)
			return xl_errmsg(r->err, r->errlen, EINVAL,
					 "rule id %u: ntuple needs UDP or TCP", rs->id);
		if (rs->family == AF_INET || rs->family == AF_UNSPEC) {
			ret = ntuple_one(r, rs, AF_INET);
			if (ret)
				return ret;
		}
		if (rs->family == AF_INET6 || rs->family == AF_UNSPEC) {
			ret = ntuple_one(r, rs, AF_INET6);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void teardown_ntuple(struct run *r)
{
	while (r->n_ntuple > 0)
		xl_iface_ntuple_del(r->ifname, r->ntuple_loc[--r->n_ntuple]);
	free(r->ntuple_loc);
	r->ntuple_loc = NULL;
}

static int setup_pool(struct run *r)
{
	const struct xl_run_config *c = r->cfg;
	struct xl_pool_info info = {.sz = sizeof(info)};
	unsigned int per_q;
	int ret;

	XL_OPTS(xl_pool_opts, po, .placement = XL_PLACE_IFACE, .ifname = r->ifname,
		.pages = c->hugepages ? XL_PAGES_HUGE : XL_PAGES_AUTO, .flags = XL_POOL_F_NO_COLOUR,
		.align = r->frame_size);
	per_q = pick(c->fill_size, 2 * pick(c->rx_size, DEF_RING)) +
		pick(c->tx_size, DEF_RING) * (c->fwd_ifname ? 2 : 1) +
		2 * pick(c->batch_size, DEF_BATCH);
	r->n_frames = c->n_frames ? c->n_frames : per_q * r->nq;
	r->pool = xl_pool_create(r->n_frames, r->frame_size, &po);
	if (!r->pool) {
		ret = errno;
		if (ret == ENOMEM && c->hugepages)
			return xl_errmsg(r->err, r->errlen, ENOMEM,
					 "not enough hugepages for a %u x %u-byte UMEM "
					 "(see /proc/sys/vm/nr_hugepages)",
					 r->n_frames, r->frame_size);
		if (ret == EPERM || ret == EAGAIN || ret == ENOMEM)
			return xl_errmsg(r->err, r->errlen, ENOMEM,
					 "not enough locked memory for a %u x %u-byte UMEM (%s; "
					 "needs CAP_IPC_LOCK or RLIMIT_MEMLOCK)",
					 r->n_frames, r->frame_size, strerror(ret));
		return xl_errmsg(r->err, r->errlen, ret, "cannot create the UMEM pool: %s",
				 strerror(ret));
	}
	xl_pool_info(r->pool, &info);
	if (info.stride != r->frame_size || info.headroom)
		return xl_errmsg(r->err, r->errlen, EINVAL,
				 "pool layout unusable as an aligned UMEM (stride %u)",
				 info.stride);
	{
		struct xl_dstats_hdr *h = xl_dstats_hdr(r->dstats);

		h->frames_total = r->n_frames;
		h->frame_size = r->frame_size;
		h->umem_huge = info.pages == XL_PAGES_HUGE;
		h->umem_bytes = info.region_bytes;
		h->umem_node = info.node_verified >= 0 ? info.node_verified : info.node;
	}
	return 0;
}

static int setup_sockets(struct run *r)
{
	const struct xl_run_config *c = r->cfg;
	struct xl_xsk_cfg xc = {0};
	size_t len;
	unsigned int i;
	int fwd_nq;

	xc.umem_area = xl_pool_region(r->pool, &len);
	xc.umem_len = len;
	xc.frame_size = r->frame_size;
	xc.rx_size = pick(c->rx_size, DEF_RING);
	xc.tx_size = pick(c->tx_size, DEF_RING);
	xc.fill_size = pick(c->fill_size, 2 * xc.rx_size);
	xc.comp_size = pick(c->comp_size, xc.tx_size);
	xc.bind_mode = c->bind_mode;
	xc.shared_fd = -1;
	xc.busy_poll = c->busy_poll;
	xc.busy_poll_usec = c->busy_poll_usec;
	xc.busy_poll_budget = c->busy_poll_budget;
	for (i = 0; i < r->nq; i++) {
		char e[256] = "";

		r->xsk[i] = xl_xsk_create(r->ifindex, r->queues[i], &xc, e, sizeof(e));
		if (!r->xsk[i])
			return xl_errmsg(r->err, r->errlen, errno, "%s", e);
		if (i == 0)
			xc.shared_fd = r->xsk[0]->fd;
		r->bind_modes[i] = r->xsk[i]->bind_mode;
		/* sharers of the UMEM bind in the owner's mode: say so, naming the owner's queue */
		if (i && !r->xsk[i]->note[0] && r->xsk[0]->note[0])
			snprintf(r->xsk[i]->note, sizeof(r->xsk[i]->note),
				 "shares the UMEM of queue %u, whose %.160s", r->queues[0],
				 r->xsk[0]->note);
		r->bind_notes[i] = r->xsk[i]->note;
	}
	if (!r->fwd_ifindex)
		return 0;
	fwd_nq = xl_iface_rx_queues(c->fwd_ifname);
	if (fwd_nq < (int)r->nq)
		return xl_errmsg(
			r->err, r->errlen, ERANGE,
			"forwarding interface %s has %d queue(s), needs %u (one per worker)",
			c->fwd_ifname, fwd_nq, r->nq);
	xc.rx_size = 0;
	for (i = 0; i < r->nq; i++) {
		char e[256] = "";

		r->fwd[i] = xl_xsk_create(r->fwd_ifindex, i, &xc, e, sizeof(e));
		if (!r->fwd[i])
			return xl_errmsg(r->err, r->errlen, errno, "forwarding socket: %s", e);
	}
	return 0;
}

static int setup_workers(struct run *r)
{
	const struct xl_run_config *c = r->cfg;
	int cpus[256], ncpu;
	unsigned int i, share, fill_cap = 0, cache_size = 0;

	if (c->n_cpus) {
		if (!c->cpus || c->n_cpus > 256)
			return xl_errmsg(r->err, r->errlen, EINVAL, "bad CPU list");
		for (i = 0; i < c->n_cpus; i++) {
			if (c->cpus[i] < 0 || c->cpus[i] >= CPU_SETSIZE)
				return xl_errmsg(r->err, r->errlen, EINVAL, "bad CPU %d",
						 c->cpus[i]);
			cpus[i] = c->cpus[i];
		}
		ncpu = (int)c->n_cpus;
	} else {
		ncpu = xl_iface_node_cpus(r->nic_node, cpus, 256);
		if (ncpu <= 0)
			ncpu = 0;
	}
	/*
	 * One UMEM serves every queue. When it holds less than a full fill ring per queue (a UMEM
	 * sized by hand with n_frames), cap each queue's fill ring and pool cache at a share of it,
	 * so that a queue that took a burst cannot hoard every frame while an idle queue starves.
	 */
	share = r->n_frames / r->nq;
	if (share < r->xsk[0]->fill.size + 2 * pick(c->batch_size, DEF_BATCH)) {
		fill_cap = share / 2 ? share / 2 : 1;
		cache_size = share / 4 ? share / 4 : 1;
	}
	for (i = 0; i < r->nq; i++) {
		struct xl_queue_stats *qs = xl_dstats_queue(r->dstats, i);
		struct xl_worker_cfg wc = {
			.xsk = r->xsk[i],
			.fwd = r->fwd[i],
			.pool = r->pool,
			.umem_area = xl_pool_region(r->pool, NULL),
			.frame_size = r->frame_size,
			.handler = r->handler,
			.stats = qs,
			.cpu = ncpu ? cpus[i % (unsigned int)ncpu] : -1,
			.batch = pick(c->batch_size, DEF_BATCH),
			.busy_poll = c->busy_poll,
			.busy_idle_us = c->busy_poll_idle_us,
			.rx_stamp = c->rx_stamp,
			.fill_cap = fill_cap,
			.cache_size = cache_size,
			.drop_caps = true,
		};

		memset(qs, 0, sizeof(*qs));
		qs->queue = r->queues[i];
		qs->bind_mode = r->xsk[i]->bind_mode;
		qs->need_wakeup = r->xsk[i]->need_wakeup;
		qs->cpu = wc.cpu;
		r->w[i] = xl_worker_start(&wc);
		if (!r->w[i])
			return xl_errmsg(r->err, r->errlen, errno,
					 "cannot start the worker of queue %u: %s", r->queues[i],
					 strerror(errno));
		__atomic_store_n(&xl_dstats_hdr(r->dstats)->n_queues, i + 1, __ATOMIC_RELEASE);
	}
	for (i = 0; i < r->nq; i++) {
		int fd = r->xsk[i]->fd;

		if (bpf_map_update_elem(r->xsks_fd, &r->queues[i], &fd, BPF_ANY))
			return xl_errmsg(r->err, r->errlen, errno,
					 "cannot put the socket of queue %u into %s: %s",
					 r->queues[i], XL_MAP_XSKS, strerror(errno));
		r->in_xskmap[i] = true;
	}
	return 0;
}

/* Where a run's UMEM frames are, read once (one try of read_frames()). */
struct frames_view {
	uint64_t fill[XL_MAX_QUEUES], rx[XL_MAX_QUEUES], tx[XL_MAX_QUEUES];
	uint64_t comp[XL_MAX_QUEUES], worker[XL_MAX_QUEUES];
	int64_t kernel; /* taken by the kernel from fill or TX, not yet on RX or completion */
	struct xl_pool_stats ps;
	bool ps_ok;
};

/*
 * Reads every frame location of the run once. Within a queue the ring a frame moves to is read
 * before the ring it comes from (RX before fill, completion before TX): a frame the kernel moves
 * between the two reads is then counted in neither and lands in the kernel term, which a worker
 * at rest keeps exact and never negative. The counters are the worker's (published before its
 * motion sequence turns even).
 */
static void read_frames(struct run *r, struct frames_view *v)
{
	unsigned int i;

	v->kernel = 0;
	for (i = 0; i < r->nq && r->w[i]; i++) {
		const struct xl_queue_stats *qs = xl_dstats_queue(r->dstats, i);
		struct xl_xsk *x = r->xsk[i], *f = r->fwd[i];
		uint64_t fill_sub, rxp, txp, fwdp, txc;

		fill_sub = __atomic_load_n(&qs->fill_submitted, __ATOMIC_ACQUIRE);
		rxp = __atomic_load_n(&qs->rx_packets, __ATOMIC_ACQUIRE);
		txp = __atomic_load_n(&qs->tx_packets, __ATOMIC_ACQUIRE);
		fwdp = __atomic_load_n(&qs->fwd_packets, __ATOMIC_ACQUIRE);
		txc = __atomic_load_n(&qs->tx_completed, __ATOMIC_ACQUIRE);
		v->worker[i] = xl_worker_held(r->w[i]);
		v->rx[i] = xl_xsk_ring_count_cons(&x->rx);
		v->fill[i] = xl_xsk_ring_count_prod(&x->fill);
		v->comp[i] = xl_xsk_ring_count_cons(&x->comp) +
			     (f ? xl_xsk_ring_count_cons(&f->comp) : 0);
		v->tx[i] =
			xl_xsk_ring_count_prod(&x->tx) + (f ? xl_xsk_ring_count_prod(&f->tx) : 0);
		/* frames given to fill that are neither still there, nor on RX, nor received;
		 * frames put on TX that are neither still there, nor on completion, nor reaped */
		v->kernel += (int64_t)(fill_sub - v->fill[i] - v->rx[i] - rxp);
		v->kernel += (int64_t)(txp + fwdp - txc - v->tx[i] - v->comp[i]);
	}
	v->ps = (struct xl_pool_stats){.sz = sizeof(v->ps)};
	v->ps_ok = !xl_pool_stats(r->pool, &v->ps);
}

/*
 * Reads the frame locations until one read saw no worker move a frame (every worker's motion
 * sequence even and unchanged across it), so that their sum is exact; a worker at rest settles
 * the first try. Under load that may not happen within the tries: the last read is kept and
 * flagged not settled (its sum may be off by the frames in motion).
 */
static bool read_frames_settled(struct run *r, struct frames_view *v)
{
	unsigned int seq[XL_MAX_QUEUES], i, t;
	bool still;

	for (t = 0; t < SETTLE_TRIES; t++) {
		if (t)
			nanosleep(&(struct timespec){.tv_nsec = SETTLE_PAUSE_NS}, NULL);
		still = true;
		for (i = 0; i < r->nq && r->w[i]; i++) {
			seq[i] = xl_worker_motion_seq(r->w[i]);
			still = still && !(seq[i] & 1);
		}
		read_frames(r, v);
		for (i = 0; i < r->nq && r->w[i]; i++)
			still = still && xl_worker_motion_seq(r->w[i]) == seq[i];
		if (still)
			return true;
	}
	return false;
}

/* Refreshes XDP_STATISTICS, frame locations and pool figures in the statistics map. */
static void refresh_stats(struct run *r)
{
	struct xl_dstats_hdr *h = xl_dstats_hdr(r->dstats);
	struct frames_view v;
	unsigned int i;
	bool settled;

	for (i = 0; i < r->nq && r->w[i]; i++) {
		struct xl_queue_stats *qs = xl_dstats_queue(r->dstats, i);
		struct xl_queue_stats xs = {0};

		if (xl_xsk_read_xdp_stats(r->xsk[i], &xs))
			continue;
		__atomic_store_n(&qs->xdp_rx_dropped, xs.xdp_rx_dropped, __ATOMIC_RELAXED);
		__atomic_store_n(&qs->xdp_rx_invalid_descs, xs.xdp_rx_invalid_descs,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&qs->xdp_tx_invalid_descs, xs.xdp_tx_invalid_descs,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&qs->xdp_rx_ring_full, xs.xdp_rx_ring_full, __ATOMIC_RELAXED);
		__atomic_store_n(&qs->xdp_rx_fill_ring_empty_descs, xs.xdp_rx_fill_ring_empty_descs,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&qs->xdp_tx_ring_empty_descs, xs.xdp_tx_ring_empty_descs,
				 __ATOMIC_RELAXED);
	}
	settled = read_frames_settled(r, &v);
	for (i = 0; i < r->nq && r->w[i]; i++) {
		struct xl_queue_stats *qs = xl_dstats_queue(r->dstats, i);

		__atomic_store_n(&qs->frames_fill, v.fill[i], __ATOMIC_RELAXED);
		__atomic_store_n(&qs->frames_rx, v.rx[i], __ATOMIC_RELAXED);
		__atomic_store_n(&qs->frames_tx, v.tx[i], __ATOMIC_RELAXED);
		__atomic_store_n(&qs->frames_comp, v.comp[i], __ATOMIC_RELAXED);
		__atomic_store_n(&qs->frames_worker, v.worker[i], __ATOMIC_RELAXED);
	}
	if (v.ps_ok) {
		__atomic_store_n(&h->frames_pool, v.ps.in_ring + v.ps.in_caches, __ATOMIC_RELAXED);
		__atomic_store_n(&h->pool_high_water, v.ps.high_water, __ATOMIC_RELAXED);
	}
	/* a negative kernel term in a settled read would be a real accounting error: the sum
	 * then exceeds the total and shows it */
	__atomic_store_n(&h->frames_kernel, (uint64_t)(v.kernel > 0 ? v.kernel : 0),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&h->frames_settled, settled ? 1U : 0U, __ATOMIC_RELAXED);
	__atomic_store_n(&h->updated_ns, realtime_ns(), __ATOMIC_RELEASE);
}

static void report_ready(struct run *r)
{
	struct xl_run_info info = {
		.ifname = r->ifname,
		.ifindex = (unsigned int)r->ifindex,
		.n_queues = r->nq,
		.queues = r->queues,
		.bind_modes = r->bind_modes,
		.bind_notes = r->bind_notes,
		.attach_mode = xl_steer_attach_mode(r->steer),
		.attach_method = XL_METHOD_LINK,
		.attach_fallback = xl_steer_attach_fallback(r->steer),
		.rx_stamp = r->cfg->rx_stamp,
		.attach_note = xl_steer_attach_note(r->steer),
		.n_frames = r->n_frames,
		.frame_size = r->frame_size,
		.umem_huge = xl_dstats_hdr(r->dstats)->umem_huge,
		.nic_node = r->nic_node,
		.ntuple = r->n_ntuple > 0,
		.ntuple_queue = r->cfg->ntuple_queue,
		.n_ntuple = r->n_ntuple,
	};

	if (r->cfg->on_ready)
		r->cfg->on_ready(r->cfg->ctx, &info);
}

static int serve(struct run *r, volatile sig_atomic_t *stop)
{
	struct xl_dstats_hdr *h = xl_dstats_hdr(r->dstats);
	unsigned int interval = pick(r->cfg->stats_interval_ms, DEF_STATS_MS), slept = 0;
	int hot_fd = xl_steer_map_fd(r->steer, XL_MAP_HOT), n;
	unsigned int tick = interval < 100 ? interval : 100;
	uint64_t flows = 0;

	while (!*stop) {
		nanosleep(&(struct timespec){.tv_nsec = (long)tick * 1000000L}, NULL);
		slept += tick;
		if (slept < interval)
			continue;
		slept = 0;
		refresh_stats(r);
		n = xl_hotset_demote(hot_fd,
				     (uint64_t)__atomic_load_n(&h->idle_ms, __ATOMIC_RELAXED) *
					     1000000ULL,
				     &flows);
		if (n > 0)
			__atomic_store_n(&h->hot_demotions, h->hot_demotions + (uint64_t)n,
					 __ATOMIC_RELAXED);
		__atomic_store_n(&h->hot_flows, flows, __ATOMIC_RELAXED);
		if (!xl_iface_alive(r->ifname, r->ifindex))
			return xl_errmsg(r->err, r->errlen, ENODEV, "interface %s went away",
					 r->ifname);
	}
	refresh_stats(r);
	return 0;
}

/* Teardown in the safe order; returns frames that never came back (0 when all did). */
static unsigned int teardown(struct run *r)
{
	unsigned int i, lost = 0;
	int leaked;

	if (r->dstats)
		__atomic_store_n(&xl_dstats_hdr(r->dstats)->stopping, 1, __ATOMIC_RELAXED);
	/* 1. no new packets for the sockets: out of the XSKMAP, program detached */
	for (i = 0; i < r->nq; i++)
		if (r->in_xskmap[i]) {
			bpf_map_delete_elem(r->xsks_fd, &r->queues[i]);
			r->in_xskmap[i] = false;
		}
	xl_steer_detach(r->steer);
	teardown_ntuple(r); /* exactly the filters we installed, by their locations */
	/* 2. stop the loops, 3. drain every frame back into the pool */
	for (i = 0; i < r->nq; i++)
		xl_worker_stop(r->w[i]);
	for (i = 0; i < r->nq; i++)
		if (r->w[i])
			lost += xl_worker_drain(r->w[i], DRAIN_MS);
	if (r->dstats && r->pool)
		refresh_stats(r);
	for (i = 0; i < r->nq; i++) {
		xl_worker_destroy(r->w[i]);
		r->w[i] = NULL;
	}
	/* 4. sockets: forwarding and sharers first, the UMEM owner last */
	for (i = 0; i < r->nq; i++)
		xl_xsk_destroy(r->fwd[i]);
	for (i = r->nq; i-- > 0;)
		xl_xsk_destroy(r->xsk[i]);
	/* 5. the pool: everything should be back */
	leaked = r->pool ? xl_pool_destroy(r->pool) : 0;
	r->pool = NULL;
	if (r->dstats_pin[0])
		unlink(r->dstats_pin);
	if (r->dstats)
		munmap(r->dstats, r->dstats_len);
	if (r->dstats_fd >= 0)
		close(r->dstats_fd);
	xl_steer_destroy(r->steer);
	if (r->pinned)
		xl_unpin_dir(r->ifname); /* whatever is left, and the directory */
	return leaked > 0 ? (unsigned int)leaked : lost;
}

int xl_daemon_run(const struct xl_run_config *cfg, volatile sig_atomic_t *stop)
{
	struct run *r;
	char dummy[8];
	char *err;
	size_t errlen;
	int ret, pid;
	unsigned int lost;

	if (!cfg) {
		errno = EINVAL;
		return -EINVAL;
	}
	err = cfg->errbuf && cfg->errlen ? cfg->errbuf : dummy;
	errlen = cfg->errbuf && cfg->errlen ? cfg->errlen : sizeof(dummy);
	err[0] = 0;
	if (!stop)
		return xl_errmsg(err, errlen, EINVAL, "no stop flag");
	if (!cfg->ifname || !*cfg->ifname || strlen(cfg->ifname) >= IF_NAMESIZE)
		return xl_errmsg(err, errlen, EINVAL, "bad interface name");
	xl_print_install();
	r = calloc(1, sizeof(*r));
	if (!r)
		return xl_errmsg(err, errlen, ENOMEM, "out of memory");
	r->cfg = cfg;
	r->err = err;
	r->errlen = errlen;
	r->dstats_fd = -1;
	r->xsks_fd = -1;
	snprintf(r->ifname, sizeof(r->ifname), "%s", cfg->ifname);

	r->frame_size = pick(cfg->frame_size, DEF_FRAME);
	ret = -EINVAL;
	if (r->frame_size != 2048 && r->frame_size != 4096) {
		xl_errmsg(err, errlen, EINVAL, "frame size must be 2048 or 4096, not %u",
			  r->frame_size);
		goto out;
	}
	if ((cfg->rx_size && !is_pow2(cfg->rx_size)) || (cfg->tx_size && !is_pow2(cfg->tx_size)) ||
	    (cfg->fill_size && !is_pow2(cfg->fill_size)) ||
	    (cfg->comp_size && !is_pow2(cfg->comp_size))) {
		xl_errmsg(err, errlen, EINVAL, "ring sizes must be powers of two");
		goto out;
	}
	if (cfg->batch_size > XL_WORKER_BATCH_MAX) {
		xl_errmsg(err, errlen, EINVAL, "batch size at most %d", XL_WORKER_BATCH_MAX);
		goto out;
	}
	if (cfg->busy_poll_idle_us && !cfg->busy_poll) {
		xl_errmsg(err, errlen, EINVAL, "busy_poll_idle_us (%u) needs busy_poll",
			  cfg->busy_poll_idle_us);
		goto out;
	}
	r->ifindex = xl_iface_index(r->ifname);
	if (r->ifindex < 0) {
		ret = xl_errmsg(err, errlen, ENODEV, "no such interface: %s", r->ifname);
		goto out;
	}
	r->handler = cfg->custom_handler ? cfg->custom_handler
					 : xl_handler_builtin(cfg->handler ? cfg->handler : "echo");
	if (!r->handler || !r->handler->batch) {
		ret = xl_errmsg(err, errlen, ENOENT,
				"unknown handler '%s' (built-in: echo, drop, count, fwd)",
				cfg->handler ? cfg->handler : "?");
		goto out;
	}
	if (cfg->fwd_ifname) {
		r->fwd_ifindex = xl_iface_index(cfg->fwd_ifname);
		if (r->fwd_ifindex < 0) {
			ret = xl_errmsg(err, errlen, ENODEV, "no such interface: %s (forwarding)",
					cfg->fwd_ifname);
			goto out;
		}
	} else if (!strcmp(r->handler->name ? r->handler->name : "", "fwd")) {
		ret = xl_errmsg(err, errlen, EINVAL, "handler fwd needs a forwarding interface");
		goto out;
	}
	ret = setup_queues(r);
	if (ret)
		goto out;
	r->nic_node = xl_iface_numa_node(r->ifname);

	/* pins left by a killed instance are stale; a live one owns the interface */
	pid = xl_control_owner_pid(r->ifname);
	if (pid) {
		ret = xl_errmsg(err, errlen, EBUSY, "xlane already runs on %s (pid %d)", r->ifname,
				pid);
		goto out;
	}
	xl_unpin_dir(r->ifname);
	ret = xl_steer_check_iface(r->ifindex, r->ifname, err, errlen);
	if (ret)
		goto out_err;
	ret = setup_ntuple(r);
	if (ret)
		goto out;

	r->steer = xl_steer_open(r->cfg->rx_stamp ? (int)r->ifindex : 0, err, errlen);
	if (!r->steer) {
		ret = -errno;
		goto out_err;
	}
	r->xsks_fd = xl_steer_map_fd(r->steer, XL_MAP_XSKS);
	ret = setup_cfg_map(r);
	if (ret)
		goto out;
	r->pinned = true;
	ret = xl_steer_pin(r->steer, r->ifname, err, errlen);
	if (ret)
		goto out_err;
	ret = setup_dstats(r);
	if (!ret)
		ret = setup_rules(r);
	if (!ret)
		ret = setup_pool(r);
	if (!ret)
		ret = setup_sockets(r);
	if (!ret)
		ret = setup_workers(r);
	if (ret)
		goto out;
	ret = xl_steer_attach(r->steer, r->ifindex, cfg->xdp_mode, err, errlen);
	if (ret)
		goto out_err;
	{
		struct xl_dstats_hdr *h = xl_dstats_hdr(r->dstats);

		h->attach_mode = xl_steer_attach_mode(r->steer);
		h->ntuple_filters = r->n_ntuple;
		h->ntuple_queue = cfg->ntuple ? (int32_t)cfg->ntuple_queue : -1;
		h->attach_method = XL_METHOD_LINK;
		h->attach_fallback = xl_steer_attach_fallback(r->steer);
	}
	/*
	 * Attached, pinned, UMEM registered, sockets bound, workers running (each dropped every
	 * capability as it started): serving, draining and detaching need none (map and socket fds
	 * are held; the pins are root-owned files; the link fd detaches), so this thread drops its
	 * own too, keeping CAP_NET_ADMIN only with ntuple filters installed (removing them at
	 * teardown needs it); then every thread's sets are read back.
	 */
	{
		uint64_t keep = r->n_ntuple ? XL_CAP(CAP_NET_ADMIN) : 0;
		pid_t tids[XL_MAX_QUEUES];

		for (unsigned int i = 0; i < r->nq; i++)
			tids[i] = xl_worker_tid(r->w[i]);
		ret = xl_caps_drop_self(keep);
		if (!ret)
			ret = xl_caps_verify(tids, r->nq, keep);
		if (ret) {
			ret = xl_errmsg(err, errlen, -ret, "cannot drop capabilities: %s",
					strerror(-ret));
			goto out;
		}
	}
	refresh_stats(r);
	report_ready(r);
	ret = serve(r, stop);
	goto out;

out_err:
	ret = xl_err(ret);
out:
	lost = teardown(r);
	if (!ret && lost)
		ret = xl_errmsg(err, errlen, EIO,
				"%u UMEM frame(s) did not come back from the kernel at teardown",
				lost);
	free(r);
	return ret ? xl_err(ret) : 0;
}
