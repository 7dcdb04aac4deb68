// SPDX-License-Identifier: BSD-2-Clause
/* Helpers of the 'netns' suite; see nstest.h. */
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nstest.h"

static struct tb the_tb;
static struct dthread *running[8];

static void track(struct dthread *d, bool on)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (on ? !running[i] : running[i] == d) {
			running[i] = on ? d : NULL;
			return;
		}
}

void nstest_fini(void)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (running[i]) {
			running[i]->stop = 1;
			pthread_join(running[i]->th, NULL);
			running[i] = NULL;
		}
}

bool under_valgrind(void)
{
	const char *v = getenv("XL_UNDER_VALGRIND");

	return v && *v == '1';
}

const struct tb *tb_get(void)
{
	const char *name = getenv("XL_TB_NAME"), *q = getenv("XL_TB_QUEUES");

	if (!name || geteuid() != 0)
		cr_skip_test("needs root inside a testbed: run through scripts/netns-test.sh "
			     "(meson test --suite netns)");
	snprintf(the_tb.name, sizeof(the_tb.name), "%s", name);
	snprintf(the_tb.srv_ns, sizeof(the_tb.srv_ns), "%s", getenv("XL_TB_SRV_NS"));
	snprintf(the_tb.cli_ns, sizeof(the_tb.cli_ns), "%s", getenv("XL_TB_CLI_NS"));
	snprintf(the_tb.srv_if, sizeof(the_tb.srv_if), "%s", getenv("XL_TB_SRV_IF"));
	snprintf(the_tb.cli_if, sizeof(the_tb.cli_if), "%s", getenv("XL_TB_CLI_IF"));
	the_tb.queues = q ? (unsigned int)atoi(q) : 1;
	return &the_tb;
}

int tb_cli_socket(int domain, int type, int proto)
{
	char path[128];
	int self, cli, fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", the_tb.cli_ns);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	cli = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || cli < 0) {
		err = -errno;
		goto out;
	}
	if (setns(cli, CLONE_NEWNET)) {
		err = -errno;
		goto out;
	}
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	err = fd < 0 ? -errno : fd;
	if (setns(self, CLONE_NEWNET))
		cr_assert_fail("cannot return to the server namespace: %s", strerror(errno));
out:
	if (self >= 0)
		close(self);
	if (cli >= 0)
		close(cli);
	return err;
}

int tb_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void dthread_config(struct dthread *d, const struct tb *tb, enum xl_bind_mode mode)
{
	memset(d, 0, sizeof(*d));
	d->cfg.ifname = tb->srv_if;
	d->cfg.bind_mode = mode;
	d->cfg.rx_size = 512;
	d->cfg.tx_size = 512;
	d->cfg.fill_size = 1024;
	d->cfg.comp_size = 512;
	d->cfg.frame_size = 2048;
	d->cfg.stats_interval_ms = 50;
	d->cfg.hot_disable = true;
	d->cfg.errbuf = d->err;
	d->cfg.errlen = sizeof(d->err);
}

static void on_ready(void *ctx, const struct xl_run_info *info)
{
	struct dthread *d = ctx;
	unsigned int i;

	d->n_queues = info->n_queues;
	for (i = 0; i < info->n_queues && i < XL_MAX_QUEUES; i++)
		d->bind_modes[i] = info->bind_modes[i];
	if (info->n_queues)
		snprintf(d->bind_note, sizeof(d->bind_note), "%s", info->bind_notes[0]);
	d->attach_mode = info->attach_mode;
	d->attach_fallback = info->attach_fallback;
	__atomic_store_n(&d->ready, 1, __ATOMIC_RELEASE);
}

