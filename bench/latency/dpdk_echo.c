// SPDX-License-Identifier: BSD-2-Clause
/*
 * dpdk_echo: the outside AF_XDP peer of the latency harness.
 *
 * It STANDS IN FOR `dpdk-testpmd --forward-mode=5tswap`, which Debian 12's dpdk package does not
 * ship (/usr/bin has only dpdk-devbind.py, dpdk-hugepages.py and dpdk-pmdinfo.py). Like testpmd's
 * 5tswap engine it swaps the Ethernet addresses, the IPv4/IPv6 addresses and the UDP/TCP ports of
 * every received frame and sends it back out of the same port and queue, in bursts of 32, on
 * one lcore that polls without sleeping. It is meant for the net_af_xdp PMD on the interface
 * under test:
 *
 *   dpdk_echo -l 0 --no-pci --no-huge -m 256 --file-prefix NAME \
 *       --vdev net_af_xdp0,iface=xl-srv,start_queue=0,queue_count=1 -- [--max-seconds N] [--stats F]
 *
 * Swapping source and destination leaves the IP and UDP checksums valid (the one's complement
 * sum is commutative), exactly as in testpmd. With --rxonly it receives and frees every frame
 * instead (testpmd's rxonly forwarding), for the receive-only throughput comparison.
 * Runs until SIGINT/SIGTERM or --max-seconds; SIGUSR1 writes --stats with the counts so far.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <rte_version.h>

#define BURST	32
#define NB_MBUF 8191
#define RING \
	2048 /* RX and TX descriptors: xlane run's default ring size, so that neither
			  * side of the receive-only comparison has the deeper ring */

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

static inline void swap_l4(uint8_t proto, void *l4)
{
	uint16_t t;

	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *u = l4;

		t = u->src_port;
		u->src_port = u->dst_port;
		u->dst_port = t;
	} else if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *h = l4;

		t = h->src_port;
		h->src_port = h->dst_port;
		h->dst_port = t;
	}
}

/* testpmd 5tswap: L2 always, L3 for IPv4/IPv6, L4 for UDP/TCP */
static inline void five_tuple_swap(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr ea;
	uint32_t len = rte_pktmbuf_data_len(m);

	if (len < sizeof(*eth))
		return;
	rte_ether_addr_copy(&eth->src_addr, &ea);
	rte_ether_addr_copy(&eth->dst_addr, &eth->src_addr);
	rte_ether_addr_copy(&ea, &eth->dst_addr);

	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) &&
	    len >= sizeof(*eth) + sizeof(struct rte_ipv4_hdr)) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		uint32_t a = ip->src_addr, ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;

		ip->src_addr = ip->dst_addr;
		ip->dst_addr = a;
		if (len >= sizeof(*eth) + ihl + 8)
			swap_l4(ip->next_proto_id, (uint8_t *)ip + ihl);
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) &&
		   len >= sizeof(*eth) + sizeof(struct rte_ipv6_hdr) + 8) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
		uint8_t a[16];

		memcpy(a, ip->src_addr, 16);
		memcpy(ip->src_addr, ip->dst_addr, 16);
		memcpy(ip->dst_addr, a, 16);
		swap_l4(ip->proto, ip + 1);
	}
}

static int port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	uint16_t nrx = RING, ntx = RING;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret)
		return ret;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	if (ret)
		return ret;
	ret = rte_eth_rx_queue_setup(port, 0, nrx, rte_eth_dev_socket_id(port), NULL, mp);
	if (ret)
		return ret;
	ret = rte_eth_tx_queue_setup(port, 0, ntx, rte_eth_dev_socket_id(port), NULL);
	if (ret)
		return ret;
	ret = rte_eth_dev_start(port);
	if (ret)
		return ret;
	return rte_eth_promiscuous_enable(port) == -ENOTSUP ? 0 : 0;
}

