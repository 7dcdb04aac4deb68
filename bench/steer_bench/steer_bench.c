// SPDX-License-Identifier: BSD-2-Clause
/*
 * steer_bench: cost per packet of xl_steer, measured with BPF_PROG_TEST_RUN `repeat` and printed
 * as a ratio to the trivial XDP_PASS program (pass.bpf.c) measured in the same run, on the same
 * CPU, interleaved round by round. Scenarios: no rules; 10,000 rules of each kind; hot-flow
 * detection on (count-min default and the LRU alternative), below the threshold and for a hot
 * flow; the full path (rules + detection); each for an IPv4/UDP, an IPv6/UDP and a non-IP frame.
 *
 * Under PROG_TEST_RUN the RX queue has no AF_XDP socket, so fast-lane decisions end in the
 * redirect fallback (XDP_PASS); the decision work is measured, the redirect itself is not.
 * The same frame repeats, so detector and map state stay in cache: these are lower bounds of the
 * per-packet cost, comparable between scenarios. For the same reason the rule verdict cache
 * (steer.h) answers every packet after the first in the rule scenarios, as it does for a flow
 * that keeps sending; the "verdict cache off" rows bypass it (XL_CFG_F_NO_VCACHE) and show what
 * a flow the cache does not know costs (those rows plus one 64-byte slot write).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "json.h"
#include "table.h"
#include "steer.h"
#include "xl_pass_bpf.skel.h"
#include "xl_steer_bpf.skel.h"

#define RULES_PER_KIND 10000
#define MAX_ROUNDS     101

struct opts {
	unsigned int repeat;
	unsigned int rounds;
	const char *json;
	int cpu;
};

enum frame_kind { FR_UDP4, FR_UDP6, FR_NONIP, FR_MAX };
static const char *const frame_names[FR_MAX] = {"ipv4_udp", "ipv6_udp", "non_ip"};
static const char *const frame_titles[FR_MAX] = {"IPv4/UDP", "IPv6/UDP", "non-IP (ARP)"};

/* One scenario: which program instance and which configuration. */
struct scenario {
	const char *name;  /* JSON key */
	const char *title; /* table label */
	__u32 rules; /* XL_CFG_F_RULES_* consulted, on the instance with 10,000 rules of each kind */
	int hot;     /* detection on */
	__u32 detector;
	int warm_hot; /* promote the frame's flow before measuring (else threshold unreachable) */
	int nocache;  /* rule verdict cache bypassed: the cost of a flow the cache does not know */
};

static const struct scenario scenarios[] = {
	{"no_rules", "no rules, detection off", 0, 0, 0, 0, 0},
	{"exact_10k", "10k exact rules, no match", XL_CFG_F_RULES_EXACT, 0, 0, 0, 0},
	{"port_10k", "10k port rules, no match", XL_CFG_F_RULES_PORT, 0, 0, 0, 0},
	{"prefix_10k", "10k prefix rules/family, no match",
	 XL_CFG_F_RULES_PFX4 | XL_CFG_F_RULES_PFX6, 0, 0, 0, 0},
	{"rules_10k", "10k rules/kind, no match", XL_CFG_F_RULES_ALL, 0, 0, 0, 0},
	{"cms_below", "detection cms, flow below threshold", 0, 1, XL_DET_CMS, 0, 0},
	{"cms_hot", "detection cms, hot flow", 0, 1, XL_DET_CMS, 1, 0},
	{"lru_below", "detection lru, flow below threshold", 0, 1, XL_DET_LRU, 0, 0},
	{"lru_hot", "detection lru, hot flow", 0, 1, XL_DET_LRU, 1, 0},
	{"full_cms_below", "10k rules/kind + cms, below threshold", XL_CFG_F_RULES_ALL, 1,
	 XL_DET_CMS, 0, 0},
	/* before the hot row: a flow confirmed hot keeps its hot mark in the per-CPU flow cache for the window */
	{"full_cms_below_nocache", "10k rules/kind + cms, below threshold, verdict cache off",
	 XL_CFG_F_RULES_ALL, 1, XL_DET_CMS, 0, 1},
	{"rules_10k_nocache", "10k rules/kind, no match, verdict cache off", XL_CFG_F_RULES_ALL, 0,
	 0, 0, 1},
	{"full_cms_hot", "10k rules/kind + cms, hot flow", XL_CFG_F_RULES_ALL, 1, XL_DET_CMS, 1, 0},
};
#define N_SCEN (sizeof(scenarios) / sizeof(scenarios[0]))

