// SPDX-License-Identifier: BSD-2-Clause
/*
 * netns: the data path end to end on the veth testbed, as a named scenario table run in every
 * bind mode (copy; zero-copy skips with the kernel's reason where the driver refuses it).
 * Packets carry their identity (flow, sequence, length, pattern), so the client proves order,
 * content and completeness of what the worker echoed.
 */
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nstest.h"

#define ECHO_PORT  7000
#define KERN_PORT  7001
#define TCP_PORT   7002
#define RT_PORT	   7003
#define HOT_PORT   7004
#define STATS_PORT 7005
#define FILL_PORT  7006
#define NFLOWS	   16

static const struct tb *tb;

static struct xl_rule_spec port_rule(uint32_t id, int family, uint16_t port)
{
	struct xl_rule_spec r = {0};

	r.id = id;
	r.kind = XL_RULE_PORT;
	r.action = XL_ACT_FAST;
	r.family = (uint8_t)family;
	r.proto = IPPROTO_UDP;
	r.dport = port;
	return r;
}

/* Room for bursts: an skb built by AF_XDP copy-mode TX is charged a whole frame. */
static void big_rcvbuf(int fd)
{
	int sz = 8 << 20;

	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)), 0);
}

static int cli_udp(int family, uint16_t sport)
{
	struct sockaddr_storage a;
	socklen_t al;
	int fd = tb_cli_socket(family, SOCK_DGRAM, 0);

	cr_assert_geq(fd, 0, "client UDP socket: %s", strerror(-fd));
	big_rcvbuf(fd);
	tb_addr(&a, &al, family, false, sport);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, al), 0, "bind client port %u: %s", sport,
		     strerror(errno));
	return fd;
}

static int srv_udp(int family, uint16_t port)
{
	struct sockaddr_storage a;
	socklen_t al;
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	big_rcvbuf(fd);
	tb_addr(&a, &al, family, true, port);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, al), 0, "bind server port %u: %s", port,
		     strerror(errno));
	return fd;
}

static void send_pkt(int fd, int family, uint16_t dport, uint32_t flow, uint32_t seq, size_t len)
{
	uint8_t buf[2048];
	struct sockaddr_storage a;
	socklen_t al;

	pkt_fill(buf, len, flow, seq);
	tb_addr(&a, &al, family, true, dport);
	cr_assert_eq(sendto(fd, buf, len, 0, (struct sockaddr *)&a, al), (ssize_t)len, "sendto: %s",
		     strerror(errno));
}

/* Receives one datagram and checks identity, content and the (swapped) source. */
static void expect_pkt(int fd, int family, uint16_t from_port, uint32_t flow, uint32_t seq,
		       size_t len, const char *what)
{
	uint8_t buf[2048];
	struct sockaddr_storage from, want;
	socklen_t wl;
	ssize_t n = recv_timeout(fd, buf, sizeof(buf), 2000, &from);

	cr_assert_gt(n, 0, "%s: flow %u seq %u: nothing received (%zd)", what, flow, seq, n);
	cr_assert(pkt_check(buf, (size_t)n, flow, seq),
		  "%s: flow %u seq %u: wrong packet (len %zd, seq in packet %u)", what, flow, seq,
		  n, ((struct pkt_hdr *)buf)->seq);
	cr_assert_eq((size_t)n, len);
	tb_addr(&want, &wl, family, true, from_port);
	if (family == AF_INET)
		cr_assert(!memcmp(&((struct sockaddr_in *)&from)->sin_addr,
				  &((struct sockaddr_in *)&want)->sin_addr, 4) &&
				  ((struct sockaddr_in *)&from)->sin_port == htons(from_port),
			  "%s: reply not from the server's address and port", what);
	else
		cr_assert(!memcmp(&((struct sockaddr_in6 *)&from)->sin6_addr,
				  &((struct sockaddr_in6 *)&want)->sin6_addr, 16) &&
				  ((struct sockaddr_in6 *)&from)->sin6_port == htons(from_port),
			  "%s: reply not from the server's address and port", what);
}

static int nothing_within(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, ms) == 0;
}

