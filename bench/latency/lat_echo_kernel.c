// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_echo_kernel: UDP echo servers on the normal kernel socket path, the baselines of the
 * latency harness.
 *
 *   lat_echo_kernel --mode block|mmsg|busypoll|rxonly [--port 7000] [--max-seconds 3600]
 *                   [--stats FILE]
 *
 *   block     one blocking recvmsg + one sendmsg per datagram
 *   mmsg      blocking recvmmsg (MSG_WAITFORONE) + sendmmsg, up to --batch per call
 *   busypoll  SO_BUSY_POLL (--busy-poll-us), SO_PREFER_BUSY_POLL and a non-blocking recvmmsg spin:
 *             the best the socket path can do. Where the interface has no NAPI instance for the
 *             socket (napi_id 0 in --stats), the kernel cannot busy-poll and this is a plain spin.
 *   rxonly    blocking recvmmsg like mmsg, counting, no echo: the receive path alone (the
 *             throughput comparison's socket baseline, like testpmd's rxonly forwarding)
 *
 * One dual-stack socket serves IPv4 and IPv6. Runs until SIGINT/SIGTERM or --max-seconds, then
 * writes its counters (JSON) to --stats, and also whenever it gets SIGUSR1. The payload is echoed untouched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

#define MAX_BATCH 256
#define BUF_SIZE  2048

enum echo_mode { ECHO_BLOCK = 0, ECHO_MMSG, ECHO_BUSYPOLL, ECHO_RXONLY, ECHO_MODE_MAX };
static const char *const mode_names[ECHO_MODE_MAX] = {"block", "mmsg", "busypoll", "rxonly"};

struct echo_cfg {
	enum echo_mode mode;
	uint16_t port;
	unsigned int batch;
	unsigned int busy_poll_us;
	unsigned int max_seconds;
	const char *stats_path;
};

struct echo_stats {
	uint64_t rx, tx, tx_errors, rx_calls, tx_calls, empty_polls;
	unsigned int napi_id;
	int busy_poll_set, prefer_busy_poll_set;
};

static volatile sig_atomic_t stop, dump;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGUSR1: write --stats now and go on (the receive-only comparison reads counts per step) */
static void on_dump(int sig)
{
	(void)sig;
	dump = 1;
}

static uint64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static int open_socket(const struct echo_cfg *c, struct echo_stats *st)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6,
				 .sin6_port = htons(c->port),
				 .sin6_addr = IN6ADDR_ANY_INIT};
	int fd, zero = 0, one = 1, buf = 4 << 20, v;
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	/* blocking modes wake up now and then to notice SIGTERM and --max-seconds */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail;
	if (c->mode == ECHO_BUSYPOLL) {
		v = (int)c->busy_poll_us;
		st->busy_poll_set = !setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &v, sizeof(v));
		st->prefer_busy_poll_set =
			!setsockopt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one));
		v = 64;
		setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &v, sizeof(v));
		if (!st->busy_poll_set)
			fprintf(stderr, "lat_echo_kernel: SO_BUSY_POLL: %s (spinning anyway)\n",
				strerror(errno));
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	return fd;
fail:
	v = -errno;
	close(fd);
	return v;
}

static void note_napi(int fd, struct echo_stats *st)
{
	socklen_t len = sizeof(st->napi_id);

	if (!st->napi_id)
		getsockopt(fd, SOL_SOCKET, SO_INCOMING_NAPI_ID, &st->napi_id, &len);
}

static int write_stats(const struct echo_cfg *c, const struct echo_stats *st)
{
	struct bench_json *j;
	FILE *f;
	int err;

	f = fopen(c->stats_path, "w");
	if (!f)
		return -errno;
	j = bench_json_new(f, BENCH_JSON_PRETTY);
	if (!j) {
		err = -errno;
		fclose(f);
		return err;
	}
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "server", "lat_echo_kernel");
	bench_json_kv_str(j, "mode", mode_names[c->mode]);
	bench_json_kv_uint(j, "port", c->port);
	bench_json_kv_uint(j, "batch", c->mode == ECHO_BLOCK ? 1 : c->batch);
	bench_json_kv_uint(j, "busy_poll_us", c->mode == ECHO_BUSYPOLL ? c->busy_poll_us : 0);
	bench_json_kv_bool(j, "so_busy_poll_set", st->busy_poll_set);
	bench_json_kv_bool(j, "so_prefer_busy_poll_set", st->prefer_busy_poll_set);
	bench_json_kv_uint(j, "napi_id", st->napi_id);
	bench_json_kv_uint(j, "rx", st->rx);
	bench_json_kv_uint(j, "tx", st->tx);
	bench_json_kv_uint(j, "tx_errors", st->tx_errors);
	bench_json_kv_uint(j, "rx_calls", st->rx_calls);
	bench_json_kv_uint(j, "tx_calls", st->tx_calls);
	bench_json_kv_uint(j, "empty_polls", st->empty_polls);
	bench_json_obj_end(j);
	err = bench_json_finish(j);
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

static void serve_block(int fd, const struct echo_cfg *c, struct echo_stats *st)
{
	uint64_t end = now_s() + c->max_seconds;
	struct sockaddr_in6 peer;
	uint8_t buf[BUF_SIZE];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_name = &peer, .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	while (!stop && now_s() < end) {
		m.msg_namelen = sizeof(peer);
		iov.iov_len = sizeof(buf);
		n = recvmsg(fd, &m, 0);
		st->rx_calls++;
		if (n < 0)
			continue;
		st->rx++;
		iov.iov_len = (size_t)n;
		st->tx_calls++;
		if (sendmsg(fd, &m, 0) == n)
			st->tx++;
		else
			st->tx_errors++;
		if (st->rx == 1)
			note_napi(fd, st);
	}
}