struct bench {
	struct opts o;
	struct xl_pass_bpf *pass;
	struct xl_steer_bpf *plain; /* empty rule maps */
	struct xl_steer_bpf *ruled; /* 10,000 rules of each kind */
	__u8 frames[FR_MAX][128];
	__u32 frame_len[FR_MAX];
	double pass_ns[FR_MAX];	   /* median */
	double ns[N_SCEN][FR_MAX]; /* median */
	double ns_min[N_SCEN][FR_MAX];
	double pass_min[FR_MAX];
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: steer_bench [--repeat N] [--rounds N] [--cpu N] [--json FILE]\n"
		"  --repeat N   PROG_TEST_RUN repeat per measurement (default 1000000)\n"
		"  --rounds N   interleaved rounds; the median is reported (default 5, max %d)\n"
		"  --cpu N      CPU to run on (default: the current one)\n"
		"  --json FILE  also write the results as JSON\n",
		MAX_ROUNDS);
}

static int parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "steer_bench: %s: invalid value '%s' (expected %lu..%lu)\n", opt, s,
			min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"repeat", required_argument, NULL, 'r'}, {"rounds", required_argument, NULL, 'n'},
		{"cpu", required_argument, NULL, 'c'},	  {"json", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	unsigned long v;
	int c;

	o->repeat = 1000000;
	o->rounds = 5;
	o->cpu = -1;
	o->json = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (parse_uint("--repeat", optarg, 1, 100000000, &v))
				return -EINVAL;
			o->repeat = (unsigned int)v;
			break;
		case 'n':
			if (parse_uint("--rounds", optarg, 1, MAX_ROUNDS, &v))
				return -EINVAL;
			o->rounds = (unsigned int)v;
			break;
		case 'c':
			if (parse_uint("--cpu", optarg, 0, CPU_SETSIZE - 1, &v))
				return -EINVAL;
			o->cpu = (int)v;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			fprintf(stderr, "steer_bench: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "steer_bench: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		cpu = sched_getcpu();
	if (cpu < 0)
		return -errno;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : cpu;
}

/* ---- frames ---------------------------------------------------------------------------------- */

static void put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

static void build_frames(struct bench *b)
{
	static const __u8 macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	const __u16 plen = 18;
	__u8 *f, *ip, *udp;

	/* IPv4/UDP 198.18.0.1:40000 -> 198.19.255.1:5000 (matches none of the bench rules) */
	f = b->frames[FR_UDP4];
	memcpy(f, macs, 12);
	put16(f + 12, 0x0800);
	ip = f + 14;
	ip[0] = 0x45;
	put16(ip + 2, (__u16)(20 + 8 + plen));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, "\xc6\x12\x00\x01\xc6\x13\xff\x01", 8);
	udp = ip + 20;
	put16(udp, 40000);
	put16(udp + 2, 5000);
	put16(udp + 4, (__u16)(8 + plen));
	b->frame_len[FR_UDP4] = 14 + 20 + 8 + plen;

	/* IPv6/UDP 2001:2::1 -> 2001:2:0:ffff::1 */
	f = b->frames[FR_UDP6];
	memcpy(f, macs, 12);
	put16(f + 12, 0x86dd);
	ip = f + 14;
	ip[0] = 0x60;
	put16(ip + 4, (__u16)(8 + plen));
	ip[6] = IPPROTO_UDP;
	ip[7] = 64;
	memcpy(ip + 8, "\x20\x01\x00\x02\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	memcpy(ip + 24, "\x20\x01\x00\x02\x00\x00\xff\xff\0\0\0\0\0\0\0\x01", 16);
	udp = ip + 40;
	put16(udp, 40000);
	put16(udp + 2, 5000);
	put16(udp + 4, (__u16)(8 + plen));
	b->frame_len[FR_UDP6] = 14 + 40 + 8 + plen;

	/* ARP request, padded to the 60-byte minimum */
	f = b->frames[FR_NONIP];
	memset(f, 0xff, 6);
	memcpy(f + 6, macs + 6, 6);
	put16(f + 12, 0x0806);
	memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	b->frame_len[FR_NONIP] = 60;
}

/* ---- rules ----------------------------------------------------------------------------------- */

static int fill_rules(struct xl_steer_bpf *s)
{
	int fe = bpf_map__fd(s->maps.xl_exact), fp = bpf_map__fd(s->maps.xl_port);
	int f4 = bpf_map__fd(s->maps.xl_pfx4), f6 = bpf_map__fd(s->maps.xl_pfx6);
	__u32 i, id = 0;

	for (i = 0; i < RULES_PER_KIND; i++) {
		struct xl_flow_key k;
		struct xl_port_key pk;
		struct xl_pfx4_key p4;
		struct xl_pfx6_key p6;
		struct xl_rule r = {.action = (i % 10) ? XL_ACT_FAST : XL_ACT_PASS};

		memset(&k, 0, sizeof(k));
		k.family = (i & 1) ? XL_FAMILY_V6 : XL_FAMILY_V4;
		k.proto = (i & 2) ? IPPROTO_TCP : IPPROTO_UDP;
		k.sport = htons((__u16)(1024 + i));
		k.dport = htons((__u16)(80 + (i % 100)));
		if (k.family == XL_FAMILY_V4) {
			k.saddr[0] = htonl(0xc6120000 | (i & 0xffff));
			k.daddr[0] = htonl(0xc6130000 | ((i * 7) & 0xfeff));
		} else {
			k.saddr[0] = k.daddr[0] = htonl(0x20010002);
			k.saddr[3] = htonl(i);
			k.daddr[3] = htonl(i * 7);
		}
		r.id = id++;
		if (bpf_map_update_elem(fe, &k, &r, BPF_NOEXIST))
			return -errno;

		/* half with a destination address, half for any address; dports 6000.. */
		memset(&pk, 0, sizeof(pk));
		pk.proto = (i & 2) ? IPPROTO_TCP : IPPROTO_UDP;
		pk.dport = htons((__u16)(6000 + i / 2));
		if (i & 1) {
			pk.family = XL_FAMILY_V4;
			pk.daddr[0] = htonl(0xc6120000 | i);
		}
		r.id = id++;
		if (bpf_map_update_elem(fp, &pk, &r, BPF_NOEXIST))
			return -errno;

		/* 10,000 IPv4 prefixes (/30 in 198.18.0.0/16, /32 in 198.19.0.0/16) and 10,000
		 * IPv6 /64 in 2001:2::/48, none covering the bench frames */
		if (i & 1) {
			p4.prefixlen = 32;
			p4.addr = htonl(0xc6130000 + i / 2);
		} else {
			p4.prefixlen = 30;
			p4.addr = htonl(0xc6120000 + (i / 2) * 4);
		}
		r.id = id++;
		if (bpf_map_update_elem(f4, &p4, &r, BPF_NOEXIST))
			return -errno;
		memset(&p6, 0, sizeof(p6));
		p6.prefixlen = 64;
		p6.addr[0] = htonl(0x20010002);
		p6.addr[1] = htonl(i);
		r.id = id++;
		if (bpf_map_update_elem(f6, &p6, &r, BPF_NOEXIST))
			return -errno;
	}
	return 0;
}

/* ---- measurement ----------------------------------------------------------------------------- */

static int run_prog(int fd, const void *frame, __u32 len, unsigned int repeat, double *ns)
{
	__u8 out[256]; /* frames are at most 128 bytes; a buffer keeps Valgrind's bpf() model quiet */
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);

	struct timespec a, z;
	double cpu_ns;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	if (bpf_prog_test_run_opts(fd, &t))
		return -errno;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &z);
	if (t.retval != XDP_PASS && t.retval != XDP_REDIRECT)
		return -EPROTO;
	/*
	 * The kernel's t.duration is the average in whole nanoseconds: at 5 ns per run that is a
	 * 10 % step. This thread's CPU time over the call (the runs execute in it; time it was
	 * descheduled does not count) divided by repeat keeps the fraction; the call's fixed cost
	 * (a few microseconds) is under 0.01 ns per run at the default repeat.
	 */
	cpu_ns = ((double)(z.tv_sec - a.tv_sec) * 1e9 + (double)(z.tv_nsec - a.tv_nsec)) / repeat;
	*ns = repeat >= 100000 ? cpu_ns : (double)t.duration;
	return 0;
}

