// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_blast: the load generator of the receive-only throughput comparison. It sends UDP
 * datagrams to one server as fast as one CPU can, for --duration seconds or --count datagrams,
 * whichever ends first, and reports what it sent. Receivers count what arrived; their rate
 * against the blaster's shows which side was the limit. Three engines:
 *
 *   - kernel UDP (default): blocking sendmmsg of --batch datagrams on a connected socket;
 *   - AF_XDP (--xsk IFACE --dst-mac MAC): datagrams built once into UMEM frames and sent from a
 *     TX-only AF_XDP socket (blast_xsk.c), past the sender's UDP/IP stack; zero-copy is tried
 *     first and the mode obtained is reported;
 *   - XDP (--xdp IFACE --dst-mac MAC): xl_blast (xdp_prog/blast.bpf.c) run by BPF_PROG_TEST_RUN
 *     in live-frames mode redirects the datagram out of IFACE (blast_xdp.c); the peer of a veth
 *     receives xdp_frames, as from a NIC, and the program paces each datagram itself.
 *
 *   lat_blast --server 198.18.0.1 [--port 7000] [--size 64] [--duration 3] [--count N]
 *             [--batch 64] [--rate PPS] [--cpu N] [--json FILE]
 *             [--xsk IFACE --dst-mac MAC [--src ADDR] [--queue N] [--flows N] [--sport N]]
 *             [--xdp IFACE --dst-mac MAC [--src ADDR] [--flows N] [--sport N]]
 *
 * --rate paces the sending per batch (a batch goes out when it is due; --xdp: per datagram);
 * without it, as fast as the engine can. The payload is a fixed pattern; with --xsk and --xdp its
 * first 8 bytes carry a sequence number (big-endian), so every datagram is distinct.
 * Receive-only servers never look at it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "blast_xdp.h"
#include "blast_xsk.h"
#include "pace.h"
#include "json.h"

#define MAX_BATCH 256
#define MAX_SIZE  1452

struct blast_cfg {
	const char *server, *json;
	unsigned long port, size, batch, count, rate;
	double duration;
	int cpu;
	int batch_given; /* --batch was on the command line */
	/* --xsk, --xdp */
	const char *xsk, *xdp, *dst_mac, *src;
	unsigned long queue, flows, sport;
	uint8_t mac[6]; /* --dst-mac, parsed */
};

static int bad(const char *opt, const char *v)
{
	fprintf(stderr, "lat_blast: --%s: bad value '%s'\n", opt, v);
	return -EINVAL;
}

