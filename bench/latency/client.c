// SPDX-License-Identifier: BSD-2-Clause
/* Measurement engines of lat_client: see client.h. */
#include "client.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "steer.h" /* XL_TS_SRC_* */

#define BATCH	    32
#define SOCK_BUF    (4 << 20)
#define PROGRESS_NS 2000000000ull

uint64_t lat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int lat_socks_open(struct lat_socks *s, unsigned int flows, const struct sockaddr *dst,
		   socklen_t dst_len)
{
	struct sockaddr_storage local;
	socklen_t llen;
	int buf = SOCK_BUF, err;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (!flows || flows > LAT_MAX_FLOWS)
		return -EINVAL;
	for (i = 0; i < flows; i++) {
		int fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);

		if (fd < 0)
			goto fail;
		s->fd[s->n++] = fd;
		/* best effort: the 4 MiB is capped by net.core.[rw]mem_max */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		if (connect(fd, dst, dst_len))
			goto fail;
		llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen))
			goto fail;
		s->sport[i] = ntohs(local.ss_family == AF_INET6
					    ? ((struct sockaddr_in6 *)&local)->sin6_port
					    : ((struct sockaddr_in *)&local)->sin_port);
	}
	return 0;
fail:
	err = -errno;
	lat_socks_close(s);
	return err;
}

void lat_socks_close(struct lat_socks *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		close(s->fd[i]);
	s->n = 0;
}

/* everything one measurement needs, allocated before the first probe */
struct run {
	const struct lat_socks *s;
	const struct lat_run_cfg *cfg;
	struct lat_result *res;
	uint32_t run_id;
	struct xl_tracker trk[LAT_MAX_FLOWS];
	uint8_t (*txbuf)[XL_PROBE_MAX_SIZE];
	uint8_t (*rxbuf)[XL_PROBE_MAX_SIZE];
	struct mmsghdr txm[BATCH], rxm[BATCH];
	struct iovec txv[BATCH], rxv[BATCH];
	uint64_t next_progress;
	uint64_t t_start;
};

static void progress(struct run *r, uint64_t now, uint64_t planned)
{
	const struct lat_result *res = r->res;

	if (!r->cfg->progress || now < r->next_progress)
		return;
	r->next_progress = now + PROGRESS_NS;
	fprintf(stderr, "  [%s] %5.1f s: %llu/%llu sent, %llu echoed, p50 %.1f us, p99 %.1f us\n",
		r->cfg->progress, (double)(now - r->t_start) / 1e9, (unsigned long long)res->sent,
		(unsigned long long)planned, (unsigned long long)res->received,
		(double)xl_hist_percentile(res->hist, 50) / 1e3,
		(double)xl_hist_percentile(res->hist, 99) / 1e3);
}

const char *const lat_seg_names[LAT_NSEG] = {"client_to_xdp", "xdp_to_worker", "worker_to_client"};
const char *const lat_src_names[LAT_NSRC] = {"none", "ktime", "rx_meta"};

/*
 * A measured echo of a stamped probe: split its round trip at the server's stamps. Every clock
 * is CLOCK_MONOTONIC of this host (xdp_ns is bpf_ktime_get_ns()), so the three segments add up
 * to the real-send latency exactly; out-of-order stamps mean another host or clock: skipped.
 */
static void on_stamp(struct lat_result *res, const struct xl_probe_hdr *h, const uint8_t *buf,
		     size_t len, uint64_t rx_ns)
{
	struct xl_ts_trailer t;

	if (!xl_probe_trailer(buf, len, &t))
		return;
	if (t.src >= LAT_NSRC)
		t.src = XL_TS_SRC_NONE;
	res->stamped[t.src]++;
	if (t.src == XL_TS_SRC_NONE || !res->seg[0])
		return;
	if (t.xdp_ns < h->tx_ns || t.worker_ns < t.xdp_ns || rx_ns < t.worker_ns) {
		res->stamp_skew++;
		return;
	}
	xl_hist_record(res->seg[0], t.xdp_ns - h->tx_ns);
	xl_hist_record(res->seg[1], t.worker_ns - t.xdp_ns);
	xl_hist_record(res->seg[2], rx_ns - t.worker_ns);
	res->split_rtt_sum_ns += rx_ns - h->tx_ns;
}

