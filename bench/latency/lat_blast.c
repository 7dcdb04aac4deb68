// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_blast: the load generator of the receive-only throughput comparison. It sends UDP
 * datagrams to one server as fast as one CPU can (blocking sendmmsg of --batch datagrams on a
 * connected socket), for --duration seconds or --count datagrams, whichever ends first, and
 * reports what it sent. Receivers count what arrived; their rate against the blaster's shows
 * which side was the limit.
 *
 *   lat_blast --server 198.18.0.1 [--port 7000] [--size 64] [--duration 3] [--count N]
 *             [--batch 64] [--cpu N] [--json FILE]
 *
 * The payload is a fixed pattern: receive-only servers never look at it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

#define MAX_BATCH 256
#define MAX_SIZE  1452

struct blast_cfg {
	const char *server, *json;
	unsigned long port, size, batch, count;
	double duration;
	int cpu;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

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

static int parse(int argc, char **argv, struct blast_cfg *c)
{
	static const struct option lo[] = {
		{"server", 1, NULL, 'S'},   {"port", 1, NULL, 'p'},  {"size", 1, NULL, 's'},
		{"duration", 1, NULL, 'd'}, {"count", 1, NULL, 'n'}, {"batch", 1, NULL, 'b'},
		{"cpu", 1, NULL, 'c'},	    {"json", 1, NULL, 'j'},  {0}};
	unsigned long v;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "S:p:s:d:n:b:c:j:", lo, NULL)) != -1) {
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
		default:
			fprintf(stderr,
				"usage: lat_blast --server ADDR [--port N (7000)] [--size BYTES "
				"(64)] [--duration S (3)] [--count N] [--batch N (64)] [--cpu N] "
				"[--json FILE]\n");
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

int main(int argc, char **argv)
{
	static uint8_t payload[MAX_SIZE];
	static struct iovec iov[MAX_BATCH];
	static struct mmsghdr m[MAX_BATCH];
	struct blast_cfg c = {
		.port = 7000, .size = 64, .batch = 64, .duration = 3, .cpu = -1, .count = ~0ul};
	uint64_t sent = 0, calls = 0, errors = 0, t0, t1, end;
	double secs;
	int fd;

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
	fd = open_sock(&c);
	if (fd < 0)
		return 1;
	for (unsigned long i = 0; i < c.size; i++)
		payload[i] = (uint8_t)(0xb1 + i);
	for (unsigned long i = 0; i < c.batch; i++) {
		iov[i] = (struct iovec){payload, c.size};
		m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(c.duration * 1e9);
	/* bounded by both: the clock is read once per batch */
	while (sent < c.count && now_ns() < end) {
		unsigned int n =
			(unsigned int)(c.count - sent < c.batch ? c.count - sent : c.batch);
		int k = sendmmsg(fd, m, n, 0);

		calls++;
		if (k <= 0) {
			errors++; /* ENOBUFS, ECONNREFUSED (nothing listening yet): go on */
			continue;
		}
		sent += (uint64_t)k;
	}
	t1 = now_ns();
	close(fd);
	secs = (double)(t1 - t0) / 1e9;
	fprintf(stderr,
		"lat_blast: %llu datagrams of %lu B in %.3f s (%.0f/s), %llu failed calls\n",
		(unsigned long long)sent, c.size, secs, secs > 0 ? (double)sent / secs : 0.0,
		(unsigned long long)errors);
	if (c.json) {
		FILE *f = fopen(c.json, "w");
		struct bench_json *j = f ? bench_json_new(f, BENCH_JSON_PRETTY) : NULL;

		if (!j) {
			fprintf(stderr, "lat_blast: --json %s: %s\n", c.json, strerror(errno));
			if (f)
				fclose(f);
			return 1;
		}
		bench_json_obj_begin(j);
		bench_json_kv_str(j, "generator", "lat_blast (kernel UDP, blocking sendmmsg)");
		bench_json_kv_str(j, "server", c.server);
		bench_json_kv_uint(j, "port", c.port);
		bench_json_kv_uint(j, "payload_bytes", c.size);
		bench_json_kv_uint(j, "batch", c.batch);
		bench_json_kv_int(j, "cpu", c.cpu);
		bench_json_kv_uint(j, "sent", sent);
		bench_json_kv_uint(j, "failed_calls", errors);
		bench_json_kv_uint(j, "calls", calls);
		bench_json_kv_double(j, "seconds", secs);
		bench_json_kv_double(j, "sent_pps", secs > 0 ? (double)sent / secs : 0.0);
		bench_json_obj_end(j);
		if (bench_json_finish(j) || fclose(f)) {
			fprintf(stderr, "lat_blast: --json %s: write failed\n", c.json);
			return 1;
		}
	}
	return sent ? 0 : 1;
}