static int num(const char *opt, const char *s, unsigned long lo, unsigned long hi,
	       unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || s[0] == '-' || *out < lo || *out > hi ? bad(opt, s) : 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int v[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &tail) != 6) {
		fprintf(stderr,
			"lat_blast: --dst-mac: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)\n", s);
		return -EINVAL;
	}
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int parse(int argc, char **argv, struct blast_cfg *c)
{
	static const struct option lo[] = {{"server", 1, NULL, 'S'},
					   {"port", 1, NULL, 'p'},
					   {"size", 1, NULL, 's'},
					   {"duration", 1, NULL, 'd'},
					   {"count", 1, NULL, 'n'},
					   {"batch", 1, NULL, 'b'},
					   {"cpu", 1, NULL, 'c'},
					   {"json", 1, NULL, 'j'},
					   {"xsk", 1, NULL, 'X'},
					   {"dst-mac", 1, NULL, 'M'},
					   {"src", 1, NULL, 'A'},
					   {"queue", 1, NULL, 'q'},
					   {"flows", 1, NULL, 'F'},
					   {"sport", 1, NULL, 'P'},
					   {"rate", 1, NULL, 'r'},
					   {"xdp", 1, NULL, 'x'},
					   {0}};
	unsigned long v;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "S:p:s:d:n:b:c:j:X:M:A:q:F:P:r:x:", lo, NULL)) != -1) {
		switch (o) {
		case 'S':
			c->server = optarg;
			break;
		case 'p':
			if (num("port", optarg, 1, 65535, &c->port))
				return -EINVAL;
			break;
		case 's':
			if (num("size", optarg, 1, MAX_SIZE, &c->size))
				return -EINVAL;
			break;
		case 'n':
			if (num("count", optarg, 1, 1000000000000ul, &c->count))
				return -EINVAL;
			break;
		case 'b':
			if (num("batch", optarg, 1, MAX_BATCH, &c->batch))
				return -EINVAL;
			c->batch_given = 1;
			break;
		case 'c':
			if (num("cpu", optarg, 0, CPU_SETSIZE - 1, &v))
				return -EINVAL;
			c->cpu = (int)v;
			break;
		case 'd':
			errno = 0;
			c->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !(c->duration > 0 && c->duration <= 600))
				return bad("duration", optarg);
			break;
		case 'j':
			c->json = optarg;
			break;
		case 'X':
			c->xsk = optarg;
			break;
		case 'x':
			c->xdp = optarg;
			break;
		case 'M':
			c->dst_mac = optarg;
			break;
		case 'A':
			c->src = optarg;
			break;
		case 'q':
			if (num("queue", optarg, 0, 1023, &c->queue))
				return -EINVAL;
			break;
		case 'F':
			if (num("flows", optarg, 1, 4096, &c->flows))
				return -EINVAL;
			break;
		case 'P':
			if (num("sport", optarg, 1, 65535, &c->sport))
				return -EINVAL;
			break;
		case 'r':
			if (num("rate", optarg, 1, 100000000ul, &c->rate))
				return -EINVAL;
			break;
		default:
			fprintf(stderr,
				"usage: lat_blast --server ADDR [--port N (7000)] [--size BYTES "
				"(64)] [--duration S (3)] [--count N] [--batch N (64)] [--rate "
				"PPS] [--cpu N] "
				"[--json FILE] [--xsk IFACE --dst-mac MAC [--src ADDR] [--queue N "
				"(0)] "
				"[--flows N (1)] [--sport N (40000)]] [--xdp IFACE --dst-mac MAC "
				"[--src ADDR] [--flows N] [--sport N]]\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lat_blast: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!c->server) {
		fprintf(stderr, "lat_blast: --server is required\n");
		return -EINVAL;
	}
	if (c->xsk && c->xdp) {
		fprintf(stderr, "lat_blast: --xsk and --xdp are two engines: give one\n");
		return -EINVAL;
	}
	if (!c->xsk && !c->xdp && (c->dst_mac || c->src || c->flows != 1 || c->sport != 40000)) {
		fprintf(stderr, "lat_blast: --dst-mac, --src, --flows and --sport need --xsk or "
				"--xdp\n");
		return -EINVAL;
	}
	if (c->xdp && c->batch_given) {
		fprintf(stderr, "lat_blast: --batch does not apply to --xdp (it sends datagram by "
				"datagram)\n");
		return -EINVAL;
	}
	if (!c->xsk && c->queue) {
		fprintf(stderr, "lat_blast: --queue needs --xsk\n");
		return -EINVAL;
	}
	if ((c->xsk || c->xdp) && !c->dst_mac) {
		fprintf(stderr, "lat_blast: --%s needs --dst-mac (the next hop's MAC address)\n",
			c->xsk ? "xsk" : "xdp");
		return -EINVAL;
	}
	if ((c->xsk || c->xdp) && parse_mac(c->dst_mac, c->mac))
		return -EINVAL;
	if ((c->xsk || c->xdp) && c->size < 8) {
		fprintf(stderr, "lat_blast: --size: --%s needs at least 8 bytes (the sequence)\n",
			c->xsk ? "xsk" : "xdp");
		return -EINVAL;
	}
	return 0;
}

/* The first address of @family on @ifname (IPv6: not link-local), as the datagrams' source. */
static int iface_addr(const char *ifname, int family, struct in6_addr *out)
{
	struct ifaddrs *ifa, *i;
	int ret = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i && ret; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family || strcmp(i->ifa_name, ifname))
			continue;
		if (family == AF_INET) {
			memcpy(out, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, 4);
			ret = 0;
		} else {
			const struct in6_addr *a =
				&((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a))
				continue;
			*out = *a;
			ret = 0;
		}
	}
	freeifaddrs(ifa);
	return ret;
}

/* The datagrams of the frame engines, sent from @ifname (given as --@opt). */
static int frame_cfg(const struct blast_cfg *c, const char *opt, const char *ifname,
		     struct blast_frame_cfg *x)
{
	int ret;