static int set_cfg(struct xl_steer_bpf *s, const struct scenario *sc)
{
	struct xl_cfg cfg;
	__u32 zero = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flags |= sc->rules;
	if (sc->nocache)
		cfg.flags |= XL_CFG_F_NO_VCACHE;
	if (sc->hot)
		cfg.flags |= XL_CFG_F_HOT;
	cfg.detector = sc->detector;
	/* below-threshold scenarios must never promote */
	cfg.hot_pkts = sc->warm_hot ? 0 : 0xffffffffU;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.data_xl_cfg), &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

static int sum_stats(struct xl_steer_bpf *s, struct xl_stats *sum)
{
	int c, i, ncpu = libbpf_num_possible_cpus();
	struct xl_stats *v;
	__u32 zero = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.xl_stats), &zero, v)) {
		free(v);
		return -errno;
	}
	memset(sum, 0, sizeof(*sum));
	for (c = 0; c < ncpu; c++) {
		for (i = 0; i < XL_VIA_MAX; i++)
			sum->steered[i] += v[c].steered[i];
		for (i = 0; i < XL_PASS_MAX; i++)
			sum->passed[i] += v[c].passed[i];
		sum->fallbacks += v[c].fallbacks;
	}
	free(v);
	return 0;
}

/*
 * Bring the frame's flow into the state the scenario names, then check with one packet that the
 * program really takes that path (a benchmark of the wrong path would measure nothing useful).
 */
