// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reaching a running instance through its pins: rules, hot set, statistics, detach. See
 * control.h for the model.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"
#include "dstats.h"
#include "internal.h"
#include "loader.h"
#include "steer.h"

enum { M_CFG, M_STATS, M_EXACT, M_PORT, M_PFX4, M_PFX6, M_HITS, M_HOT, M_RGEN, M_DSTATS, M_N };

static const char *const map_names[M_N] = {
	[M_CFG] = XL_MAP_CFG,	    [M_STATS] = XL_MAP_STATS, [M_EXACT] = XL_MAP_EXACT,
	[M_PORT] = XL_MAP_PORT,	    [M_PFX4] = XL_MAP_PFX4,   [M_PFX6] = XL_MAP_PFX6,
	[M_HITS] = XL_MAP_HITS,	    [M_HOT] = XL_MAP_HOT,     [M_RGEN] = XL_MAP_RGEN,
	[M_DSTATS] = XL_PIN_DSTATS,
};

struct xl_control {
	char ifname[IF_NAMESIZE];
	int fd[M_N];
	void *dstats;
	size_t dstats_len;
	__u64 *rgen; /* xl_rgen's value, mmap()ed: incremented atomically after a rule change */
	int ncpus;
	void *scratch; /* per-CPU value buffer: reading statistics allocates nothing */
};

static size_t dstats_map_len(void)
{
	size_t len = (size_t)XL_DSTATS_SLOT * XL_DSTATS_ENTRIES;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (len + pg - 1) / pg * pg;
}

void xl_control_close(struct xl_control *ctl)
{
	int i;

	if (!ctl)
		return;
	if (ctl->dstats)
		munmap(ctl->dstats, ctl->dstats_len);
	if (ctl->rgen)
		munmap(ctl->rgen, (size_t)sysconf(_SC_PAGESIZE));
	free(ctl->scratch);
	for (i = 0; i < M_N; i++)
		if (ctl->fd[i] >= 0)
			close(ctl->fd[i]);
	free(ctl);
}