/* one received datagram; returns true if it is the echo of (flow, seq) */
static bool on_echo(struct run *r, const uint8_t *buf, size_t len, uint64_t rx_ns,
		    unsigned int want_flow, uint64_t want_seq)
{
	struct lat_result *res = r->res;
	struct xl_probe_hdr h;
	enum xl_rx_class cls;

	switch (xl_probe_check(buf, len, r->cfg->size, r->run_id)) {
	case XL_PROBE_OK:
		break;
	case XL_PROBE_STALE:
		res->stale++;
		return false;
	case XL_PROBE_CORRUPT:
		res->corrupt++;
		return false;
	default:
		res->foreign++;
		return false;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.flow >= r->s->n) {
		res->foreign++;
		return false;
	}
	cls = xl_tracker_rx(&r->trk[h.flow], h.seq);
	if (cls == XL_RX_DUP || cls == XL_RX_INVALID)
		return false;
	if (!(h.flags & XL_PROBE_F_WARMUP)) {
		xl_hist_record(res->hist, xl_probe_latency(&h, rx_ns, r->cfg->open_loop));
		if (h.flags & XL_PROBE_F_STAMP)
			on_stamp(res, &h, buf, len, rx_ns);
	}
	return h.flow == want_flow && h.seq == want_seq;
}

/* drain whatever is queued on every flow without blocking; returns datagrams read */
static unsigned int rx_poll(struct run *r)
{
	unsigned int f, got = 0;
	int n, i;

	for (f = 0; f < r->s->n; f++) {
		for (i = 0; i < BATCH; i++)
			r->rxm[i].msg_hdr.msg_flags = 0;
		n = recvmmsg(r->s->fd[f], r->rxm, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == ECONNREFUSED)
				r->res->refused++;
			continue;
		}
		uint64_t rx = lat_now_ns();

		for (i = 0; i < n; i++)
			on_echo(r, r->rxbuf[i], r->rxm[i].msg_len, rx, UINT32_MAX, 0);
		got += (unsigned int)n;
	}
	return got;
}

static uint64_t total_received(const struct run *r)
{
	uint64_t sum = 0;
	unsigned int f;

	for (f = 0; f < r->s->n; f++)
		sum += r->trk[f].received;
	return sum;
}

static void run_pingpong(struct run *r)
{
	const struct lat_run_cfg *cfg = r->cfg;
	struct lat_result *res = r->res;
	uint16_t flags = (uint16_t)((cfg->warmup ? XL_PROBE_F_WARMUP : 0) |
				    (cfg->stamp ? XL_PROBE_F_STAMP : 0));
	uint64_t i, now, end = r->t_start + cfg->duration_ns;
	uint8_t *tx = r->txbuf[0], *rx = r->rxbuf[0];

	for (i = 0; i < cfg->count; i++) {
		unsigned int flow = (unsigned int)(i % r->s->n);
		uint64_t seq = i / r->s->n, deadline;
		int fd = r->s->fd[flow];
		ssize_t n;

		now = lat_now_ns();
		if (now >= end)
			break;
		progress(r, now, cfg->count);
		xl_probe_fill(tx, cfg->size, r->run_id, (uint16_t)flow, seq, now, now, flags);
		if (send(fd, tx, cfg->size, 0) != (ssize_t)cfg->size) {
			if (errno == ECONNREFUSED)
				res->refused++;
			res->send_errors++;
			continue;
		}
		res->sent++;
		deadline = now + cfg->timeout_ns;
		for (;;) {
			n = recv(fd, rx, XL_PROBE_MAX_SIZE,
				 cfg->wait == LAT_WAIT_SPIN ? MSG_DONTWAIT : 0);
			now = lat_now_ns();
			if (n >= 0) {
				if (on_echo(r, rx, (size_t)n, now, flow, seq))
					break;
			} else if (errno == ECONNREFUSED) {
				res->refused++;
				break;
			}
			/* EAGAIN (spin, or SO_RCVTIMEO expiry) and EINTR come here */
			if (now >= deadline) {
				res->timeouts++;
				break;
			}
		}
	}
	res->elapsed_s = (double)(lat_now_ns() - r->t_start) / 1e9;
}