/* NFLOWS flows x @rounds packets to the steered port, echoed by the worker, checked. */
static void udp_echo_rounds(int family, unsigned int rounds, uint16_t port)
{
	int fd[NFLOWS];
	unsigned int f, s;

	for (f = 0; f < NFLOWS; f++)
		fd[f] = cli_udp(family, (uint16_t)(20000 + f));
	for (s = 0; s < rounds; s++) {
		for (f = 0; f < NFLOWS; f++)
			send_pkt(fd[f], family, port, f, s, 40 + (s * 13 + f * 7) % 1200);
		for (f = 0; f < NFLOWS; f++)
			expect_pkt(fd[f], family, port, f, s, 40 + (s * 13 + f * 7) % 1200, "echo");
	}
	for (f = 0; f < NFLOWS; f++)
		close(fd[f]);
}

static void assert_queues_used(void)
{
	struct xl_stats_snapshot st;
	unsigned int i, used = 0;

	msleep(120);
	stats_now(&st);
	for (i = 0; i < st.n_queues; i++)
		used += st.q[i].rx_packets > 0;
	cr_assert_geq(st.n_queues, tb->queues, "a socket per queue");
	cr_assert_geq(used, tb->queues >= 2 ? 2 : 1,
		      "flows spread over %u queues, only %u received any", st.n_queues, used);
}

/* ---- scenarios ------------------------------------------------------------------------------- */

static void sc_udp4_echo(struct dthread *d)
{
	(void)d;
	udp_echo_rounds(AF_INET, under_valgrind() ? 4 : 32, ECHO_PORT);
	assert_queues_used();
}

static void sc_udp6_echo(struct dthread *d)
{
	(void)d;
	udp_echo_rounds(AF_INET6, under_valgrind() ? 4 : 32, ECHO_PORT);
	assert_queues_used();
}

static void arp_probe(void)
{
	struct sockaddr_ll ll = {0};
	struct ifreq ifr = {0};
	uint8_t req[28], rsp[64], mac[6];
	struct in_addr sip, tip;
	int fd, i, got = 0;

	fd = tb_cli_socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP));
	cr_assert_geq(fd, 0, "AF_PACKET: %s", strerror(-fd));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tb->cli_if);
	cr_assert_eq(ioctl(fd, SIOCGIFHWADDR, &ifr), 0);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6); /* before SIOCGIFINDEX reuses the union */
	cr_assert_eq(ioctl(fd, SIOCGIFINDEX, &ifr), 0);
	inet_pton(AF_INET, "198.18.0.2", &sip);
	inet_pton(AF_INET, "198.18.0.1", &tip);
	/* htype 1, ptype IPv4, hlen 6, plen 4, op request */
	memcpy(req, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	memcpy(req + 8, mac, 6);
	memcpy(req + 14, &sip, 4);
	memset(req + 18, 0, 6);
	memcpy(req + 24, &tip, 4);
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_ARP);
	ll.sll_ifindex = ifr.ifr_ifindex;
	ll.sll_halen = 6;
	memset(ll.sll_addr, 0xff, 6);
	cr_assert_eq(sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&ll, sizeof(ll)),
		     (ssize_t)sizeof(req));
	for (i = 0; i < 20 && !got; i++) {
		ssize_t n = recv_timeout(fd, rsp, sizeof(rsp), 200, NULL);

		if (n >= 28 && rsp[7] == 2 && !memcmp(rsp + 14, &tip, 4))
			got = 1;
	}
	close(fd);
	cr_assert(got, "no ARP reply from 198.18.0.1 while xlane is attached");
}

static uint16_t icmp_csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; len > 1; len -= 2)
		s += *w++;
	if (len)
		s += *(const uint8_t *)w;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void icmp_ping(void)
{
	uint8_t req[64] = {0}, rsp[256];
	struct sockaddr_storage a;
	struct icmphdr *h = (struct icmphdr *)req;
	socklen_t al;
	int fd, i, got = 0;

	fd = tb_cli_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	cr_assert_geq(fd, 0, "raw ICMP socket: %s", strerror(-fd));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(0x784c);
	h->un.echo.sequence = htons(1);
	pkt_fill(req + 8, sizeof(req) - 8, 99, 1);
	h->checksum = icmp_csum(req, sizeof(req));
	tb_addr(&a, &al, AF_INET, true, 0);
	cr_assert_eq(sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&a, al),
		     (ssize_t)sizeof(req));
	for (i = 0; i < 20 && !got; i++) {
		ssize_t n = recv_timeout(fd, rsp, sizeof(rsp), 200, NULL);
		unsigned int ihl;

		if (n < 20)
			continue;
		ihl = (rsp[0] & 0xf) * 4u;
		if ((size_t)n >= ihl + sizeof(req) && rsp[ihl] == ICMP_ECHOREPLY &&
		    ((struct icmphdr *)(rsp + ihl))->un.echo.id == htons(0x784c))
			got = pkt_check(rsp + ihl + 8, sizeof(req) - 8, 99, 1);
	}
	close(fd);
	if (!got) {
		struct xl_stats_snapshot st;

		stats_now(&st);
		stats_log(&st);
	}
	cr_assert(got, "no ICMP echo reply while xlane is attached");
}