/* An mmap()able map's values, shared and writable; NULL with errno set on failure. */
static void *map_shared(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

int xl_control_open(const char *ifname, struct xl_control **out)
{
	struct xl_control *ctl;
	char dir[128], path[256];
	int i, ret;

	if (!out || !ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/'))
		return xl_err(EINVAL);
	*out = NULL;
	if (xl_pin_dir(ifname, dir, sizeof(dir)))
		return xl_err(EINVAL);
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return xl_err(ENOMEM);
	snprintf(ctl->ifname, sizeof(ctl->ifname), "%s", ifname);
	for (i = 0; i < M_N; i++)
		ctl->fd[i] = -1;
	for (i = 0; i < M_N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, map_names[i]);
		ctl->fd[i] = bpf_obj_get(path);
		if (ctl->fd[i] < 0) {
			ret = errno;
			xl_control_close(ctl);
			return xl_err(ret == ENOENT ? ENOENT : ret);
		}
	}
	ctl->dstats_len = dstats_map_len();
	ctl->dstats = map_shared(ctl->fd[M_DSTATS], ctl->dstats_len);
	if (ctl->dstats)
		ctl->rgen = map_shared(ctl->fd[M_RGEN], (size_t)sysconf(_SC_PAGESIZE));
	if (!ctl->dstats || !ctl->rgen) {
		ret = errno;
		xl_control_close(ctl);
		return xl_err(ret);
	}
	if (xl_dstats_hdr(ctl->dstats)->magic != XL_DSTATS_MAGIC ||
	    xl_dstats_hdr(ctl->dstats)->version != XL_DSTATS_VERSION) {
		xl_control_close(ctl);
		return xl_err(EPROTO);
	}
	ctl->ncpus = libbpf_num_possible_cpus();
	if (ctl->ncpus <= 0) {
		xl_control_close(ctl);
		return xl_err(EINVAL);
	}
	ctl->scratch = calloc((size_t)ctl->ncpus, sizeof(struct xl_stats));
	if (!ctl->scratch) {
		xl_control_close(ctl);
		return xl_err(ENOMEM);
	}
	*out = ctl;
	return 0;
}

/* ---- rules ------------------------------------------------------------------------------------- */

static int cfg_update_flags(struct xl_control *ctl, __u32 set, __u32 clear)
{
	struct xl_cfg cfg;
	__u32 k = 0;

	if (bpf_map_lookup_elem(ctl->fd[M_CFG], &k, &cfg))
		return -errno;
	cfg.flags = (cfg.flags & ~clear) | set;
	if (bpf_map_update_elem(ctl->fd[M_CFG], &k, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

/* After any rule map change: flows the verdict cache knows are looked up again (steer.h). An
 * atomic add, so concurrent `xlane rule` commands never lose an increment. */
static void rules_changed(struct xl_control *ctl)
{
	__atomic_add_fetch(ctl->rgen, 1, __ATOMIC_SEQ_CST);
}

static __u8 fam(uint8_t af)
{
	return af == AF_INET6 ? XL_FAMILY_V6 : XL_FAMILY_V4;
}

static int spec_valid(const struct xl_rule_spec *r)
{
	if (!r || r->id >= XL_RULE_ID_MAX || r->action > XL_ACT_PASS)
		return 0;
	/* a port rule without address may leave the family open (AF_UNSPEC: both) */
	if (r->family != AF_INET && r->family != AF_INET6 &&
	    !(r->family == AF_UNSPEC && r->kind == XL_RULE_PORT && !r->has_daddr))
		return 0;
	switch (r->kind) {
	case XL_RULE_EXACT:
	case XL_RULE_PORT:
		return r->proto == IPPROTO_UDP || r->proto == IPPROTO_TCP;
	case XL_RULE_PREFIX:
		return r->prefix_len <= (r->family == AF_INET ? 32 : 128);
	default:
		return 0;
	}
}

/* Map index, key bytes and key size of a spec. */
static int spec_key(const struct xl_rule_spec *r, void *key, size_t *klen)
{
	unsigned int alen = r->family == AF_INET ? 4 : 16;

	switch (r->kind) {
	case XL_RULE_EXACT: {
		struct xl_flow_key *k = key;

		memset(k, 0, sizeof(*k));
		k->family = fam(r->family);
		k->proto = r->proto;
		k->sport = htons(r->sport);
		k->dport = htons(r->dport);
		memcpy(k->saddr, r->saddr, alen);
		memcpy(k->daddr, r->daddr, alen);
		*klen = sizeof(*k);
		return M_EXACT;
	}
	case XL_RULE_PORT: {
		struct xl_port_key *k = key;

		memset(k, 0, sizeof(*k));
		k->family = r->has_daddr ? fam(r->family) : XL_FAMILY_ANY;
		k->proto = r->proto;
		k->dport = htons(r->dport);
		if (r->has_daddr)
			memcpy(k->daddr, r->daddr, alen);
		*klen = sizeof(*k);
		return M_PORT;
	}
	default:
		if (r->family == AF_INET) {
			struct xl_pfx4_key *k = key;

			memset(k, 0, sizeof(*k));
			k->prefixlen = r->prefix_len;
			memcpy(&k->addr, r->daddr, 4);
			*klen = sizeof(*k);
			return M_PFX4;
		} else {
			struct xl_pfx6_key *k = key;

			memset(k, 0, sizeof(*k));
			k->prefixlen = r->prefix_len;
			memcpy(k->addr, r->daddr, 16);
			*klen = sizeof(*k);
			return M_PFX6;
		}
	}
}

static const __u32 map_flag[M_N] = {
	[M_EXACT] = XL_CFG_F_RULES_EXACT,
	[M_PORT] = XL_CFG_F_RULES_PORT,
	[M_PFX4] = XL_CFG_F_RULES_PFX4,
	[M_PFX6] = XL_CFG_F_RULES_PFX6,
};

static uint64_t rule_hits(struct xl_control *ctl, __u32 id)
{
	uint64_t sum = 0, *v = ctl->scratch;
	int i;

	if (!bpf_map_lookup_elem(ctl->fd[M_HITS], &id, v))
		for (i = 0; i < ctl->ncpus; i++)
			sum += v[i];
	return sum;
}

static void zero_hits(struct xl_control *ctl, __u32 id)
{
	uint64_t *v = ctl->scratch;

	memset(v, 0, (size_t)ctl->ncpus * sizeof(*v));
	bpf_map_update_elem(ctl->fd[M_HITS], &id, v, BPF_ANY);
}

/* Converts a map entry back to a spec. */
static void key_to_spec(int m, const void *key, const struct xl_rule *val, struct xl_rule_spec *r)
{
	memset(r, 0, sizeof(*r));
	r->id = val->id;
	r->action = val->action;
	switch (m) {
	case M_EXACT: {
		const struct xl_flow_key *k = key;

		r->kind = XL_RULE_EXACT;
		r->family = k->family == XL_FAMILY_V6 ? AF_INET6 : AF_INET;
		r->proto = k->proto;
		r->sport = ntohs(k->sport);
		r->dport = ntohs(k->dport);
		memcpy(r->saddr, k->saddr, 16);
		memcpy(r->daddr, k->daddr, 16);
		break;
	}
	case M_PORT: {
		const struct xl_port_key *k = key;

		r->kind = XL_RULE_PORT;
		r->family = k->family == XL_FAMILY_V6	? AF_INET6
			    : k->family == XL_FAMILY_V4 ? AF_INET
							: AF_UNSPEC;
		r->has_daddr = k->family != XL_FAMILY_ANY;
		r->proto = k->proto;
		r->dport = ntohs(k->dport);
		memcpy(r->daddr, k->daddr, 16);
		break;
	}
	case M_PFX4: {
		const struct xl_pfx4_key *k = key;

		r->kind = XL_RULE_PREFIX;
		r->family = AF_INET;
		r->prefix_len = (uint8_t)k->prefixlen;
		memcpy(r->daddr, &k->addr, 4);
		break;
	}
	default: {
		const struct xl_pfx6_key *k = key;

		r->kind = XL_RULE_PREFIX;
		r->family = AF_INET6;
		r->prefix_len = (uint8_t)k->prefixlen;
		memcpy(r->daddr, k->addr, 16);
		break;
	}
	}
}

typedef int (*rule_cb)(struct xl_control *ctl, int m, const void *key, const struct xl_rule *v,
		       void *arg);

/* Walks every rule map; stops when cb returns non-zero (returned). */
static int walk_rules(struct xl_control *ctl, rule_cb cb, void *arg)
{
	static const int maps[] = {M_EXACT, M_PORT, M_PFX4, M_PFX6};
	unsigned char key[64], next[64];
	struct xl_rule v;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		void *prev = NULL;

		while (!bpf_map_get_next_key(ctl->fd[maps[i]], prev, next)) {
			memcpy(key, next, sizeof(key));
			prev = key;
			if (bpf_map_lookup_elem(ctl->fd[maps[i]], key, &v))
				continue;
			ret = cb(ctl, maps[i], key, &v, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

struct find_id {
	__u32 id;
	int m;
	unsigned char key[64];
};

static int find_id_cb(struct xl_control *ctl, int m, const void *key, const struct xl_rule *v,
		      void *arg)
{
	struct find_id *f = arg;

	(void)ctl;
	if (v->id != f->id)
		return 0;
	f->m = m;
	memcpy(f->key, key, sizeof(f->key));
	return 1;
}

int xl_control_rule_add(struct xl_control *ctl, const struct xl_rule_spec *rule)
{
	unsigned char key[64] = {0};
	struct xl_rule val = {0};
	struct find_id f = {0};
	size_t klen;
	int m;

	if (!ctl || !spec_valid(rule))
		return xl_err(EINVAL);
	m = spec_key(rule, key, &klen);
	f.id = rule->id;
	if (walk_rules(ctl, find_id_cb, &f) && (f.m != m || memcmp(f.key, key, klen)))
		return xl_err(EEXIST);
	val.id = rule->id;
	val.action = rule->action;
	if (bpf_map_update_elem(ctl->fd[m], key, &val, BPF_ANY))
		return xl_err(errno == E2BIG ? ENOSPC : errno);
	zero_hits(ctl, rule->id);
	if (cfg_update_flags(ctl, map_flag[m], 0))
		return xl_err(errno);
	rules_changed(ctl);
	return 0;
}

static int map_empty(int fd)
{
	unsigned char next[64];

	return bpf_map_get_next_key(fd, NULL, next) != 0;
}

int xl_control_rule_del(struct xl_control *ctl, uint32_t id)
{
	struct find_id f = {.id = id};

	if (!ctl)
		return xl_err(EINVAL);
	if (!walk_rules(ctl, find_id_cb, &f))
		return xl_err(ENOENT);
	if (bpf_map_delete_elem(ctl->fd[f.m], f.key))
		return xl_err(errno);
	if (map_empty(ctl->fd[f.m]))
		cfg_update_flags(ctl, 0, map_flag[f.m]);
	rules_changed(ctl);
	return 0;
}

struct list_arg {
	struct xl_rule_spec *out;
	unsigned int cap, n;
};

static int list_cb(struct xl_control *ctl, int m, const void *key, const struct xl_rule *v,
		   void *arg)
{
	struct list_arg *a = arg;

	if (a->n < a->cap) {
		key_to_spec(m, key, v, &a->out[a->n]);
		a->out[a->n].hits = rule_hits(ctl, v->id);
	}
	a->n++;
	return 0;
}

int xl_control_rule_list(struct xl_control *ctl, struct xl_rule_spec *out, unsigned int cap)
{
	struct list_arg a = {.out = out, .cap = out ? cap : 0};

	if (!ctl)
		return xl_err(EINVAL);
	walk_rules(ctl, list_cb, &a);
	return (int)a.n;
}

/* ---- hot set ----------------------------------------------------------------------------------- */

int xl_control_hot_get(struct xl_control *ctl, struct xl_hot_config *hc)
{
	struct xl_cfg cfg;
	__u32 k = 0;
	uint64_t win;

	if (!ctl || !hc || hc->sz < sizeof(*hc))
		return xl_err(EINVAL);
	if (bpf_map_lookup_elem(ctl->fd[M_CFG], &k, &cfg))
		return xl_err(errno);
	win = cfg.window_ns ? cfg.window_ns : XL_DEFAULT_WINDOW_NS;
	hc->enabled = !!(cfg.flags & XL_CFG_F_HOT);
	hc->pad = 0;
	hc->threshold_pps =
		(uint64_t)(cfg.hot_pkts ? cfg.hot_pkts : XL_DEFAULT_HOT_PKTS) * 1000000000ULL / win;
	hc->window_ms = (uint32_t)(win / 1000000ULL);
	hc->idle_ms = __atomic_load_n(&xl_dstats_hdr(ctl->dstats)->idle_ms, __ATOMIC_RELAXED);
	return 0;
}

/* Writes the hot settings into @cfg (shared with daemon.c through xl_hot_apply). */
int xl_hot_apply(struct xl_cfg *cfg, uint64_t threshold_pps, uint32_t window_ms, int enabled)
{
	uint64_t win = window_ms ? (uint64_t)window_ms * 1000000ULL
				 : (cfg->window_ns ? cfg->window_ns : XL_DEFAULT_WINDOW_NS);
	uint64_t pkts;

	if (enabled && threshold_pps) {
		pkts = threshold_pps * win / 1000000000ULL;
		if (pkts < 1)
			pkts = 1;
		if (pkts > UINT32_MAX)
			return -EINVAL;
		cfg->hot_pkts = (__u32)pkts;
	}
	cfg->window_ns = win;
	if (enabled)
		cfg->flags |= XL_CFG_F_HOT;
	else
		cfg->flags &= ~XL_CFG_F_HOT;
	return 0;
}

int xl_control_hot_set(struct xl_control *ctl, const struct xl_hot_config *hc)
{
	struct xl_cfg cfg;
	__u32 k = 0;
	int ret;

	if (!ctl || !hc || hc->sz < sizeof(*hc) || (hc->enabled && !hc->threshold_pps) ||
	    !hc->window_ms)
		return xl_err(EINVAL);
	if (bpf_map_lookup_elem(ctl->fd[M_CFG], &k, &cfg))
		return xl_err(errno);
	ret = xl_hot_apply(&cfg, hc->threshold_pps, hc->window_ms, (int)hc->enabled);
	if (ret)
		return xl_err(ret);
	if (hc->idle_ms)
		cfg.idle_ns = (uint64_t)hc->idle_ms * 1000000ULL;
	if (bpf_map_update_elem(ctl->fd[M_CFG], &k, &cfg, BPF_ANY))
		return xl_err(errno);
	if (hc->idle_ms)
		__atomic_store_n(&xl_dstats_hdr(ctl->dstats)->idle_ms, hc->idle_ms,
				 __ATOMIC_RELAXED);
	return 0;
}

int xl_control_hot_list(struct xl_control *ctl, struct xl_hot_flow *out, unsigned int cap)
{
	struct xl_flow_key key, next;
	struct xl_hot_val v;
	void *prev = NULL;
	unsigned int n = 0;

	if (!ctl)
		return xl_err(EINVAL);
	while (!bpf_map_get_next_key(ctl->fd[M_HOT], prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ctl->fd[M_HOT], &key, &v))
			continue;
		if (out && n < cap) {
			struct xl_hot_flow *f = &out[n];

			memset(f, 0, sizeof(*f));
			f->family = key.family == XL_FAMILY_V6 ? AF_INET6 : AF_INET;
			f->proto = key.proto;
			f->sport = ntohs(key.sport);
			f->dport = ntohs(key.dport);
			memcpy(f->saddr, key.saddr, 16);
			memcpy(f->daddr, key.daddr, 16);
			f->last_seen_ns = v.last_seen_ns;
			f->promoted_ns = v.promoted_ns;
		}
		n++;
	}
	return (int)n;
}

/* ---- statistics -------------------------------------------------------------------------------- */

static const char *const steer_names[] = {
	"seen",		 "steered_exact", "steered_port",   "steered_prefix",	   "steered_hot",
	"pass_no_match", "pass_rule",	  "pass_not_ip",    "pass_vlan_depth",	   "pass_truncated",
	"pass_bad_ipv4", "pass_bad_ipv6", "pass_fragment",  "pass_ipv6_ext_depth", "pass_not_l4",
	"pass_bad_l4",	 "fallbacks",	  "hot_promotions",
};
_Static_assert(sizeof(steer_names) / sizeof(steer_names[0]) == 1 + XL_VIA_MAX + XL_PASS_MAX + 2,
	       "a name for every xl_stats counter");
_Static_assert(sizeof(steer_names) / sizeof(steer_names[0]) <= XL_STEER_MAX_COUNTERS,
	       "snapshot holds every counter");

const char *xl_steer_counter_name(unsigned int i)
{
	return i < sizeof(steer_names) / sizeof(steer_names[0]) ? steer_names[i] : NULL;
}

const char *xl_bind_mode_name(unsigned int mode)
{
	return mode == XL_BIND_COPY ? "copy" : mode == XL_BIND_ZEROCOPY ? "zerocopy" : "auto";
}

const char *xl_attach_mode_name(unsigned int mode)
{
	return mode == XL_ATTACH_NATIVE ? "native" : mode == XL_ATTACH_GENERIC ? "generic" : "none";
}

static int read_steer(struct xl_control *ctl, uint64_t *out, uint32_t *n)
{
	const unsigned int nc = sizeof(steer_names) / sizeof(steer_names[0]);
	struct xl_stats *v = ctl->scratch;
	unsigned int c, i;
	__u32 k = 0;

	if (bpf_map_lookup_elem(ctl->fd[M_STATS], &k, v))
		return -errno;
	memset(out, 0, sizeof(uint64_t) * nc);
	for (c = 0; c < (unsigned int)ctl->ncpus; c++) {
		const struct xl_stats *s = &v[c];

		i = 0;
		out[i++] += s->seen;
		for (unsigned int j = 0; j < XL_VIA_MAX; j++)
			out[i++] += s->steered[j];
		for (unsigned int j = 0; j < XL_PASS_MAX; j++)
			out[i++] += s->passed[j];
		out[i++] += s->fallbacks;
		out[i++] += s->hot_promotions;
	}
	*n = nc;
	return 0;
}

#define LD(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)

int xl_stats_read(struct xl_control *ctl, struct xl_stats_snapshot *snap)
{
	struct xl_stats_snapshot s;
	struct xl_dstats_hdr *h;
	unsigned int i;
	size_t sz;
	int ret;

	if (!ctl || !snap || !snap->sz)
		return xl_err(EINVAL);
	sz = snap->sz < sizeof(s) ? snap->sz : sizeof(s);
	memset(&s, 0, sizeof(s));
	h = xl_dstats_hdr(ctl->dstats);
	if (LD(h->magic) != XL_DSTATS_MAGIC)
		return xl_err(ENOENT);
	memcpy(s.ifname, h->ifname, sizeof(s.ifname));
	s.ifname[sizeof(s.ifname) - 1] = 0;
	s.ifindex = LD(h->ifindex);
	s.pid = LD(h->pid);
	s.updated_ns = LD(h->updated_ns);
	s.started_ns = LD(h->started_ns);
	s.attach_mode = LD(h->attach_mode);
	s.attach_method = LD(h->attach_method);
	s.attach_fallback = LD(h->attach_fallback);
	s.n_queues = LD(h->n_queues);
	if (s.n_queues > XL_MAX_QUEUES)
		s.n_queues = XL_MAX_QUEUES;
	for (i = 0; i < s.n_queues; i++) {
		const uint64_t *src = (const uint64_t *)xl_dstats_queue(ctl->dstats, i);
		uint64_t *dst = (uint64_t *)&s.q[i];

		for (size_t w = 0; w < sizeof(s.q[i]) / 8; w++)
			dst[w] = LD(src[w]);
		s.frames_fill += s.q[i].frames_fill;
		s.frames_rx += s.q[i].frames_rx;
		s.frames_worker += s.q[i].frames_worker;
		s.frames_tx += s.q[i].frames_tx;
		s.frames_comp += s.q[i].frames_comp;
	}
	s.frames_total = LD(h->frames_total);
	s.frames_pool = LD(h->frames_pool);
	s.frames_kernel = LD(h->frames_kernel);
	s.frames_sum = s.frames_pool + s.frames_fill + s.frames_rx + s.frames_worker + s.frames_tx +
		       s.frames_comp + s.frames_kernel;
	s.frame_size = LD(h->frame_size);
	s.umem_huge = LD(h->umem_huge);
	s.umem_bytes = LD(h->umem_bytes);
	s.pool_high_water = LD(h->pool_high_water);
	s.hint_frames = (s.pool_high_water + s.pool_high_water / 4 + 63) / 64 * 64;
	s.hint_bytes = s.hint_frames * s.frame_size;
	s.umem_node = LD(h->umem_node);
	s.nic_node = LD(h->nic_node);
	s.hot_demotions = LD(h->hot_demotions);
	s.hot_flows = LD(h->hot_flows);
	s.ntuple_filters = LD(h->ntuple_filters);
	s.ntuple_queue = LD(h->ntuple_queue);
	s.frames_settled = LD(h->frames_settled);
	ret = read_steer(ctl, s.steer, &s.n_steer);
	if (ret)
		return xl_err(ret);
	s.sz = snap->sz;
	memcpy(snap, &s, sz);
	return 0;
}

/* ---- detach -------------------------------------------------------------------------------------- */

int xl_control_owner_pid(const char *ifname)
{
	struct xl_control *ctl;
	int pid = 0;

	if (xl_control_open(ifname, &ctl))
		return 0;
	pid = xl_dstats_hdr(ctl->dstats)->pid;
	xl_control_close(ctl);
	if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
		return pid;
	return 0;
}

int xl_detach_iface(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {0};
	__u32 ilen = sizeof(info), id, mode_flag = 0;
	int ifindex, fd, removed = 0, ret;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/'))
		return xl_err(EINVAL);
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return xl_err(ENODEV);
	if (xl_control_owner_pid(ifname))
		return xl_err(EBUSY);
	/* a netlink-attached xl_steer (dispatcher or legacy): remove exactly that program */
	if (!bpf_xdp_query(ifindex, 0, &q)) {
		if (q.drv_prog_id) {
			id = q.drv_prog_id;
			mode_flag = XDP_FLAGS_DRV_MODE;
		} else if (q.skb_prog_id) {
			id = q.skb_prog_id;
			mode_flag = XDP_FLAGS_SKB_MODE;
		} else {
			id = q.prog_id;
		}
		if (id && (fd = bpf_prog_get_fd_by_id(id)) >= 0) {
			if (!bpf_obj_get_info_by_fd(fd, &info, &ilen) &&
			    xl_steer_prog_is_ours(info.name)) {
				LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = fd);

				ret = bpf_xdp_detach(ifindex, mode_flag | XDP_FLAGS_REPLACE, &o);
				if (ret && ret != -ENOENT) {
					close(fd);
					return xl_err(ret);
				}
				removed = 1;
			}
			close(fd);
		}
	}
	ret = xl_unpin_dir(ifname);
	if (ret < 0)
		return xl_err(ret);
	return removed || ret > 0;
}
