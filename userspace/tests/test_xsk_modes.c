// SPDX-License-Identifier: BSD-2-Clause
/*
 * netns: bind and attach modes, and that every start-up failure names its problem.
 *  - ZC_FALLBACK: auto tries zero-copy, falls back to copy, and reports which mode each socket got
 *    (read back with XDP_OPTIONS) and why zero-copy was refused;
 *  - ZC_REQUIRED: zero-copy asked for on a driver without it fails with EOPNOTSUPP, named;
 *  - GENERIC / BUSY_POLL: other attach and polling modes still serve traffic, and an idle
 *    busy-polling worker with busy_poll_idle_us sleeps (its CPU time and wakeups) and wakes;
 *  - errors: no such interface, queue out of range, another XDP program in the way (and
 *    xl_detach_iface() leaves it alone), not enough locked memory, not enough hugepages, bad
 *    sizes, ntuple pinning on a driver without ntuple filters (veth: EOPNOTSUPP, nothing
 *    attached, nothing pinned) or to a queue not served.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/socket.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nstest.h"
#include "xl_pass_bpf.skel.h"

static int nothing_within_ms(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, ms) == 0;
}

#define PORT 7100

static const struct tb *tb;

static void setup(void)
{
	tb = tb_get();
}

TestSuite(xsk_modes, .init = setup, .fini = nstest_fini, .timeout = 300);

Test(xsk_modes, zc_fallback_reports_copy_and_why)
{
	static struct dthread d;
	unsigned int i;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "start: %s", d.err);
	cr_assert_eq(d.n_queues, tb->queues, "one socket per queue");
	for (i = 0; i < d.n_queues; i++) {
		cr_log_info("queue %u: %s%s%s", i, xl_bind_mode_name(d.bind_modes[i]),
			    d.bind_note[0] ? " - " : "", d.bind_note);
		cr_assert(d.bind_modes[i] == XL_BIND_COPY || d.bind_modes[i] == XL_BIND_ZEROCOPY);
	}
	if (d.bind_modes[0] == XL_BIND_COPY)
		cr_assert(strstr(d.bind_note, "zero-copy") && strstr(d.bind_note, "EOPNOTSUPP"),
			  "copy fallback without the reason: '%s'", d.bind_note);
	else
		cr_assert_str_empty(d.bind_note);
	cr_assert_eq(udp_echo_count(AF_INET, PORT, 8, 4, 30000), 32, "served after fallback");
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
}

Test(xsk_modes, zc_required_fails_named_or_binds_zc)
{
	static struct dthread d;
	int ret;

	dthread_config(&d, tb, XL_BIND_ZEROCOPY);
	ret = dthread_start(&d, 10000);
	if (ret == 0) {
		cr_log_info("zero-copy available: every socket must say so");
		cr_assert_eq(d.bind_modes[0], XL_BIND_ZEROCOPY);
		cr_assert_eq(dthread_stop(&d), 0);
		return;
	}
	cr_log_info("zero-copy refused: %s", d.err);
	cr_assert_eq(ret, -EOPNOTSUPP, "%d: %s", ret, d.err);
	cr_assert(strstr(d.err, "zero-copy not supported") && strstr(d.err, tb->srv_if), "%s",
		  d.err);
	cr_assert(!xdp_attached(tb->srv_if) && !pins_exist(tb->srv_if), "nothing left behind");
}

Test(xsk_modes, generic_mode_serves)
{
	static struct dthread d;
	struct xl_stats_snapshot st;

	dthread_config(&d, tb, XL_BIND_COPY);
	d.cfg.xdp_mode = XL_XDP_GENERIC;
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "start: %s", d.err);
	cr_assert_eq(d.attach_mode, XL_ATTACH_GENERIC);
	cr_assert_eq(udp_echo_count(AF_INET6, PORT, 8, 4, 30100), 32);
	stats_now(&st);
	cr_assert_eq(st.attach_mode, XL_ATTACH_GENERIC);
	cr_assert_eq(st.attach_fallback, 0, "asked for generic: not a fallback");
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
}

static void skip_busy_poll_under_valgrind(void)
{
	if (under_valgrind())
		cr_skip_test(
			"busy polling spins the workers; Valgrind runs one thread at a time, so "
			"the spinning workers starve the client thread past every timeout");
}

Test(xsk_modes, busy_poll_serves)
{
	static struct dthread d;

	skip_busy_poll_under_valgrind();
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.busy_poll = true;
	d.cfg.busy_poll_budget = 32;
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "start: %s", d.err);
	cr_assert_eq(udp_echo_count(AF_INET, PORT, 8, 8, 30200), 64);
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
}

/* CPU time so far of this process's xlane workers (threads named xl-w<queue>), in ns. */
static long long workers_cpu_ns(void)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *e;
	long long sum = 0;

	cr_assert_not_null(dir);
	while ((e = readdir(dir))) {
		char path[320], comm[32] = "";
		unsigned long long ns;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f) || strncmp(comm, "xl-w", 4)) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%llu", &ns) == 1)
			sum += (long long)ns;
		if (f)
			fclose(f);
	}
	closedir(dir);
	return sum;
}