	memset(x, 0, sizeof(*x));
	x->flows = (unsigned int)c->flows;
	x->sport = (uint16_t)c->sport;
	x->dport = (uint16_t)c->port;
	x->payload = (unsigned int)c->size;
	memcpy(x->dst_mac, c->mac, 6);
	if (!if_nametoindex(ifname)) {
		fprintf(stderr, "lat_blast: --%s %s: no such interface\n", opt, ifname);
		return -ENODEV;
	}
	if (inet_pton(AF_INET, c->server, &x->dst) == 1) {
		x->family = AF_INET;
	} else if (inet_pton(AF_INET6, c->server, &x->dst) == 1) {
		x->family = AF_INET6;
	} else {
		fprintf(stderr, "lat_blast: --server: '%s' is not an IPv4 or IPv6 address\n",
			c->server);
		return -EINVAL;
	}
	if (c->src) {
		if (inet_pton(x->family, c->src, &x->src) != 1) {
			fprintf(stderr, "lat_blast: --src: '%s' is not an %s address\n", c->src,
				x->family == AF_INET ? "IPv4" : "IPv6");
			return -EINVAL;
		}
	} else if ((ret = iface_addr(ifname, x->family, &x->src))) {
		fprintf(stderr, "lat_blast: --%s %s: no %s address to send from (%s); give --src\n",
			opt, ifname, x->family == AF_INET ? "IPv4" : "IPv6", strerror(-ret));
		return ret;
	}
	return 0;
}

