// SPDX-License-Identifier: BSD-2-Clause
/*
 * FILL_EMPTY (suite 'netns'): a UMEM pool far too small for the rings (64 frames for two queues
 * whose fill rings hold 1024 each). A flood of steered UDP starves the fill rings:
 *  - the starvation is counted (XDP_STATISTICS rx_fill_ring_empty_descs moves), and every steered
 *    packet is accounted for by name: steered == worker rx + socket rx_dropped + rx_ring_full,
 *    and worker rx == tx + handler drops + tx_full_drops;
 *  - when the load drops, it recovers: a lockstep echo over several flows gets every reply;
 *  - every frame is in one known place (conservation sum == 64), and the instance stops cleanly
 *    with all 64 frames back; no crash.
 * With two queues this found one fill ring hoarding every frame for good (fixed in worker.c by a
 * per-queue share); the test now requires recovery on every testbed (2 queues, and 1 queue in
 * netns_starvation_1q).
 * `xlane run` has no option for the frame count (the library's xl_run_config.n_frames), so this
 * drives xl_daemon_run() directly.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nstest.h"

#define PORT   7100
#define FRAMES 64
#define NFLOWS 8
#define BURST  64 /* packets per sendmmsg() call, all of one flow */
#define ROUNDS 10 /* lockstep rounds per flow after the flood (1 s timeout each) */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct sums {
	uint64_t rx, tx, hdrop, txfull, pass, fwd, xdrop, rfull, fempty, fill_empty, get_fails;
};

static struct sums sum_queues(const struct xl_stats_snapshot *s)
{
	struct sums r = {0};

	for (unsigned int i = 0; i < s->n_queues; i++) {
		const struct xl_queue_stats *q = &s->q[i];

		r.rx += q->rx_packets;
		r.tx += q->tx_packets;
		r.hdrop += q->dropped;
		r.txfull += q->tx_full_drops;
		r.pass += q->pass_unsupported;
		r.fwd += q->fwd_packets;
		r.xdrop += q->xdp_rx_dropped;
		r.rfull += q->xdp_rx_ring_full;
		r.fempty += q->xdp_rx_fill_ring_empty_descs;
		r.fill_empty += q->fill_empty;
		r.get_fails += q->pool_get_fails;
	}
	return r;
}

/* A queue whose fill ring holds every frame while another queue has received nothing; or -1. */
static int hoarding_queue(const struct xl_stats_snapshot *st)
{
	int hoard = -1, starved = 0;

	for (unsigned int i = 0; i < st->n_queues; i++) {
		if (st->q[i].frames_fill == st->frames_total)
			hoard = (int)i;
		else if (st->q[i].rx_packets == 0 && st->q[i].xdp_rx_fill_ring_empty_descs > 0)
			starved = 1;
	}
	return starved ? hoard : -1;
}