static void tcp_exchange(void)
{
	struct sockaddr_storage a;
	socklen_t al;
	uint8_t out[20000], in[20000];
	int ls, cs, ss, one = 1;
	size_t got = 0;
	ssize_t n;

	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tb_addr(&a, &al, AF_INET, true, TCP_PORT);
	cr_assert_eq(bind(ls, (struct sockaddr *)&a, al), 0);
	cr_assert_eq(listen(ls, 4), 0);
	cs = tb_cli_socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(cs, 0);
	cr_assert_eq(connect(cs, (struct sockaddr *)&a, al), 0, "TCP connect: %s", strerror(errno));
	ss = accept(ls, NULL, NULL);
	cr_assert_geq(ss, 0);
	pkt_fill(out, sizeof(out), 7, 7);
	cr_assert_eq(send(cs, out, sizeof(out), 0), (ssize_t)sizeof(out));
	while (got < sizeof(in) &&
	       (n = recv_timeout(ss, in + got, sizeof(in) - got, 2000, NULL)) > 0)
		got += (size_t)n;
	cr_assert_eq(got, sizeof(in), "TCP: %zu of %zu bytes", got, sizeof(in));
	cr_assert(pkt_check(in, sizeof(in), 7, 7), "TCP payload intact");
	cr_assert_eq(send(ss, "ok", 2, 0), 2);
	cr_assert_eq(recv_timeout(cs, in, 2, 2000, NULL), 2);
	close(ss);
	close(cs);
	close(ls);
}

static void sc_kernel_paths(struct dthread *d)
{
	int fam[2] = {AF_INET, AF_INET6}, i, s;

	(void)d;
	for (i = 0; i < 2; i++) {
		int srv = srv_udp(fam[i], KERN_PORT), cli = cli_udp(fam[i], 21000);

		for (s = 0; s < 20; s++) {
			send_pkt(cli, fam[i], KERN_PORT, 50, (uint32_t)s, 300);
			/* kernel socket receives it intact; the reply goes back through the kernel */
			{
				uint8_t buf[2048];
				struct sockaddr_storage from;
				socklen_t fl = sizeof(from);
				ssize_t n = recv_timeout(srv, buf, sizeof(buf), 2000, &from);

				cr_assert_eq(n, 300,
					     "unsteered UDP did not reach the kernel socket");
				cr_assert(pkt_check(buf, 300, 50, (uint32_t)s));
				fl = fam[i] == AF_INET ? sizeof(struct sockaddr_in)
						       : sizeof(struct sockaddr_in6);
				cr_assert_eq(sendto(srv, buf, 300, 0, (struct sockaddr *)&from, fl),
					     300);
			}
			expect_pkt(cli, fam[i], KERN_PORT, 50, (uint32_t)s, 300, "kernel reply");
		}
		close(srv);
		close(cli);
		/* meanwhile the steered port is still served by the worker */
		udp_echo_rounds(fam[i], 2, ECHO_PORT);
	}
	arp_probe();
	icmp_ping();
	tcp_exchange();
	udp_echo_rounds(AF_INET, 2, ECHO_PORT);
}