static int write_stats(const char *path, uint16_t port, bool rxonly, uint64_t rx, uint64_t tx,
		       uint64_t drop, uint64_t polls)
{
	struct rte_eth_stats es = {0};
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	rte_eth_stats_get(port, &es);
	rte_eth_dev_get_name_by_port(port, name);
	fprintf(f,
		"{\n  \"server\": \"dpdk_echo\",\n"
		"  \"stands_in_for\": \"dpdk-testpmd --forward-mode=%s (not packaged by "
		"Debian)\",\n"
		"  \"dpdk_version\": \"%s\",\n  \"port\": \"%s\",\n  \"burst\": %d,\n"
		"  \"rx\": %" PRIu64 ",\n  \"tx\": %" PRIu64 ",\n  \"tx_dropped\": %" PRIu64 ",\n"
		"  \"polls\": %" PRIu64 ",\n  \"port_ipackets\": %" PRIu64 ",\n"
		"  \"port_opackets\": %" PRIu64 ",\n  \"port_imissed\": %" PRIu64 ",\n"
		"  \"port_ierrors\": %" PRIu64 ",\n  \"port_oerrors\": %" PRIu64 "\n}\n",
		rxonly ? "rxonly" : "5tswap", rte_version(), name, BURST, rx, tx, drop, polls,
		es.ipackets, es.opackets, es.imissed, es.ierrors, es.oerrors);
	return fclose(f) ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {{"max-seconds", 1, NULL, 't'},
					   {"stats", 1, NULL, 's'},
					   {"rxonly", 0, NULL, 'r'},
					   {0}};
	struct rte_mbuf *pkts[BURST];
	uint64_t rx = 0, tx = 0, drop = 0, polls = 0, end;
	const char *stats = NULL;
	unsigned long max_s = 3600;
	bool rxonly = false;
	struct rte_mempool *mp;
	uint16_t port = 0;
	int ret, o;
	char *e;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "dpdk_echo: EAL init failed: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	argc -= ret;
	argv += ret;
	optind = 1;
	while ((o = getopt_long(argc, argv, "t:s:r", lo, NULL)) != -1) {
		switch (o) {
		case 'r':
			rxonly = true;
			break;
		case 't':
			errno = 0;
			max_s = strtoul(optarg, &e, 10);
			if (errno || *e || !max_s || max_s > 86400) {
				fprintf(stderr, "dpdk_echo: --max-seconds: bad value '%s'\n",
					optarg);
				goto fail;
			}
			break;
		case 's':
			stats = optarg;
			break;
		default:
			fprintf(stderr, "usage: dpdk_echo EAL-ARGS -- [--max-seconds N] [--stats "
					"FILE] [--rxonly]\n");
			goto fail;
		}
	}
	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "dpdk_echo: need exactly one port (a net_af_xdp vdev), have %u\n",
			rte_eth_dev_count_avail());
		goto fail;
	}
	RTE_ETH_FOREACH_DEV(port) break;
	mp = rte_pktmbuf_pool_create("echo_mbufs", NB_MBUF, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (!mp) {
		fprintf(stderr, "dpdk_echo: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto fail;
	}
	ret = port_init(port, mp);
	if (ret) {
		fprintf(stderr, "dpdk_echo: port %u setup: %s\n", port, strerror(-ret));
		goto fail;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_dump);
	fprintf(stderr,
		"dpdk_echo: %s on port %u, lcore %u (stands in for dpdk-testpmd "
		"--forward-mode=%s, which Debian does not package)\n",
		rxonly ? "rxonly" : "5tswap echo", port, rte_lcore_id(),
		rxonly ? "rxonly" : "5tswap");

	end = rte_get_timer_cycles() + max_s * rte_get_timer_hz();
	while (!stop) {
		uint16_t n, k, sent;

		polls++;
		if (dump) { /* SIGUSR1: the counts so far, for the receive-only steps */
			dump = 0;
			if (stats)
				write_stats(stats, port, rxonly, rx, tx, drop, polls);
		}
		n = rte_eth_rx_burst(port, 0, pkts, BURST);
		if (!n) {
			if ((polls & 0xffff) == 0 && rte_get_timer_cycles() > end)
				break;
			continue;
		}
		rx += n;
		if (rxonly) {
			rte_pktmbuf_free_bulk(pkts, n);
			continue;
		}
		for (k = 0; k < n; k++)
			five_tuple_swap(pkts[k]);
		sent = rte_eth_tx_burst(port, 0, pkts, n);
		tx += sent;
		if (sent < n) {
			drop += (uint64_t)(n - sent);
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
	}
	fprintf(stderr,
		"dpdk_echo: %" PRIu64 " received, %" PRIu64 " echoed, %" PRIu64 " dropped\n", rx,
		tx, drop);
	if (stats && write_stats(stats, port, rxonly, rx, tx, drop, polls))
		fprintf(stderr, "dpdk_echo: --stats %s: cannot write\n", stats);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_eal_cleanup();
	return EXIT_SUCCESS;
fail:
	rte_eal_cleanup();
	return EXIT_FAILURE;
}