static int open_sock(const struct blast_cfg *c)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	if (inet_pton(AF_INET, c->server, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)c->port);
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, c->server, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)c->port);
		len = sizeof(*s6);
	} else {
		fprintf(stderr, "lat_blast: --server: '%s' is not an IPv4 or IPv6 address\n",
			c->server);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len)) {
		fprintf(stderr, "lat_blast: socket towards %s: %s\n", c->server, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	return fd;
}

/* What either engine did, for the report. */
struct blast_res {
	uint64_t sent, calls, errors;
	double secs;
	const char *bind_mode; /* --xsk: the mode obtained */
	char note[256];
	uint64_t tx_invalid;
	uint64_t device_drops; /* --xsk: frames the device dropped (counted in sent) */
	uint64_t frames;       /* --xdp: frames the program ran on (past --count: not sent) */
};

static int run_kernel(const struct blast_cfg *c, struct blast_res *r)
{
	static uint8_t payload[MAX_SIZE];
	static struct iovec iov[MAX_BATCH];
	static struct mmsghdr m[MAX_BATCH];
	uint64_t t0, end;
	int fd;

	fd = open_sock(c);
	if (fd < 0)
		return fd;
	for (unsigned long i = 0; i < c->size; i++)
		payload[i] = (uint8_t)(0xb1 + i);
	for (unsigned long i = 0; i < c->batch; i++) {
		iov[i] = (struct iovec){payload, c->size};
		m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	t0 = blast_now_ns();
	end = t0 + (uint64_t)(c->duration * 1e9);
	/* bounded by both: the clock is read once per batch */
	while (r->sent < c->count && blast_now_ns() < end) {
		unsigned int n = (unsigned int)(c->count - r->sent < c->batch ? c->count - r->sent
									      : c->batch);
		int k;

		if (c->rate)
			blast_pace(t0, r->sent, c->rate);
		k = sendmmsg(fd, m, n, 0);

		r->calls++;
		if (k <= 0) {
			r->errors++; /* ENOBUFS, ECONNREFUSED (nothing listening yet): go on */
			continue;
		}
		r->sent += (uint64_t)k;
	}
	r->secs = (double)(blast_now_ns() - t0) / 1e9;
	close(fd);
	return 0;
}

static int run_xsk(const struct blast_cfg *c, struct blast_res *r)
{
	struct blast_xsk_result xr;
	struct blast_xsk_cfg x = {.ifname = c->xsk,
				  .queue = (unsigned int)c->queue,
				  .batch = (unsigned int)c->batch,
				  .count = c->count,
				  .duration_ns = (uint64_t)(c->duration * 1e9),
				  .rate = c->rate};
	char err[512] = "";
	int ret;

	ret = frame_cfg(c, "xsk", c->xsk, &x.dg);
	if (ret)
		return ret;
	ret = blast_xsk_run(&x, &xr, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lat_blast: %s\n", err);
		return ret;
	}
	r->sent = xr.sent;
	r->calls = xr.kicks;
	r->errors = xr.kick_errors;
	r->device_drops = xr.device_drops;
	r->secs = xr.seconds;
	r->bind_mode = xr.bind_mode;
	r->tx_invalid = xr.tx_invalid;
	snprintf(r->note, sizeof(r->note), "%s", xr.note);
	fprintf(stderr, "lat_blast: AF_XDP socket on %s queue %lu: %s mode%s%s%s\n", c->xsk,
		c->queue, xr.bind_mode, xr.note[0] ? " (" : "", xr.note, xr.note[0] ? ")" : "");
	return 0;
}

static int run_xdp(const struct blast_cfg *c, struct blast_res *r)
{
	struct blast_xdp_result xr;
	struct blast_xdp_cfg x = {.ifname = c->xdp,
				  .count = c->count,
				  .duration_ns = (uint64_t)(c->duration * 1e9),
				  .rate = c->rate};
	char err[512] = "";
	int ret;

	ret = frame_cfg(c, "xdp", c->xdp, &x.dg);
	if (ret)
		return ret;
	ret = blast_xdp_run(&x, &xr, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lat_blast: %s\n", err);
		return ret;
	}
	r->sent = xr.sent;
	r->calls = xr.runs;
	r->frames = xr.frames;
	r->secs = xr.seconds;
	fprintf(stderr, "lat_blast: xl_blast on %s: %llu test runs of live frames\n", c->xdp,
		(unsigned long long)xr.runs);
	return 0;
}

static int write_json(const struct blast_cfg *c, const struct blast_res *r)
{
	FILE *f = fopen(c->json, "w");
	struct bench_json *j = f ? bench_json_new(f, BENCH_JSON_PRETTY) : NULL;
	char gen[160];

	if (!j) {
		fprintf(stderr, "lat_blast: --json %s: %s\n", c->json, strerror(errno));
		if (f)
			fclose(f);
		return -EIO;
	}
	if (c->xsk)
		snprintf(gen, sizeof(gen), "lat_blast --xsk (AF_XDP TX, %s mode, %lu flows)",
			 r->bind_mode, c->flows);
	else if (c->xdp)
		snprintf(gen, sizeof(gen),
			 "lat_blast --xdp (XDP live frames redirected by xl_blast, %lu flows)",
			 c->flows);
	else
		snprintf(gen, sizeof(gen), "lat_blast (kernel UDP, blocking sendmmsg)");
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "generator", gen);
	bench_json_kv_str(j, "engine", c->xsk ? "af_xdp" : c->xdp ? "xdp_live" : "sendmmsg");
	bench_json_kv_str(j, "server", c->server);
	bench_json_kv_uint(j, "port", c->port);
	bench_json_kv_uint(j, "payload_bytes", c->size);
	bench_json_kv_uint(j, "batch", c->batch);
	bench_json_kv_uint(j, "rate_pps", c->rate);
	bench_json_kv_int(j, "cpu", c->cpu);
	if (c->xsk) {
		bench_json_kv_str(j, "iface", c->xsk);
		bench_json_kv_uint(j, "queue", c->queue);
		bench_json_kv_str(j, "bind_mode", r->bind_mode);
		bench_json_kv_str(j, "bind_note", r->note);
		bench_json_kv_uint(j, "flows", c->flows);
		bench_json_kv_uint(j, "tx_invalid_descs", r->tx_invalid);
		bench_json_kv_uint(j, "device_drops", r->device_drops);
	}
	if (c->xdp) {
		bench_json_kv_str(j, "iface", c->xdp);
		bench_json_kv_uint(j, "flows", c->flows);
		bench_json_kv_uint(j, "frames_run", r->frames);
	}
	bench_json_kv_uint(j, "sent", r->sent);
	bench_json_kv_uint(j, "failed_calls", r->errors);
	bench_json_kv_uint(j, "calls", r->calls);
	bench_json_kv_double(j, "seconds", r->secs);
	bench_json_kv_double(j, "sent_pps", r->secs > 0 ? (double)r->sent / r->secs : 0.0);
	bench_json_obj_end(j);
	if (bench_json_finish(j) || fclose(f)) {
		fprintf(stderr, "lat_blast: --json %s: write failed\n", c->json);
		return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct blast_cfg c = {.port = 7000,
			      .size = 64,
			      .batch = 64,
			      .duration = 3,
			      .cpu = -1,
			      .count = ~0ul,
			      .flows = 1,
			      .sport = 40000};
	struct blast_res r = {0};

	if (parse(argc, argv, &c))
		return 2;
	if (c.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(c.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "lat_blast: --cpu %d: %s\n", c.cpu, strerror(errno));
			return 1;
		}
	}
	if (c.xsk ? run_xsk(&c, &r) : c.xdp ? run_xdp(&c, &r) : run_kernel(&c, &r))
		return 1;
	fprintf(stderr,
		"lat_blast: %llu datagrams of %lu B in %.3f s (%.0f/s), %llu failed calls\n",
		(unsigned long long)r.sent, c.size, r.secs,
		r.secs > 0 ? (double)r.sent / r.secs : 0.0, (unsigned long long)r.errors);
	if (c.xsk && r.device_drops)
		fprintf(stderr,
			"lat_blast: of those, the device dropped %llu (its receiver's ring was "
			"full)\n",
			(unsigned long long)r.device_drops);
	if (c.json && write_json(&c, &r))
		return 1;
	return r.sent ? 0 : 1;
}