static uint64_t wakeups_now(void)
{
	struct xl_stats_snapshot st;
	uint64_t sum = 0;
	unsigned int i;

	stats_now(&st);
	for (i = 0; i < st.n_queues; i++)
		sum += st.q[i].wakeups;
	return sum;
}

/* --busy-poll-idle-us: an idle busy-polling worker sleeps, and the next frame still reaches it */
Test(xsk_modes, busy_poll_idle_sleeps)
{
	static struct dthread d;
	long long cpu;
	uint64_t wk;

	skip_busy_poll_under_valgrind();
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.busy_poll = true;
	d.cfg.busy_poll_idle_us = 200;
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "start: %s", d.err);
	cr_assert_eq(udp_echo_count(AF_INET, PORT, 8, 8, 30300), 64);
	msleep(200);
	wk = wakeups_now();
	cpu = workers_cpu_ns();
	msleep(1000);
	cpu = workers_cpu_ns() - cpu;
	wk = wakeups_now() - wk;
	cr_log_info("%u idle busy-polling worker(s): %lld us of CPU in 1 s, %lu sleeps", d.n_queues,
		    cpu / 1000, (unsigned long)wk);
	/* a spinning worker takes most of its CPU (about 1 s); a sleeping one wakes every 100 ms */
	cr_assert_lt(cpu, 100000000LL * d.n_queues, "idle workers kept spinning: %lld us",
		     cpu / 1000);
	cr_assert_geq(wk, 5U * d.n_queues, "the sleeps count in wakeups: %lu", (unsigned long)wk);
	cr_assert_eq(udp_echo_count(AF_INET, PORT, 8, 8, 30400), 64, "served after sleeping");
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
}

/* ---- named errors ------------------------------------------------------------------------------ */

static void expect_start_error(struct dthread *d, int err, const char *words)
{
	int ret = dthread_start(d, 10000);

	if (ret == 0)
		dthread_stop(d);
	cr_assert_eq(ret, -err, "expected -%d, got %d (%s)", err, ret, d->err);
	cr_assert(strstr(d->err, words), "message '%s' does not say '%s'", d->err, words);
	cr_log_info("error named: %s", d->err);
	cr_assert(!xdp_attached(tb->srv_if), "nothing attached after a failed start");
	cr_assert(!pins_exist(tb->srv_if), "no pins after a failed start");
}

Test(xsk_modes, error_no_such_interface)
{
	static struct dthread d;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.ifname = "xl-nosuch0";
	expect_start_error(&d, ENODEV, "no such interface: xl-nosuch0");
}

Test(xsk_modes, error_queue_out_of_range)
{
	static struct dthread d;
	unsigned int q[] = {0, 5};

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.queues = q;
	d.cfg.n_queues = 2;
	expect_start_error(&d, ERANGE, "queue 5 out of range");
}

Test(xsk_modes, error_bad_sizes)
{
	static struct dthread d;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.frame_size = 1000;
	expect_start_error(&d, EINVAL, "frame size");
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.rx_size = 1000;
	expect_start_error(&d, EINVAL, "powers of two");
}

Test(xsk_modes, error_busy_poll_idle_without_busy_poll)
{
	static struct dthread d;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.busy_poll_idle_us = 50;
	expect_start_error(&d, EINVAL, "busy_poll_idle_us (50) needs busy_poll");
}

Test(xsk_modes, error_unknown_handler)
{
	static struct dthread d;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.handler = "reflect";
	expect_start_error(&d, ENOENT, "unknown handler 'reflect'");
}

