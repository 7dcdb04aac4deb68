// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF_PROG_TEST_RUN harness for xl_steer (see harness.h). Test-only code: it may allocate and
 * make syscalls freely, but returns -errno instead of printing.
 */
#include "harness.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_xdp.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xl_steer_bpf.skel.h"
#include "map_find.h"

#define XSK_FRAMES   16
#define XSK_FRAME_SZ 4096

struct xl_harness {
	struct xl_steer_bpf *skel;
	int xsk_fd;
	void *umem;
	int ncpus;
	void *pcpu; /* scratch for per-CPU values */
	uint8_t out[4096];
};

int xl_harness_ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n;
}

int xl_harness_under_valgrind(void)
{
	const char *v = getenv("XL_UNDER_VALGRIND");

	return v && *v && strcmp(v, "0") != 0;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int pin_to_current_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return 0;
}

struct xl_harness *xl_harness_open(void)
{
	struct xl_harness *h;
	int err, n = xl_harness_ncpus();

	if (n <= 0) {
		errno = n < 0 ? -n : EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->ncpus = n;
	h->xsk_fd = -1;
	/* largest per-CPU value read through the harness: struct xl_stats */
	h->pcpu = calloc((size_t)n, sizeof(struct xl_stats));
	if (!h->pcpu) {
		err = -ENOMEM;
		goto fail;
	}
	err = pin_to_current_cpu();
	if (err)
		goto fail;
	libbpf_set_print(quiet_print);
	h->skel = xl_steer_bpf__open_and_load();
	if (!h->skel) {
		err = -errno;
		goto fail;
	}
	return h;
fail:
	xl_harness_close(h);
	errno = -err;
	return NULL;
}

void xl_harness_close(struct xl_harness *h)
{
	if (!h)
		return;
	xl_steer_bpf__destroy(h->skel);
	if (h->xsk_fd >= 0)
		close(h->xsk_fd);
	if (h->umem)
		munmap(h->umem, XSK_FRAMES * XSK_FRAME_SZ);
	free(h->pcpu);
	free(h);
}

const char *xl_harness_skip_reason(void)
{
	static char reason[160];
	static int done;
	int err;

	if (done)
		return reason[0] ? reason : NULL;
	done = 1;
	if (geteuid() != 0) {
		snprintf(reason, sizeof(reason), "BPF tests need root (euid %u)",
			 (unsigned)geteuid());
		return reason;
	}
	err = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL);
	if (err <= 0) {
		snprintf(reason, sizeof(reason), "kernel cannot load XDP programs: %s",
			 err ? strerror(-err) : "not supported");
		return reason;
	}
	return NULL;
}

int xl_harness_map_fd(struct xl_harness *h, const char *name)
{
	struct bpf_map *m = xl_find_map(h->skel->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int xl_harness_prog_fd(struct xl_harness *h)
{
	return bpf_program__fd(h->skel->progs.xl_steer);
}

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

int xl_harness_xsk_attach(struct xl_harness *h)
{
	struct xdp_umem_reg mr = {0};
	struct sockaddr_xdp sxdp = {0};
	int ring = XSK_FRAMES, fd, ifindex;
	__u32 q = 0;

	if (h->xsk_fd >= 0)
		return -EALREADY;
	if (unshare(CLONE_NEWNET))
		return -errno;
	ifindex = (int)if_nametoindex("lo");
	if (!ifindex)
		return -errno;
	h->umem = mmap(NULL, XSK_FRAMES * XSK_FRAME_SZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->umem == MAP_FAILED) {
		h->umem = NULL;
		return -errno;
	}
	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	h->xsk_fd = fd;
	mr.addr = (__u64)(unsigned long)h->umem;
	mr.len = XSK_FRAMES * XSK_FRAME_SZ;
	mr.chunk_size = XSK_FRAME_SZ;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &mr, sizeof(mr)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring, sizeof(ring)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring, sizeof(ring)) ||
	    setsockopt(fd, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)))
		return -errno;
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = (__u32)ifindex;
	sxdp.sxdp_queue_id = 0;
	sxdp.sxdp_flags = XDP_COPY;
	if (bind(fd, (struct sockaddr *)&sxdp, sizeof(sxdp)))
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.xl_xsks), &q, &fd, BPF_ANY))
		return -errno;
	return 0;
}