static void serve_mmsg(int fd, const struct echo_cfg *c, struct echo_stats *st, bool spin,
		       bool echo)
{
	static uint8_t bufs[MAX_BATCH][BUF_SIZE];
	static struct sockaddr_in6 peers[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	static struct mmsghdr m[MAX_BATCH];
	uint64_t end = now_s() + c->max_seconds, polls = 0;
	int n, i, sent, off;

	for (i = 0; i < (int)c->batch; i++) {
		iov[i] = (struct iovec){bufs[i], BUF_SIZE};
		m[i].msg_hdr =
			(struct msghdr){.msg_name = &peers[i], .msg_iov = &iov[i], .msg_iovlen = 1};
	}
	while (!stop) {
		/* the clock is read only every 64k empty spins or after a blocking wake-up */
		if ((!spin || (++polls & 0xffff) == 0) && now_s() >= end)
			break;
		for (i = 0; i < (int)c->batch; i++) {
			m[i].msg_hdr.msg_namelen = sizeof(peers[i]);
			iov[i].iov_len = BUF_SIZE;
		}
		if (dump) {
			dump = 0;
			write_stats(c, st);
		}
		n = recvmmsg(fd, m, c->batch, spin ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		st->rx_calls++;
		if (n <= 0) {
			st->empty_polls += spin;
			continue;
		}
		st->rx += (uint64_t)n;
		if (!echo)
			continue; /* rxonly: receive and count, as testpmd's rxonly forwarding */
		for (i = 0; i < n; i++)
			iov[i].iov_len = m[i].msg_len;
		for (off = 0; off < n; off += sent) {
			sent = sendmmsg(fd, m + off, (unsigned int)(n - off), 0);
			st->tx_calls++;
			if (sent <= 0) {
				/* drop the rest of this batch rather than spin on an error */
				st->tx_errors += (uint64_t)(n - off);
				break;
			}
			st->tx += (uint64_t)sent;
		}
		if (!st->napi_id)
			note_napi(fd, st);
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lat_echo_kernel --mode block|mmsg|busypoll|rxonly [--port N (7000)]\n"
		     "         [--batch N (32, 1..256)] [--busy-poll-us N (50)]\n"
		     "         [--max-seconds N (3600)] [--stats FILE]\n");
}

static int parse_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi,
		      unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || *out < lo || *out > hi) {
		fprintf(stderr, "lat_echo_kernel: --%s: bad value '%s' (%lu..%lu)\n", opt, s, lo,
			hi);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"mode", 1, NULL, 'm'},	       {"port", 1, NULL, 'p'},
		{"batch", 1, NULL, 'b'},       {"busy-poll-us", 1, NULL, 'B'},
		{"max-seconds", 1, NULL, 't'}, {"stats", 1, NULL, 's'},
		{"help", 0, NULL, 'h'},	       {0},
	};
	struct echo_cfg c = {.mode = ECHO_MODE_MAX,
			     .port = 7000,
			     .batch = 32,
			     .busy_poll_us = 50,
			     .max_seconds = 3600};
	struct echo_stats st = {0};
	struct sigaction sa = {.sa_handler = on_signal};
	unsigned long v;
	int o, fd, err;

	while ((o = getopt_long(argc, argv, "m:p:b:B:t:s:h", lo, NULL)) != -1) {
		err = 0;
		switch (o) {
		case 'm':
			for (c.mode = 0; c.mode < ECHO_MODE_MAX; c.mode++)
				if (!strcmp(optarg, mode_names[c.mode]))
					break;
			if (c.mode == ECHO_MODE_MAX) {
				fprintf(stderr,
					"lat_echo_kernel: --mode: bad value '%s' (block, mmsg, "
					"rxonly, "
					"busypoll)\n",
					optarg);
				return EXIT_FAILURE;
			}
			break;
		case 'p':
			err = parse_uint("port", optarg, 1, 65535, &v);
			c.port = (uint16_t)v;
			break;
		case 'b':
			err = parse_uint("batch", optarg, 1, MAX_BATCH, &v);
			c.batch = (unsigned int)v;
			break;
		case 'B':
			err = parse_uint("busy-poll-us", optarg, 0, 1000000, &v);
			c.busy_poll_us = (unsigned int)v;
			break;
		case 't':
			err = parse_uint("max-seconds", optarg, 1, 86400, &v);
			c.max_seconds = (unsigned int)v;
			break;
		case 's':
			c.stats_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_FAILURE;
		}
		if (err)
			return EXIT_FAILURE;
	}
	if (c.mode == ECHO_MODE_MAX || optind < argc) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &(struct sigaction){.sa_handler = on_dump}, NULL); /* no SA_RESTART */
	fd = open_socket(&c, &st);
	if (fd < 0) {
		fprintf(stderr, "lat_echo_kernel: UDP port %u: %s\n", c.port, strerror(-fd));
		return EXIT_FAILURE;
	}
	fprintf(stderr, "lat_echo_kernel: %s echo on UDP port %u (IPv4 and IPv6)\n",
		mode_names[c.mode], c.port);
	if (c.mode == ECHO_BLOCK)
		serve_block(fd, &c, &st);
	else
		serve_mmsg(fd, &c, &st, c.mode == ECHO_BUSYPOLL, c.mode != ECHO_RXONLY);
	close(fd);
	err = c.stats_path ? write_stats(&c, &st) : 0;
	if (err)
		fprintf(stderr, "lat_echo_kernel: --stats %s: %s\n", c.stats_path, strerror(-err));
	fprintf(stderr, "lat_echo_kernel: %s: %llu received, %llu echoed\n", mode_names[c.mode],
		(unsigned long long)st.rx, (unsigned long long)st.tx);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