Test(xsk_modes, error_not_enough_hugepages)
{
	static struct dthread d;
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	long nr = -1;

	if (f) {
		if (fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
	}
	if (nr != 0)
		cr_skip_test("needs nr_hugepages == 0 to provoke the error (it is %ld)", nr);
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.hugepages = true;
	expect_start_error(&d, ENOMEM, "not enough hugepages");
}

Test(xsk_modes, error_not_enough_locked_memory)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct c[2];
	static struct dthread d;

	/* drop CAP_IPC_LOCK in this thread (the daemon thread inherits it): RLIMIT_MEMLOCK rules */
	cr_assert_eq(syscall(SYS_capget, &h, c), 0);
	c[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	cr_assert_eq(syscall(SYS_capset, &h, c), 0);
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.n_frames = 16384; /* 32 MiB with 2 KiB frames, over the 8 MiB RLIMIT_MEMLOCK */
	expect_start_error(&d, ENOMEM, "not enough locked memory");
}

Test(xsk_modes, error_foreign_program_in_the_way)
{
	struct xl_pass_bpf *skel = xl_pass_bpf__open_and_load();
	struct bpf_link *link;
	static struct dthread d;

	cr_assert_not_null(skel);
	link = bpf_program__attach_xdp(skel->progs.xl_pass, (int)if_nametoindex(tb->srv_if));
	cr_assert_not_null(link, "attach the foreign program: %s", strerror(errno));
	dthread_config(&d, tb, XL_BIND_AUTO);
	{
		int ret = dthread_start(&d, 10000);

		if (ret == 0)
			dthread_stop(&d);
		cr_assert_eq(ret, -EEXIST, "%d: %s", ret, d.err);
		cr_assert(strstr(d.err, "another XDP program is in the way") &&
				  strstr(d.err, "xl_pass"),
			  "%s", d.err);
		cr_log_info("error named: %s", d.err);
	}
	/* xlane detach must leave somebody else's program alone */
	cr_assert_eq(xl_detach_iface(tb->srv_if), 0);
	cr_assert(xdp_attached(tb->srv_if), "the foreign program is still attached");
	bpf_link__destroy(link);
	xl_pass_bpf__destroy(skel);
	cr_assert(!xdp_attached(tb->srv_if));
}

Test(xsk_modes, fwd_handler_forwards_to_second_interface)
{
	static struct dthread d;
	struct sockaddr_ll ll = {0};
	struct sockaddr_storage a;
	uint8_t buf[2048];
	unsigned int s, got = 0, i;
	socklen_t al;
	int cap, cli;

	cr_assert_eq(tb_sh("ip link add xl-fwd0 numtxqueues %u numrxqueues %u type veth peer name "
			   "xl-fwd1 numtxqueues %u numrxqueues %u && ip link set xl-fwd0 up && "
			   "ip link set xl-fwd1 up",
			   tb->queues, tb->queues, tb->queues, tb->queues),
		     0);
	cap = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IP));
	cr_assert_geq(cap, 0);
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = (int)if_nametoindex("xl-fwd1");
	cr_assert_eq(bind(cap, (struct sockaddr *)&ll, sizeof(ll)), 0);
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.handler = "fwd";
	d.cfg.fwd_ifname = "xl-fwd0";
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "start: %s", d.err);
	cli = cli_udp_socket(AF_INET, 30300);
	cr_assert_geq(cli, 0);
	tb_addr(&a, &al, AF_INET, true, PORT);
	for (s = 0; s < 16; s++) {
		pkt_fill(buf, 300, 5, s);
		cr_assert_eq(sendto(cli, buf, 300, 0, (struct sockaddr *)&a, al), 300);
	}
	/* each frame leaves xl-fwd0 unchanged (no swap): it arrives on xl-fwd1 as sent */
	for (i = 0; i < 200 && got < 16; i++) {
		ssize_t n = recv_timeout(cap, buf, sizeof(buf), 20, NULL);

		/* AF_PACKET SOCK_RAW: Ethernet + IPv4 (20) + UDP (8) + payload */
		if (n == 14 + 20 + 8 + 300 && buf[14 + 9] == IPPROTO_UDP &&
		    pkt_check(buf + 14 + 28, 300, 5, got))
			got++;
	}
	cr_assert_eq(got, 16, "forwarded in order and intact: %u of 16", got);
	cr_assert(nothing_within_ms(cli, 100), "fwd does not echo back");
	{
		struct xl_stats_snapshot st;
		uint64_t fwd = 0;

		msleep(120);
		stats_now(&st);
		for (i = 0; i < st.n_queues; i++)
			fwd += st.q[i].fwd_packets;
		cr_assert_eq(fwd, 16);
	}
	close(cli);
	close(cap);
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
	cr_assert_eq(tb_sh("ip link del xl-fwd0"), 0);
}

/* ETHTOOL_GRXCLSRLCNT on @ifname: the count of ntuple rules, or -errno. */
static int ntuple_rule_count(const char *ifname)
{
	struct ethtool_rxnfc nfc = {.cmd = ETHTOOL_GRXCLSRLCNT};
	struct ifreq ifr = {0};
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&nfc;
	ret = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : (int)nfc.rule_cnt;
	close(fd);
	return ret;
}

Test(xsk_modes, error_ntuple_unsupported_on_veth)
{
	static struct dthread d;
	char want[96];
	int before = ntuple_rule_count(tb->srv_if);

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	d.cfg.ntuple = true;
	d.cfg.ntuple_queue = 0;
	if (before >= 0)
		cr_skip_test("%s has ntuple filters (%d rules): this test needs a driver without",
			     tb->srv_if, before);
	cr_assert_eq(before, -EOPNOTSUPP, "veth answers ETHTOOL_GRXCLSRLCNT with %d", before);
	snprintf(want, sizeof(want), "ntuple filters are unsupported on %s", tb->srv_if);
	expect_start_error(&d, EOPNOTSUPP, want);
	cr_assert_str_eq(d.err, want, "the message is exactly '%s'", want);
	cr_assert_eq(ntuple_rule_count(tb->srv_if), -EOPNOTSUPP, "nothing pinned");
}

Test(xsk_modes, error_ntuple_queue_not_served)
{
	static struct dthread d;
	unsigned int q0 = 0;

	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.queues = &q0;
	d.cfg.n_queues = 1;
	d.cfg.rules = (struct xl_rule_spec[]){port_rule_any(1, PORT)};
	d.cfg.n_rules = 1;
	d.cfg.ntuple = true;
	d.cfg.ntuple_queue = 1;
	expect_start_error(&d, EINVAL, "ntuple queue 1 is not one of the served queues");
}