static void *dthread_main(void *arg)
{
	struct dthread *d = arg;

	d->ret = xl_daemon_run(&d->cfg, &d->stop);
	if (!__atomic_load_n(&d->ready, __ATOMIC_ACQUIRE))
		__atomic_store_n(&d->ready, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&d->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

int dthread_start(struct dthread *d, unsigned int timeout_ms)
{
	unsigned int waited = 0;
	int r;

	d->cfg.on_ready = on_ready;
	d->cfg.ctx = d;
	d->stop = 0;
	d->ready = 0;
	if (pthread_create(&d->th, NULL, dthread_main, d))
		return -EAGAIN;
	while (!(r = __atomic_load_n(&d->ready, __ATOMIC_ACQUIRE)) && waited < timeout_ms) {
		msleep(5);
		waited += 5;
	}
	if (r == 1) {
		track(d, true);
		return 0;
	}
	if (r == 0) {
		d->stop = 1;
		pthread_join(d->th, NULL);
		return -ETIMEDOUT;
	}
	pthread_join(d->th, NULL);
	return d->ret ? d->ret : -EIO;
}

int dthread_stop(struct dthread *d)
{
	track(d, false);
	d->stop = 1;
	pthread_join(d->th, NULL);
	return d->ret;
}

void dthread_start_or_skip(struct dthread *d)
{
	int ret = dthread_start(d, 10000);

	if (ret == -EOPNOTSUPP && d->cfg.bind_mode == XL_BIND_ZEROCOPY)
		cr_skip_test("zero-copy bind unavailable here: %s", d->err);
	cr_assert_eq(ret, 0, "daemon did not start: %d (%s)", ret, d->err);
}

void pkt_fill(uint8_t *buf, size_t len, uint32_t flow, uint32_t seq)
{
	struct pkt_hdr h = { PKT_MAGIC, flow, seq, (uint32_t)len };
	size_t i;

	memcpy(buf, &h, sizeof(h) < len ? sizeof(h) : len);
	for (i = sizeof(h); i < len; i++)
		buf[i] = (uint8_t)(flow * 131 + seq * 7 + i);
}

int pkt_check(const uint8_t *buf, size_t len, uint32_t flow, uint32_t seq)
{
	struct pkt_hdr h;
	size_t i;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PKT_MAGIC || h.flow != flow || h.seq != seq || h.len != len)
		return 0;
	for (i = sizeof(h); i < len; i++)
		if (buf[i] != (uint8_t)(flow * 131 + seq * 7 + i))
			return 0;
	return 1;
}

void tb_addr(struct sockaddr_storage *ss, socklen_t *len, int family, bool server, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, server ? "198.18.0.1" : "198.18.0.2", &a->sin_addr);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, server ? "2001:2::1" : "2001:2::2", &a->sin6_addr);
		*len = sizeof(*a);
	}
}

ssize_t recv_timeout(int fd, void *buf, size_t len, int timeout_ms, struct sockaddr_storage *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);
	ssize_t n;
	int r;

	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	n = recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)from, from ? &fl : NULL);
	return n < 0 ? -errno : n;
}

void stats_now(struct xl_stats_snapshot *s)
{
	struct xl_control *ctl;
	int ret;

	ret = xl_control_open(the_tb.srv_if, &ctl);
	cr_assert_eq(ret, 0, "xl_control_open(%s): %d", the_tb.srv_if, ret);
	memset(s, 0, sizeof(*s));
	s->sz = sizeof(*s);
	ret = xl_stats_read(ctl, s);
	xl_control_close(ctl);
	cr_assert_eq(ret, 0, "xl_stats_read: %d", ret);
}

unsigned int steer_idx(const char *name)
{
	const char *n;
	unsigned int i;

	for (i = 0; (n = xl_steer_counter_name(i)); i++)
		if (!strcmp(n, name))
			return i;
	cr_assert_fail("no steering counter %s", name);
	return 0;
}