/* send probes [i, i+n) of the open-loop schedule; returns how many went out */
static uint64_t tx_burst(struct run *r, const struct xl_sched *sc, uint64_t i, unsigned int n,
			 uint64_t now)
{
	const struct lat_run_cfg *cfg = r->cfg;
	uint16_t flags = (uint16_t)((cfg->warmup ? XL_PROBE_F_WARMUP : 0) |
				    (cfg->stamp ? XL_PROBE_F_STAMP : 0));
	unsigned int k, nf = r->s->n;
	uint64_t sent = 0;
	int rc;

	for (k = 0; k < n; k++) {
		uint64_t p = i + k;

		xl_probe_fill(r->txbuf[k], cfg->size, r->run_id, (uint16_t)(p % nf), p / nf,
			      xl_sched_due(sc, p), now, flags);
	}
	if (nf == 1) {
		rc = sendmmsg(r->s->fd[0], r->txm, n, MSG_DONTWAIT);
		if (rc < 0) {
			r->res->send_errors++;
			if (errno == ECONNREFUSED)
				r->res->refused++;
			return 0;
		}
		return (uint64_t)rc;
	}
	/* several flows: keep the schedule's order, one datagram per call */
	for (k = 0; k < n; k++) {
		if (send(r->s->fd[(i + k) % nf], r->txbuf[k], cfg->size, MSG_DONTWAIT) < 0) {
			r->res->send_errors++;
			if (errno == ECONNREFUSED)
				r->res->refused++;
			break;
		}
		sent++;
	}
	return sent;
}

static void run_open(struct run *r)
{
	const struct lat_run_cfg *cfg = r->cfg;
	struct lat_result *res = r->res;
	struct xl_sched sc = {.t0_ns = r->t_start, .rate_pps = cfg->rate_pps};
	uint64_t total = cfg->count, by_time, i = 0, now = r->t_start, last_tx = r->t_start;
	/* hard stop even if the generator falls hopelessly behind its schedule */
	uint64_t hard_end = r->t_start + cfg->duration_ns + cfg->duration_ns / 2 + 1000000000ull;

	by_time = (uint64_t)((unsigned __int128)cfg->duration_ns * cfg->rate_pps / 1000000000u);
	if (by_time < total)
		total = by_time;
	while (i < total) {
		unsigned int n = 0;

		now = lat_now_ns();
		if (now >= hard_end)
			break;
		while (n < BATCH && i + n < total && xl_sched_due(&sc, i + n) <= now)
			n++;
		if (n) {
			uint64_t sent = tx_burst(r, &sc, i, n, now), lag;

			if (sent) {
				lag = now - xl_sched_due(&sc, i);
				if (lag > res->max_lag_ns)
					res->max_lag_ns = lag;
				i += sent;
				res->sent += sent;
				last_tx = now;
			}
		}
		rx_poll(r);
		progress(r, now, total);
	}
	res->elapsed_s = (double)(last_tx - r->t_start) / 1e9;
	if (res->elapsed_s > 0 && i > 1)
		res->tx_pps = (double)(i - 1) / res->elapsed_s;
	/*
	 * The offered rate was not met if the sends stopped early or were still behind schedule at
	 * the end by more than a tenth of the run: a generator that cannot keep up falls further
	 * behind all the time, while one that was descheduled for a moment catches up (and the
	 * probes it sent late still carry their full delay, measured from the schedule).
	 */
	if (i)
		res->end_lag_ns =
			last_tx > xl_sched_due(&sc, i - 1) ? last_tx - xl_sched_due(&sc, i - 1) : 0;
	res->generator_limited = i < total || res->end_lag_ns > cfg->duration_ns / 10 + 1000000;
}