int xl_harness_xsk_detach(struct xl_harness *h)
{
	__u32 q = 0;

	if (bpf_map_delete_elem(bpf_map__fd(h->skel->maps.xl_xsks), &q))
		return -errno;
	return 0;
}

static int neg_errno(int ret)
{
	return ret < 0 ? (errno ? -errno : ret) : ret;
}

int xl_harness_set_cfg(struct xl_harness *h, const struct xl_cfg *cfg)
{
	__u32 zero = 0;

	return neg_errno(
		bpf_map_update_elem(bpf_map__fd(h->skel->maps.data_xl_cfg), &zero, cfg, BPF_ANY));
}

int xl_harness_get_cfg(struct xl_harness *h, struct xl_cfg *cfg)
{
	__u32 zero = 0;

	return neg_errno(bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.data_xl_cfg), &zero, cfg));
}

int xl_harness_run(struct xl_harness *h, const void *frame, size_t len, uint32_t repeat,
		   uint32_t *retval, uint32_t *ns_per_run)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len,
		    .data_out = h->out, .data_size_out = sizeof(h->out),
		    .repeat = repeat ? repeat : 1);
	int err;

	if (len < 14 || len > sizeof(h->out))
		return -EINVAL;
	err = bpf_prog_test_run_opts(xl_harness_prog_fd(h), &opts);
	if (err)
		return neg_errno(err);
	if (opts.data_size_out != len || memcmp(h->out, frame, len) != 0)
		return -EIO;
	if (retval)
		*retval = opts.retval;
	if (ns_per_run)
		*ns_per_run = opts.duration;
	return 0;
}

int xl_harness_stats(struct xl_harness *h, struct xl_stats *sum)
{
	const struct xl_stats *v = h->pcpu;
	__u32 zero = 0;
	int err, c, i;

	err = bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.xl_stats), &zero, h->pcpu);
	if (err)
		return neg_errno(err);
	memset(sum, 0, sizeof(*sum));
	for (c = 0; c < h->ncpus; c++) {
		sum->seen += v[c].seen;
		for (i = 0; i < XL_VIA_MAX; i++)
			sum->steered[i] += v[c].steered[i];
		for (i = 0; i < XL_PASS_MAX; i++)
			sum->passed[i] += v[c].passed[i];
		sum->fallbacks += v[c].fallbacks;
		sum->hot_promotions += v[c].hot_promotions;
		for (i = 0; i < 3; i++)
			sum->reserved[i] += v[c].reserved[i];
	}
	return 0;
}

int xl_harness_hits(struct xl_harness *h, uint32_t id, uint64_t *sum)
{
	const __u64 *v = h->pcpu;
	int err, c;

	err = bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.xl_hits), &id, h->pcpu);
	if (err)
		return neg_errno(err);
	*sum = 0;
	for (c = 0; c < h->ncpus; c++)
		*sum += v[c];
	return 0;
}

/* A rule map changed: the verdict cache must not answer from before (steer.h). The harness is
 * single-threaded, so a read-modify-write stands in for the daemon's atomic add. */
static int rules_changed(struct xl_harness *h)
{
	int fd = bpf_map__fd(h->skel->maps.data_xl_rgen);
	__u32 zero = 0;
	__u64 gen;

	if (bpf_map_lookup_elem(fd, &zero, &gen))
		return -errno;
	gen++;
	return neg_errno(bpf_map_update_elem(fd, &zero, &gen, BPF_ANY));
}

static int add_rule(struct xl_harness *h, int fd, const void *k, const struct xl_rule *r)
{
	int ret = neg_errno(bpf_map_update_elem(fd, k, r, BPF_ANY));

	return ret ? ret : rules_changed(h);
}