static void sc_rule_runtime(struct dthread *d)
{
	struct xl_rule_spec r = port_rule(5, AF_INET, RT_PORT);
	struct xl_control *ctl;
	int srv = srv_udp(AF_INET, RT_PORT), cli = cli_udp(AF_INET, 22000);
	uint8_t buf[2048];

	(void)d;
	cr_assert_eq(xl_control_open(tb->srv_if, &ctl), 0);
	/* no rule: the kernel socket gets it */
	send_pkt(cli, AF_INET, RT_PORT, 60, 0, 200);
	cr_assert_eq(recv_timeout(srv, buf, sizeof(buf), 2000, NULL), 200);
	cr_assert(pkt_check(buf, 200, 60, 0));
	/* rule added at run time: echoed by the worker, the kernel socket sees nothing */
	cr_assert_eq(xl_control_rule_add(ctl, &r), 0);
	send_pkt(cli, AF_INET, RT_PORT, 60, 1, 200);
	expect_pkt(cli, AF_INET, RT_PORT, 60, 1, 200, "after rule add");
	cr_assert(nothing_within(srv, 200), "kernel socket got a steered packet");
	cr_assert_eq(xl_control_rule_list(ctl, NULL, 0), 1);
	/* deleted: back to the kernel */
	cr_assert_eq(xl_control_rule_del(ctl, 5), 0);
	cr_assert_eq(xl_control_rule_del(ctl, 5), -ENOENT);
	send_pkt(cli, AF_INET, RT_PORT, 60, 2, 200);
	cr_assert_eq(recv_timeout(srv, buf, sizeof(buf), 2000, NULL), 200);
	cr_assert(pkt_check(buf, 200, 60, 2));
	cr_assert(nothing_within(cli, 200), "echo after the rule was deleted");
	xl_control_close(ctl);
	close(srv);
	close(cli);
}

static void sc_hot_promotion(struct dthread *d)
{
	struct xl_hot_config hc = {.sz = sizeof(hc)};
	struct xl_hot_flow flows[8];
	struct xl_stats_snapshot st;
	struct xl_control *ctl;
	int srv = srv_udp(AF_INET, HOT_PORT), cli = cli_udp(AF_INET, 23000), n, i;
	unsigned int s, kern = 0, echoed = 0, total = 600;
	uint8_t buf[2048];

	(void)d;
	cr_assert_eq(xl_control_open(tb->srv_if, &ctl), 0);
	cr_assert_eq(xl_control_hot_get(ctl, &hc), 0);
	hc.enabled = 1;
	/* 50 packets per 100 ms window (10 under Valgrind, which sends far slower) */
	hc.threshold_pps = under_valgrind() ? 100 : 500;
	hc.window_ms = 100;
	hc.idle_ms = 300;
	cr_assert_eq(xl_control_hot_set(ctl, &hc), 0);
	/* rounds of 8, each waited for (kernel or echo): far above the threshold, nothing lost */
	for (s = 0; s < total; s++) {
		send_pkt(cli, AF_INET, HOT_PORT, 70, s, 100);
		if (s % 8 == 7 || s == total - 1) {
			for (i = 0; i < 200 && kern + echoed < s + 1; i++) {
				while (recv_timeout(srv, buf, sizeof(buf), 0, NULL) > 0)
					kern++;
				while (recv_timeout(cli, buf, sizeof(buf),
						    kern + echoed < s + 1 ? 5 : 0, NULL) > 0)
					echoed++;
			}
		}
	}
	cr_log_info("hot flow: %u to the kernel before promotion, %u echoed after", kern, echoed);
	msleep(120);
	stats_now(&st);
	stats_log(&st);
	cr_assert_eq(kern + echoed, total, "every packet accounted for (kernel or echo)");
	cr_assert_gt(echoed, total / 2, "promoted flow served by the worker");
	cr_assert_gt(kern, 0, "below the threshold the flow went to the kernel");
	n = xl_control_hot_list(ctl, flows, 8);
	cr_assert_geq(n, 1, "flow in the hot set");
	cr_assert_eq(flows[0].dport, HOT_PORT);
	msleep(120);
	stats_now(&st);
	cr_assert_geq(st.steer[steer_idx("hot_promotions")], 1);
	cr_assert_eq(st.steer[steer_idx("steered_hot")], echoed);
	/* idle demotion by the daemon */
	msleep(2500);
	stats_now(&st);
	cr_assert_geq(st.hot_demotions, 1, "idle hot flow demoted");
	cr_assert_eq(xl_control_hot_list(ctl, flows, 8), 0);
	xl_control_close(ctl);
	close(srv);
	close(cli);
}