int lat_run(const struct lat_socks *s, const struct lat_run_cfg *cfg, struct lat_result *res)
{
	struct xl_hist *hist = res->hist, *seg[LAT_NSEG];
	uint64_t per_flow, drain_end;
	struct run *r;
	unsigned int f, k;
	int err = 0;

	if (!s->n || !hist || cfg->size < XL_PROBE_MIN_SIZE || cfg->size > XL_PROBE_MAX_SIZE ||
	    !cfg->count || !cfg->duration_ns || (cfg->open_loop && !cfg->rate_pps) ||
	    (cfg->stamp && cfg->size < XL_PROBE_STAMP_MIN_SIZE))
		return -EINVAL;
	memcpy(seg, res->seg, sizeof(seg));
	memset(res, 0, sizeof(*res));
	res->hist = hist;
	xl_hist_reset(hist);
	for (k = 0; k < LAT_NSEG; k++) {
		res->seg[k] = seg[k];
		if (seg[k])
			xl_hist_reset(seg[k]);
	}

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->s = s;
	r->cfg = cfg;
	r->res = res;
	r->txbuf = calloc(BATCH, XL_PROBE_MAX_SIZE);
	r->rxbuf = calloc(BATCH, XL_PROBE_MAX_SIZE);
	if (!r->txbuf || !r->rxbuf) {
		err = -ENOMEM;
		goto out;
	}
	per_flow = cfg->count / s->n + 1;
	for (f = 0; f < s->n; f++) {
		err = xl_tracker_init(&r->trk[f], per_flow);
		if (err)
			goto out;
	}
	for (k = 0; k < BATCH; k++) {
		r->txv[k] = (struct iovec){r->txbuf[k], cfg->size};
		r->txm[k].msg_hdr = (struct msghdr){.msg_iov = &r->txv[k], .msg_iovlen = 1};
		r->rxv[k] = (struct iovec){r->rxbuf[k], XL_PROBE_MAX_SIZE};
		r->rxm[k].msg_hdr = (struct msghdr){.msg_iov = &r->rxv[k], .msg_iovlen = 1};
	}
	if (getrandom(&r->run_id, sizeof(r->run_id), 0) != sizeof(r->run_id))
		r->run_id = (uint32_t)lat_now_ns();
	if (cfg->wait == LAT_WAIT_BLOCK && !cfg->open_loop) {
		struct timeval tv = {.tv_sec = (time_t)(cfg->timeout_ns / 1000000000u),
				     .tv_usec =
					     (suseconds_t)(cfg->timeout_ns % 1000000000u / 1000)};

		for (f = 0; f < s->n; f++)
			setsockopt(s->fd[f], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	/* stale echoes of a previous measurement must not sit in front of ours */
	rx_poll(r);
	res->stale = res->foreign = res->refused = 0;

	r->t_start = lat_now_ns();
	r->next_progress = r->t_start + PROGRESS_NS;
	if (cfg->open_loop)
		run_open(r);
	else
		run_pingpong(r);

	drain_end = lat_now_ns() + cfg->drain_ns;
	while (total_received(r) < res->sent && lat_now_ns() < drain_end)
		rx_poll(r);

	for (f = 0; f < s->n; f++) {
		res->received += r->trk[f].received;
		res->dups += r->trk[f].dups;
		res->reordered += r->trk[f].reordered;
		res->foreign += r->trk[f].invalid;
	}
	res->lost = res->sent > res->received ? res->sent - res->received : 0;
	if (!cfg->open_loop && res->elapsed_s > 0)
		res->tx_pps = (double)res->sent / res->elapsed_s;
	if (res->elapsed_s > 0)
		res->rx_pps = (double)res->received / res->elapsed_s;
	if (cfg->wait == LAT_WAIT_BLOCK && !cfg->open_loop) {
		struct timeval tv = {0};

		for (f = 0; f < s->n; f++)
			setsockopt(s->fd[f], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
out:
	for (f = 0; f < s->n; f++)
		xl_tracker_fini(&r->trk[f]);
	free(r->txbuf);
	free(r->rxbuf);
	free(r);
	return err;
}