int xl_harness_add_exact(struct xl_harness *h, const struct xl_flow_key *k, const struct xl_rule *r)
{
	return add_rule(h, bpf_map__fd(h->skel->maps.xl_exact), k, r);
}

int xl_harness_add_port(struct xl_harness *h, const struct xl_port_key *k, const struct xl_rule *r)
{
	return add_rule(h, bpf_map__fd(h->skel->maps.xl_port), k, r);
}

int xl_harness_add_pfx4(struct xl_harness *h, const struct xl_pfx4_key *k, const struct xl_rule *r)
{
	return add_rule(h, bpf_map__fd(h->skel->maps.xl_pfx4), k, r);
}

int xl_harness_add_pfx6(struct xl_harness *h, const struct xl_pfx6_key *k, const struct xl_rule *r)
{
	return add_rule(h, bpf_map__fd(h->skel->maps.xl_pfx6), k, r);
}

int xl_harness_del(struct xl_harness *h, const char *map_name, const void *key)
{
	int fd = xl_harness_map_fd(h, map_name);

	int ret;

	if (fd < 0)
		return fd;
	ret = neg_errno(bpf_map_delete_elem(fd, key));
	return ret ? ret : rules_changed(h);
}

int xl_harness_hot_get(struct xl_harness *h, const struct xl_flow_key *k, struct xl_hot_val *v)
{
	return neg_errno(bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.xl_hot), k, v));
}

int xl_harness_hot_del(struct xl_harness *h, const struct xl_flow_key *k)
{
	return neg_errno(bpf_map_delete_elem(bpf_map__fd(h->skel->maps.xl_hot), k));
}

/*
 * Walks start from an all-zero key (family 0 is never a parsed flow, so it is not in the map and
 * get_next_key returns the first key); a NULL key would do the same but trips Valgrind's model of
 * the bpf() syscall.
 */
int xl_harness_hot_count(struct xl_harness *h)
{
	int fd = bpf_map__fd(h->skel->maps.xl_hot), n = 0;
	struct xl_flow_key k, next;
	void *prev = &k;

	memset(&k, 0, sizeof(k));
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		n++;
	}
	return errno == ENOENT ? n : -errno;
}

int xl_harness_hot_demote_idle(struct xl_harness *h, uint64_t now, uint64_t idle_ns)
{
	int fd = bpf_map__fd(h->skel->maps.xl_hot), n = 0, err = 0;
	struct xl_flow_key *idle = NULL, *tmp, k, next;
	size_t cnt = 0, cap = 0, i;
	struct xl_hot_val v;
	void *prev = &k;

	/* collect first, delete after: deleting while walking would restart the walk */
	memset(&k, 0, sizeof(k));
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue; /* evicted meanwhile */
		if (now < v.last_seen_ns || now - v.last_seen_ns < idle_ns)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			tmp = realloc(idle, cap * sizeof(*idle));
			if (!tmp) {
				err = -ENOMEM;
				goto out;
			}
			idle = tmp;
		}
		idle[cnt++] = k;
	}
	for (i = 0; i < cnt; i++)
		if (bpf_map_delete_elem(fd, &idle[i]) == 0)
			n++;
out:
	free(idle);
	return err ? err : n;
}

struct xl_flow_key xl_harness_key4(uint8_t proto, uint32_t saddr, uint32_t daddr, uint16_t sport,
				   uint16_t dport)
{
	struct xl_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = XL_FAMILY_V4;
	k.proto = proto;
	k.sport = htons(sport);
	k.dport = htons(dport);
	k.saddr[0] = htonl(saddr);
	k.daddr[0] = htonl(daddr);
	return k;
}

struct xl_flow_key xl_harness_key6(uint8_t proto, uint32_t s, uint32_t d, uint16_t sport,
				   uint16_t dport)
{
	struct xl_flow_key k;

	memset(&k, 0, sizeof(k));
	k.family = XL_FAMILY_V6;
	k.proto = proto;
	k.sport = htons(sport);
	k.dport = htons(dport);
	k.saddr[0] = htonl(0x20010002);
	k.saddr[3] = htonl(s);
	k.daddr[0] = htonl(0x20010002);
	k.daddr[3] = htonl(d);
	return k;
}