static void sc_stats_exact(struct dthread *d)
{
	struct xl_stats_snapshot st;
	struct xl_rule_spec rl[4];
	struct xl_control *ctl;
	const unsigned int rounds = under_valgrind() ? 8 : 64, n = rounds * NFLOWS;
	uint64_t rx = 0, tx = 0, comp = 0, drop = 0, full = 0, passed = 0, steered = 0;
	unsigned int i, k;
	int nr;

	(void)d;
	cr_assert_eq(xl_control_open(tb->srv_if, &ctl), 0);
	{
		struct xl_rule_spec r = port_rule(9, AF_INET, STATS_PORT);

		cr_assert_eq(xl_control_rule_add(ctl, &r), 0);
	}
	udp_echo_rounds(AF_INET, rounds, STATS_PORT);
	msleep(300); /* a worker loop (completions) and a stats refresh */
	stats_now(&st);
	for (i = 0; i < st.n_queues; i++) {
		rx += st.q[i].rx_packets;
		tx += st.q[i].tx_packets;
		comp += st.q[i].tx_completed;
		drop += st.q[i].dropped + st.q[i].pass_unsupported;
		full += st.q[i].tx_full_drops + st.q[i].xdp_rx_ring_full + st.q[i].xdp_rx_dropped;
	}
	cr_assert_eq(rx, n, "RX %lu, sent %u", (unsigned long)rx, n);
	cr_assert_eq(tx, n, "TX %lu, sent %u", (unsigned long)tx, n);
	cr_assert_eq(comp, n, "completions %lu, sent %u", (unsigned long)comp, n);
	cr_assert_eq(drop, 0);
	cr_assert_eq(full, 0);
	cr_assert_eq(st.steer[steer_idx("steered_port")], n);
	cr_assert_eq(st.steer[steer_idx("fallbacks")], 0);
	for (k = 0; k < XL_PASS_MAX; k++)
		passed += st.steer[1 + XL_VIA_MAX + k];
	for (k = 0; k < XL_VIA_MAX; k++)
		steered += st.steer[1 + k];
	cr_assert_eq(st.steer[steer_idx("seen")], steered + passed, "seen = steered + passed");
	nr = xl_control_rule_list(ctl, rl, 4);
	cr_assert_eq(nr, 1);
	cr_assert_eq(rl[0].id, 9);
	cr_assert_eq(rl[0].hits, n, "rule hits %lu", (unsigned long)rl[0].hits);
	/* frame conservation, at rest */
	cr_assert_eq(st.frames_sum, st.frames_total,
		     "pool %lu fill %lu rx %lu worker %lu tx %lu comp %lu kernel %lu != total %lu",
		     (unsigned long)st.frames_pool, (unsigned long)st.frames_fill,
		     (unsigned long)st.frames_rx, (unsigned long)st.frames_worker,
		     (unsigned long)st.frames_tx, (unsigned long)st.frames_comp,
		     (unsigned long)st.frames_kernel, (unsigned long)st.frames_total);
	cr_assert_eq(st.frames_kernel, 0);
	cr_assert_eq(st.frames_worker, 0);
	cr_assert_eq(st.frames_rx, 0);
	cr_assert_geq(st.pool_high_water, st.frames_fill);
	cr_assert_geq(st.hint_frames, st.pool_high_water);
	cr_assert_eq(st.attach_mode, XL_ATTACH_NATIVE);
	for (i = 0; i < st.n_queues; i++)
		cr_assert_eq(st.q[i].bind_mode, d->bind_modes[i]);
	xl_control_close(ctl);
}

/*
 * 16 flows x 16 packets back to back with a 16-frame UMEM: the kernel finds no frame. Whether it
 * does in one burst is a race with the worker, which recycles a frame as soon as its echo is
 * sent; a slow sender (ASan, a loaded machine) can lose it. So bursts repeat, at most
 * FILL_BURSTS of them, until both counters moved: a counter that never moves still fails.
 */
#define FILL_BURSTS 8

static void sc_fill_empty(struct dthread *d)
{
	struct xl_stats_snapshot st;
	int fd[NFLOWS];
	unsigned int f, s, i, b;
	uint64_t fe = 0, xfe = 0, rx = 0;
	uint8_t buf[2048];

	(void)d;
	for (f = 0; f < NFLOWS; f++)
		fd[f] = cli_udp(AF_INET, (uint16_t)(24000 + f));
	for (b = 1; b <= FILL_BURSTS; b++) {
		for (s = 0; s < 16; s++)
			for (f = 0; f < NFLOWS; f++)
				send_pkt(fd[f], AF_INET, FILL_PORT, f, s, 1000);
		msleep(300);
		for (f = 0; f < NFLOWS; f++)
			while (recv_timeout(fd[f], buf, sizeof(buf), 0, NULL) > 0)
				;
		msleep(200);
		stats_now(&st);
		fe = xfe = rx = 0;
		for (i = 0; i < st.n_queues; i++) {
			fe += st.q[i].fill_empty;
			xfe += st.q[i].xdp_rx_fill_ring_empty_descs;
			rx += st.q[i].rx_packets;
		}
		if (fe > 0 && xfe > 0)
			break;
	}
	for (f = 0; f < NFLOWS; f++)
		close(fd[f]);
	if (b > FILL_BURSTS)
		b = FILL_BURSTS;
	cr_log_info(
		"fill empty: worker saw %lu, kernel counted %lu, received %lu of %u (%u bursts)",
		(unsigned long)fe, (unsigned long)xfe, (unsigned long)rx, 16 * NFLOWS * b, b);
	cr_assert_gt(xfe, 0, "XDP_STATISTICS rx_fill_ring_empty_descs moved (%u bursts)", b);
	cr_assert_gt(fe, 0, "the worker's fill_empty moved (%u bursts)", b);
	cr_assert_lt(rx, 16 * NFLOWS * b);
	cr_assert_eq(st.frames_sum, st.frames_total, "conservation with an exhausted pool");
}