Test(starvation, pool_smaller_than_the_rings, .fini = nstest_fini, .timeout = 120)
{
	const struct tb *tb = tb_get();
	struct xl_rule_spec rule = port_rule_any(1, PORT);
	static struct xl_stats_snapshot st;
	static struct dthread d;
	struct sockaddr_storage to;
	socklen_t tolen;
	uint8_t buf[2048];
	static uint8_t burst[BURST][64];
	static struct iovec iov[BURST];
	static struct mmsghdr msgs[BURST];
	int fds[NFLOWS];
	unsigned int want = under_valgrind() ? 2000 : 40000, sent = 0, replies = 0, i, echoed;
	uint64_t t0, steered, steered_idx;
	int hoarded, stop_ret;
	struct sums s;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.n_frames = FRAMES;
	d.cfg.rules = &rule;
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "%s", d.err);
	stats_now(&st);
	cr_assert_eq(st.frames_total, FRAMES, "UMEM of %llu frames, asked %d",
		     (unsigned long long)st.frames_total, FRAMES);

	tb_addr(&to, &tolen, AF_INET, true, PORT);
	for (i = 0; i < NFLOWS; i++) {
		fds[i] = cli_udp_socket(AF_INET, (uint16_t)(41000 + i));
		cr_assert_geq(fds[i], 0, "client socket: %s", strerror(-fds[i]));
	}
	/*
	 * 1. flood: bursts of BURST packets, one flow per burst, each burst one sendmmsg() call,
	 * bounded in count and time. One call per burst keeps the flood faster than the worker can
	 * refill, also under Valgrind: there a sendto() per packet gave the worker (serialised with
	 * the sender under Valgrind) a turn between packets, and with fair scheduling it kept up with
	 * 64 frames (no starvation, 3 failures in 5 runs).
	 */
	t0 = now_ms();
	while (sent < want && now_ms() - t0 < 10000) {
		unsigned int flow = (sent / BURST) % NFLOWS,
			     n = want - sent < BURST ? want - sent : BURST;
		int r;

		for (i = 0; i < n; i++) {
			pkt_fill(burst[i], 64, flow, sent + i);
			iov[i] = (struct iovec){burst[i], 64};
			msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &to,
							       .msg_namelen = tolen,
							       .msg_iov = &iov[i],
							       .msg_iovlen = 1}};
		}
		r = sendmmsg(fds[flow], msgs, n, MSG_DONTWAIT);
		if (r > 0)
			sent += (unsigned int)r; /* fewer than n: socket buffer full, go on later */
		for (i = 0; i < NFLOWS; i++)
			while (recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				replies++;
	}
	cr_assert_eq(sent, want, "only %u of %u sent in 10 s", sent, want);
	msleep(300);
	for (i = 0; i < NFLOWS; i++)
		while (recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			replies++;
	/*
	 * Settle: stats refresh every 50 ms, and under sanitizers on a loaded CI machine a worker
	 * may still be finishing its last bursts; wait (bounded, 5 s) until the steered packets
	 * are all accounted for, and check the equation below on the last reading either way.
	 */
	steered_idx = steer_idx("steered_port");
	t0 = now_ms();
	do {
		msleep(100);
		for (i = 0; i < NFLOWS; i++)
			while (recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				replies++;
		stats_now(&st);
		s = sum_queues(&st);
		steered = st.steer[steered_idx];
	} while ((steered != s.rx + s.xdrop + s.rfull ||
		  s.rx != s.tx + s.hdrop + s.txfull + s.pass + s.fwd) &&
		 now_ms() - t0 < 5000);
	cr_log_info("flood: sent %u, replies %u, steered %llu, worker rx %llu, tx %llu; "
		    "rx_fill_ring_empty_descs %llu, rx_dropped %llu, rx_ring_full %llu, fill_empty "
		    "%llu, pool_get_fails %llu",
		    sent, replies, (unsigned long long)steered, (unsigned long long)s.rx,
		    (unsigned long long)s.tx, (unsigned long long)s.fempty,
		    (unsigned long long)s.xdrop, (unsigned long long)s.rfull,
		    (unsigned long long)s.fill_empty, (unsigned long long)s.get_fails);
	/* starvation happened and was counted */
	cr_expect_gt(s.fempty, 0, "64 frames for 2 x 1024 fill slots never ran the fill ring dry?");
	cr_expect_lt(replies, sent, "nothing was dropped: the pool was not too small");
	/* every steered packet by name */
	cr_expect_eq(steered, s.rx + s.xdrop + s.rfull,
		     "steered %llu != worker rx %llu + rx_dropped %llu + rx_ring_full %llu",
		     (unsigned long long)steered, (unsigned long long)s.rx,
		     (unsigned long long)s.xdrop, (unsigned long long)s.rfull);
	cr_expect_eq(s.rx, s.tx + s.hdrop + s.txfull + s.pass + s.fwd,
		     "worker rx %llu != tx %llu + drops %llu + tx_full %llu",
		     (unsigned long long)s.rx, (unsigned long long)s.tx,
		     (unsigned long long)s.hdrop, (unsigned long long)s.txfull);
	cr_expect_leq(replies, s.tx, "more replies than transmitted frames");
	cr_expect_eq(st.frames_sum, FRAMES, "after the flood: frames sum %llu",
		     (unsigned long long)st.frames_sum);
	if (st.frames_sum != FRAMES)
		stats_log(&st);
	for (i = 0; i < NFLOWS; i++)
		close(fds[i]);

	/* 2. the load drops: lockstep echo over several flows, every reply back */
	echoed = udp_echo_count(AF_INET, PORT, 4, ROUNDS, 42000);

	/* 3. every frame in one known place, and a clean stop with all of them back */
	msleep(300);
	stats_now(&st);
	cr_expect_eq(st.frames_sum, st.frames_total, "conservation: sum %llu != total %llu",
		     (unsigned long long)st.frames_sum, (unsigned long long)st.frames_total);
	if (echoed != 4 * ROUNDS)
		stats_log(&st);
	hoarded = hoarding_queue(&st);
	stop_ret = dthread_stop(&d);
	cr_expect_eq(stop_ret, 0, "stop: %s", d.err);

	/* a queue left with every frame while another starves was a defect (fixed: per-queue
	 * fill and cache share, userspace/lib/worker.c); say so if it comes back */
	if (echoed != 4 * ROUNDS && hoarded >= 0)
		cr_log_error("queue %d's fill ring holds all %d frames while another queue starves",
			     hoarded, FRAMES);
	cr_expect_eq(echoed, 4 * ROUNDS, "after starvation only %u of %u echoes", echoed,
		     4 * ROUNDS);
}