static int prepare(struct bench *b, const struct scenario *sc, enum frame_kind fr)
{
	struct xl_steer_bpf *s = sc->rules ? b->ruled : b->plain;
	int pfd = bpf_program__fd(s->progs.xl_steer), fd, err;
	struct xl_flow_key k, next;
	struct xl_stats a, z;
	double ns;

	err = set_cfg(s, sc);
	if (err)
		return err;
	/* forget earlier promotions so "below threshold" really is; walk from an all-zero key
	 * (never a flow): a NULL key upsets Valgrind's bpf() model */
	fd = bpf_map__fd(s->maps.xl_hot);
	memset(&k, 0, sizeof(k));
	while (bpf_map_get_next_key(fd, &k, &next) == 0)
		if (bpf_map_delete_elem(fd, &next))
			return -errno;
	if (sc->warm_hot && fr != FR_NONIP) {
		err = run_prog(pfd, b->frames[fr], b->frame_len[fr], 2 * XL_DEFAULT_HOT_PKTS, &ns);
		if (err)
			return err;
	}
	err = sum_stats(s, &a);
	if (!err)
		err = run_prog(pfd, b->frames[fr], b->frame_len[fr], 1, &ns);
	if (!err)
		err = sum_stats(s, &z);
	if (err)
		return err;
	if (fr == FR_NONIP)
		return z.passed[XL_PASS_NOT_IP] - a.passed[XL_PASS_NOT_IP] == 1 ? 0 : -EPROTO;
	if (sc->warm_hot) /* no AF_XDP socket under PROG_TEST_RUN: the hot flow falls back */
		return z.fallbacks - a.fallbacks == 1 ? 0 : -EPROTO;
	return z.passed[XL_PASS_NO_MATCH] - a.passed[XL_PASS_NO_MATCH] == 1 ? 0 : -EPROTO;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int measure(struct bench *b)
{
	static double pass_v[FR_MAX][MAX_ROUNDS * N_SCEN], v[N_SCEN][FR_MAX][MAX_ROUNDS];
	unsigned int np[FR_MAX] = {0}, r, i;
	int pfd = bpf_program__fd(b->pass->progs.xl_pass), err, f;

	for (f = 0; f < FR_MAX; f++) {
		for (i = 0; i < N_SCEN; i++) {
			const struct scenario *sc = &scenarios[i];
			struct xl_steer_bpf *s = sc->rules ? b->ruled : b->plain;
			int sfd = bpf_program__fd(s->progs.xl_steer);

			err = prepare(b, sc, (enum frame_kind)f);
			if (err) {
				fprintf(stderr,
					"steer_bench: preparing '%s' on %s: %s (EPROTO: the frame "
					"does not take the scenario's path)\n",
					sc->name, frame_names[f], strerror(-err));
				return err;
			}
			/* interleave baseline and scenario so drift hits both alike */
			for (r = 0; r < b->o.rounds; r++) {
				err = run_prog(pfd, b->frames[f], b->frame_len[f], b->o.repeat,
					       &pass_v[f][np[f]++]);
				if (!err)
					err = run_prog(sfd, b->frames[f], b->frame_len[f],
						       b->o.repeat, &v[i][f][r]);
				if (err) {
					fprintf(stderr,
						"steer_bench: PROG_TEST_RUN '%s' on %s: %s\n",
						sc->name, frame_names[f], strerror(-err));
					return err;
				}
			}
			b->ns[i][f] = median(v[i][f], b->o.rounds);
			b->ns_min[i][f] = v[i][f][0]; /* sorted by median() */
		}
		b->pass_ns[f] = median(pass_v[f], np[f]);
		b->pass_min[f] = pass_v[f][0];
	}
	return 0;
}

/* ---- output ---------------------------------------------------------------------------------- */

static double ratio(const struct bench *b, unsigned int i, int f)
{
	return b->pass_ns[f] > 0 ? b->ns[i][f] / b->pass_ns[f] : 0;
}

static int print_table(const struct bench *b, int cpu)
{
	char title[240];
	struct bench_table *t;
	unsigned int i;
	int f, err = 0;

	snprintf(title, sizeof(title),
		 "xl_steer cost per packet, PROG_TEST_RUN repeat %u, median of %u rounds, CPU %d "
		 "(ns: thread CPU time / repeat; ratio = ns / ns of xl_pass)",
		 b->o.repeat, b->o.rounds, cpu);
	t = bench_table_new(title, 1 + 2 * FR_MAX);
	if (!t)
		return -errno;
	bench_table_col(t, 0, "scenario", BENCH_ALIGN_LEFT);
	for (f = 0; f < FR_MAX; f++) {
		char h[64];

		snprintf(h, sizeof(h), "%s ns", frame_titles[f]);
		bench_table_col(t, 1 + 2 * f, h, BENCH_ALIGN_RIGHT);
		bench_table_col(t, 2 + 2 * f, "ratio", BENCH_ALIGN_RIGHT);
	}
	bench_table_row(t);
	bench_table_cell(t, "xl_pass (trivial XDP_PASS)");
	for (f = 0; f < FR_MAX; f++) {
		bench_table_cell(t, "%.2f", b->pass_ns[f]);
		bench_table_cell(t, "1.00");
	}
	bench_table_sep(t);
	for (i = 0; i < N_SCEN; i++) {
		bench_table_row(t);
		bench_table_cell(t, "%s", scenarios[i].title);
		for (f = 0; f < FR_MAX; f++) {
			bench_table_cell(t, "%.2f", b->ns[i][f]);
			bench_table_cell(t, "%.2f", ratio(b, i, f));
		}
	}
	err = bench_table_print(t, stdout);
	bench_table_free(t);
	printf("detector memory: cms %zu bytes per CPU (sketch %zu + window %zu), plus the flow "
	       "cache's hot marks and front counters (xl_flowc, %zu bytes per CPU, shared with the "
	       "rule verdicts); "
	       "lru %zu bytes of keys + %zu bytes of counters per CPU at %d entries (plus "
	       "hash-table overhead)\n",
	       (size_t)XL_CMS_ROWS * XL_CMS_WIDTH * sizeof(struct xl_cms_cell) +
		       sizeof(struct xl_win),
	       (size_t)XL_CMS_ROWS * XL_CMS_WIDTH * sizeof(struct xl_cms_cell),
	       sizeof(struct xl_win), (size_t)XL_FLOWC_SLOTS * sizeof(struct xl_fslot),
	       (size_t)XL_LRUDET_MAX * sizeof(struct xl_flow_key),
	       (size_t)XL_LRUDET_MAX * sizeof(struct xl_lru_cnt) + sizeof(struct xl_win),
	       XL_LRUDET_MAX);
	return err;
}

static int write_json(const struct bench *b, int cpu)
{
	FILE *out = fopen(b->o.json, "w");
	struct bench_json *j;
	unsigned int i;
	int f, err;

	if (!out) {
		fprintf(stderr, "steer_bench: --json: cannot open '%s': %s\n", b->o.json,
			strerror(errno));
		return -errno;
	}
	j = bench_json_new(out, BENCH_JSON_PRETTY);
	if (!j) {
		err = -errno;
		fclose(out);
		return err;
	}
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "bench", "steer_bench");
	bench_json_kv_str(j, "baseline", "xl_pass");
	bench_json_kv_uint(j, "repeat", b->o.repeat);
	bench_json_kv_uint(j, "rounds", b->o.rounds);
	bench_json_kv_int(j, "cpu", cpu);
	bench_json_kv_uint(j, "rules_per_kind", RULES_PER_KIND);
	bench_json_key(j, "frames");
	bench_json_obj_begin(j);
	for (f = 0; f < FR_MAX; f++) {
		bench_json_key(j, frame_names[f]);
		bench_json_obj_begin(j);
		bench_json_kv_uint(j, "bytes", b->frame_len[f]);
		bench_json_kv_double(j, "pass_ns", b->pass_ns[f]);
		bench_json_kv_double(j, "pass_ns_min", b->pass_min[f]);
		bench_json_key(j, "scenarios");
		bench_json_obj_begin(j);
		for (i = 0; i < N_SCEN; i++) {
			bench_json_key(j, scenarios[i].name);
			bench_json_obj_begin(j);
			bench_json_kv_str(j, "title", scenarios[i].title);
			bench_json_kv_double(j, "ns", b->ns[i][f]);
			bench_json_kv_double(j, "ratio", ratio(b, i, f));
			bench_json_kv_double(j, "ns_min", b->ns_min[i][f]);
			bench_json_kv_double(j, "ratio_of_min",
					     b->pass_min[f] > 0 ? b->ns_min[i][f] / b->pass_min[f]
								: 0);
			bench_json_obj_end(j);
		}
		bench_json_obj_end(j);
		bench_json_obj_end(j);
	}
	bench_json_obj_end(j);
	bench_json_obj_end(j);
	err = bench_json_finish(j);
	if (fclose(out) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "steer_bench: --json: writing '%s' failed: %s\n", b->o.json,
			strerror(-err));
	return err;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct bench *b = calloc(1, sizeof(*b));
	int err, cpu;

	if (!b) {
		fprintf(stderr, "steer_bench: out of memory\n");
		return EXIT_FAILURE;
	}
	err = parse_opts(argc, argv, &b->o);
	if (err)
		goto out;
	if (geteuid() != 0) {
		fprintf(stderr, "steer_bench: needs root (BPF_PROG_TEST_RUN of XDP programs)\n");
		err = -EPERM;
		goto out;
	}
	cpu = pin_cpu(b->o.cpu);
	if (cpu < 0) {
		err = cpu;
		fprintf(stderr, "steer_bench: --cpu: cannot run on CPU %d: %s\n", b->o.cpu,
			strerror(-err));
		goto out;
	}
	libbpf_set_print(quiet);
	b->pass = xl_pass_bpf__open_and_load();
	b->plain = xl_steer_bpf__open_and_load();
	b->ruled = xl_steer_bpf__open_and_load();
	if (!b->pass || !b->plain || !b->ruled) {
		err = -errno;
		fprintf(stderr, "steer_bench: loading the BPF programs failed: %s\n",
			strerror(-err));
		goto out;
	}
	err = fill_rules(b->ruled);
	if (err) {
		fprintf(stderr, "steer_bench: inserting %d rules per kind failed: %s\n",
			RULES_PER_KIND, strerror(-err));
		goto out;
	}
	build_frames(b);
	err = measure(b);
	if (err)
		goto out;
	err = print_table(b, cpu);
	if (!err && b->o.json)
		err = write_json(b, cpu);
out:
	xl_steer_bpf__destroy(b->ruled);
	xl_steer_bpf__destroy(b->plain);
	xl_pass_bpf__destroy(b->pass);
	free(b);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