void stats_log(const struct xl_stats_snapshot *s)
{
	unsigned int i;
	const char *n;

	for (i = 0; i < s->n_queues; i++) {
		const struct xl_queue_stats *q = &s->q[i];

		cr_log_info("q%u: rx %lu tx %lu comp %lu drop %lu txfull %lu fill_empty %lu "
			    "getfail %lu | xdp rx_dropped %lu rx_ring_full %lu fill_empty %lu "
			    "rx_inv %lu tx_inv %lu",
			    q->queue, (unsigned long)q->rx_packets, (unsigned long)q->tx_packets,
			    (unsigned long)q->tx_completed, (unsigned long)q->dropped,
			    (unsigned long)q->tx_full_drops, (unsigned long)q->fill_empty,
			    (unsigned long)q->pool_get_fails, (unsigned long)q->xdp_rx_dropped,
			    (unsigned long)q->xdp_rx_ring_full,
			    (unsigned long)q->xdp_rx_fill_ring_empty_descs,
			    (unsigned long)q->xdp_rx_invalid_descs,
			    (unsigned long)q->xdp_tx_invalid_descs);
	}
	for (i = 0; i < s->n_steer && (n = xl_steer_counter_name(i)); i++)
		if (s->steer[i])
			cr_log_info("steer %s = %lu", n, (unsigned long)s->steer[i]);
	cr_log_info("frames: total %lu pool %lu fill %lu rx %lu worker %lu tx %lu comp %lu "
		    "kernel %lu sum %lu; high water %lu hint %lu",
		    (unsigned long)s->frames_total, (unsigned long)s->frames_pool,
		    (unsigned long)s->frames_fill, (unsigned long)s->frames_rx,
		    (unsigned long)s->frames_worker, (unsigned long)s->frames_tx,
		    (unsigned long)s->frames_comp, (unsigned long)s->frames_kernel,
		    (unsigned long)s->frames_sum, (unsigned long)s->pool_high_water,
		    (unsigned long)s->hint_frames);
}

int cli_udp_socket(int family, uint16_t sport)
{
	struct sockaddr_storage a;
	socklen_t al;
	int sz = 8 << 20, fd = tb_cli_socket(family, SOCK_DGRAM, 0);

	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	tb_addr(&a, &al, family, false, sport);
	if (bind(fd, (struct sockaddr *)&a, al)) {
		close(fd);
		return -errno;
	}
	return fd;
}

unsigned int udp_echo_count(int family, uint16_t port, unsigned int nflows, unsigned int rounds,
			    uint16_t sport_base)
{
	uint8_t buf[2048];
	struct sockaddr_storage a, from;
	socklen_t al;
	unsigned int f, s, ok = 0;
	int fd[64];

	if (nflows > 64)
		nflows = 64;
	tb_addr(&a, &al, family, true, port);
	for (f = 0; f < nflows; f++) {
		fd[f] = cli_udp_socket(family, (uint16_t)(sport_base + f));
		cr_assert_geq(fd[f], 0, "client socket: %s", strerror(-fd[f]));
	}
	for (s = 0; s < rounds; s++) {
		for (f = 0; f < nflows; f++) {
			size_t len = 60 + (s * 31 + f) % 900;

			pkt_fill(buf, len, f, s);
			sendto(fd[f], buf, len, 0, (struct sockaddr *)&a, al);
		}
		for (f = 0; f < nflows; f++) {
			size_t len = 60 + (s * 31 + f) % 900;
			ssize_t n = recv_timeout(fd[f], buf, sizeof(buf), 1000, &from);

			if (n == (ssize_t)len && pkt_check(buf, len, f, s))
				ok++;
		}
	}
	for (f = 0; f < nflows; f++)
		close(fd[f]);
	return ok;
}

struct xl_rule_spec port_rule_any(uint32_t id, uint16_t port)
{
	struct xl_rule_spec r = { 0 };

	r.id = id;
	r.kind = XL_RULE_PORT;
	r.action = XL_ACT_FAST;
	r.family = AF_UNSPEC;
	r.proto = IPPROTO_UDP;
	r.dport = port;
	return r;
}

bool xdp_attached(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int idx = (int)if_nametoindex(ifname);

	if (!idx || bpf_xdp_query(idx, 0, &q))
		return false;
	return q.prog_id != 0;
}

bool pins_exist(const char *ifname)
{
	char path[256];

	snprintf(path, sizeof(path), XL_PIN_DIR_FMT, ifname);
	return access(path, F_OK) == 0;
}