/* ---- the table --------------------------------------------------------------------------------- */

struct scenario {
	const char *name;
	void (*run)(struct dthread *d);
	unsigned int n_frames; /* 0: default */
	uint16_t rule_port;    /* initial port rule (v4 + v6), 0: none */
};

static const struct scenario scenarios[] = {
	{"UDP4_ECHO", sc_udp4_echo, 0, ECHO_PORT},	 {"UDP6_ECHO", sc_udp6_echo, 0, ECHO_PORT},
	{"KERNEL_PATHS", sc_kernel_paths, 0, ECHO_PORT}, {"RULE_RUNTIME", sc_rule_runtime, 0, 0},
	{"HOT_PROMOTION", sc_hot_promotion, 0, 0},	 {"STATS_EXACT", sc_stats_exact, 0, 0},
	{"FILL_EMPTY", sc_fill_empty, 16, FILL_PORT},
};
#define N_SCEN (sizeof(scenarios) / sizeof(scenarios[0]))

struct dp_case {
	unsigned int scen;
	enum xl_bind_mode mode;
};

static struct dp_case cases[N_SCEN * 2];

ParameterizedTestParameters(datapath, scenario)
{
	unsigned int i;

	for (i = 0; i < N_SCEN; i++) {
		cases[2 * i] = (struct dp_case){i, XL_BIND_COPY};
		cases[2 * i + 1] = (struct dp_case){i, XL_BIND_ZEROCOPY};
	}
	return cr_make_param_array(struct dp_case, cases, N_SCEN * 2);
}

ParameterizedTest(struct dp_case *c, datapath, scenario, .fini = nstest_fini, .timeout = 300)
{
	const struct scenario *sc = &scenarios[c->scen];
	struct xl_rule_spec rules[1];
	static struct dthread d;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ret;

	tb = tb_get();
	cr_log_info("scenario %s, bind mode %s", sc->name, xl_bind_mode_name(c->mode));
	dthread_config(&d, tb, c->mode);
	if (sc->n_frames) {
		d.cfg.n_frames = sc->n_frames;
		d.cfg.fill_size = 16;
		d.cfg.rx_size = 16;
		d.cfg.batch_size = 8;
	}
	if (sc->rule_port) {
		/* a port rule without an address matches IPv4 and IPv6 */
		rules[0] = port_rule(1, AF_UNSPEC, sc->rule_port);
		d.cfg.rules = rules;
		d.cfg.n_rules = 1;
	}
	dthread_start_or_skip(&d);
	cr_log_info("%s: attached %s, %u queue(s), bind %s%s%s", sc->name,
		    xl_attach_mode_name(d.attach_mode), d.n_queues,
		    xl_bind_mode_name(d.bind_modes[0]), d.bind_note[0] ? " - zero-copy: " : "",
		    d.bind_note);
	if (c->mode == XL_BIND_COPY)
		cr_assert_eq(d.bind_modes[0], XL_BIND_COPY, "asked copy, got %s",
			     xl_bind_mode_name(d.bind_modes[0]));
	sc->run(&d);
	ret = dthread_stop(&d);
	cr_assert_eq(ret, 0, "%s: teardown: %d (%s)", sc->name, ret, d.err);
	cr_assert_eq(bpf_xdp_query((int)if_nametoindex(tb->srv_if), 0, &q), 0);
	cr_assert_eq(q.prog_id, 0, "no XDP program left after a clean stop");
}