static uint16_t csum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int xl_harness_frame(const struct xl_flow_key *k, size_t payload, uint8_t *buf, size_t cap)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	size_t l4 = k->proto == IPPROTO_TCP ? 20 : 8;
	size_t l3 = k->family == XL_FAMILY_V6 ? 40 : 20;
	size_t len = 14 + l3 + l4 + payload;
	uint8_t *ip = buf + 14, *th = ip + l3;
	uint16_t v;

	if (len > cap || len > 0xffff)
		return -ENOSPC;
	memset(buf, 0, len);
	memcpy(buf, macs, sizeof(macs));
	v = htons(k->family == XL_FAMILY_V6 ? 0x86dd : 0x0800);
	memcpy(buf + 12, &v, 2);
	if (k->family == XL_FAMILY_V6) {
		ip[0] = 0x60;
		v = htons((uint16_t)(l4 + payload));
		memcpy(ip + 4, &v, 2);
		ip[6] = k->proto;
		ip[7] = 64;
		memcpy(ip + 8, k->saddr, 16);
		memcpy(ip + 24, k->daddr, 16);
	} else {
		ip[0] = 0x45;
		v = htons((uint16_t)(l3 + l4 + payload));
		memcpy(ip + 2, &v, 2);
		ip[8] = 64;
		ip[9] = k->proto;
		memcpy(ip + 12, &k->saddr[0], 4);
		memcpy(ip + 16, &k->daddr[0], 4);
		v = htons(csum16(ip, 20));
		memcpy(ip + 10, &v, 2);
	}
	memcpy(th, &k->sport, 2);
	memcpy(th + 2, &k->dport, 2);
	if (k->proto == IPPROTO_TCP) {
		th[12] = 5 << 4;
		th[13] = 0x10; /* ACK */
	} else {
		v = htons((uint16_t)(8 + payload));
		memcpy(th + 4, &v, 2);
	}
	return (int)len;
}

int xl_harness_send_flow(struct xl_harness *h, const struct xl_flow_key *k, size_t payload,
			 struct xl_outcome *out)
{
	uint8_t buf[256];
	int len = xl_harness_frame(k, payload, buf, sizeof(buf));

	if (len < 0)
		return len;
	return xl_harness_classify(h, buf, (size_t)len, out);
}

int xl_harness_classify(struct xl_harness *h, const void *frame, size_t len, struct xl_outcome *out)
{
	struct xl_stats a, b;
	int err, i, moved = 0;
	uint32_t rv;

	err = xl_harness_stats(h, &a);
	if (err)
		return err;
	err = xl_harness_run(h, frame, len, 1, &rv, NULL);
	if (err)
		return err;
	err = xl_harness_stats(h, &b);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->retval = rv;
	out->promotions = (uint32_t)(b.hot_promotions - a.hot_promotions);
	if (b.seen - a.seen != 1)
		return -EPROTO;
	for (i = 0; i < XL_VIA_MAX; i++) {
		if (b.steered[i] == a.steered[i])
			continue;
		if (b.steered[i] - a.steered[i] != 1)
			return -EPROTO;
		out->kind = XL_OUT_STEERED;
		out->code = i;
		moved++;
	}
	for (i = 0; i < XL_PASS_MAX; i++) {
		if (b.passed[i] == a.passed[i])
			continue;
		if (b.passed[i] - a.passed[i] != 1)
			return -EPROTO;
		out->kind = XL_OUT_PASSED;
		out->code = i;
		moved++;
	}
	if (b.fallbacks != a.fallbacks) {
		if (b.fallbacks - a.fallbacks != 1)
			return -EPROTO;
		out->kind = XL_OUT_FALLBACK;
		out->code = -1;
		moved++;
	}
	return moved == 1 ? 0 : -EPROTO;
}
