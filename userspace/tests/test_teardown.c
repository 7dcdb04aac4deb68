// SPDX-License-Identifier: BSD-2-Clause
/*
 * netns: teardown and failure paths. The daemon runs in a child process that the test kills:
 *  - SIGTERM: rings drained, program detached, pins removed, exit 0;
 *  - SIGKILL: the kernel drops the bpf_link with the process, so no XDP program stays attached;
 *    the stale pins are removed by xl_detach_iface(), and a new instance starts at once (stale
 *    pins cleared, EBUSY rebind retried);
 *  - IFACE_GONE: the interface is deleted under a running instance: it notices, names it, cleans;
 *  - MISSING_QUEUE_SOCKET: a queue without a socket falls back to the kernel (counted), nothing
 *    is lost.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nstest.h"

#define PORT	7200
#define FB_PORT 7210

static const struct tb *tb;
static volatile sig_atomic_t child_stop;

static void on_term(int sig)
{
	(void)sig;
	child_stop = 1;
}

static void setup(void)
{
	tb = tb_get();
}

TestSuite(teardown, .init = setup, .fini = nstest_fini, .timeout = 300);

static int result_pipe[2] = {-1, -1};

/*
 * Forks a daemon process serving the echo port; returns once it is attached. The child writes
 * xl_daemon_run()'s result into result_pipe. Under Valgrind it then ends itself with SIGKILL:
 * a forked child has lost the test harness's threads, so the leak check at its exit would report
 * the harness's (nanomsg) buffers those threads held; the daemon's own frees are leak-checked by
 * the thread-based tests.
 */
static pid_t spawn_daemon(void)
{
	struct xl_rule_spec rule = port_rule_any(1, PORT);
	unsigned int waited;
	pid_t pid;

	cr_assert_eq(pipe(result_pipe), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct dthread d;
		struct sigaction sa = {.sa_handler = on_term};
		int ret;

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		dthread_config(&d, tb, XL_BIND_AUTO);
		d.cfg.rules = &rule;
		d.cfg.n_rules = 1;
		ret = xl_daemon_run(&d.cfg, &child_stop);
		if (write(result_pipe[1], &ret, sizeof(ret)) != sizeof(ret))
			_exit(99);
		if (under_valgrind())
			raise(SIGKILL);
		_exit(ret == 0 ? 0 : 100 + (-ret & 0x7f));
	}
	close(result_pipe[1]);
	for (waited = 0; waited < 10000; waited += 10) {
		if (pins_exist(tb->srv_if) && xdp_attached(tb->srv_if))
			break;
		msleep(10);
	}
	cr_assert(xdp_attached(tb->srv_if), "daemon process did not attach");
	msleep(50);
	return pid;
}

static bool wait_detached(unsigned int ms)
{
	unsigned int t;

	for (t = 0; t < ms; t += 10) {
		if (!xdp_attached(tb->srv_if))
			return true;
		msleep(10);
	}
	return false;
}

Test(teardown, sigterm_drains_detaches_unpins)
{
	pid_t pid = spawn_daemon();
	int st, ret = -1;
	unsigned int n;

	n = udp_echo_count(AF_INET, PORT, 8, 4, 31000);
	cr_assert_eq(n, 32, "served before SIGTERM: %u of 32 echoes came back", n);
	cr_assert_eq(kill(pid, SIGTERM), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(read(result_pipe[0], &ret, sizeof(ret)), (ssize_t)sizeof(ret),
		     "the daemon returned");
	cr_assert_eq(ret, 0, "xl_daemon_run() after SIGTERM: %d", ret);
	if (!under_valgrind())
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "clean exit after SIGTERM (status %#x)", st);
	cr_assert(!xdp_attached(tb->srv_if), "no XDP program after SIGTERM");
	cr_assert(!pins_exist(tb->srv_if), "no pins after SIGTERM");
}

Test(teardown, sigkill_leaves_no_program_and_detach_cleans)
{
	pid_t pid = spawn_daemon();
	int st, sfd, cfd;
	unsigned int n;
	uint8_t buf[256];
	struct sockaddr_storage a;
	socklen_t al;

	n = udp_echo_count(AF_INET, PORT, 8, 4, 31100);
	cr_assert_eq(n, 32, "served before SIGKILL: %u of 32 echoes came back", n);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	cr_assert(wait_detached(2000), "an XDP program stayed attached after SIGKILL");
	/* the pins outlive the process; xlane detach removes them, once */
	cr_assert(pins_exist(tb->srv_if), "pins expected to survive SIGKILL");
	cr_assert_eq(xl_detach_iface(tb->srv_if), 1);
	cr_assert(!pins_exist(tb->srv_if));
	cr_assert_eq(xl_detach_iface(tb->srv_if), 0, "nothing left to remove");
	cr_assert_eq(xl_detach_iface("xl-nosuch1"), -ENODEV);
	/* the steered port belongs to the kernel again */
	sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tb_addr(&a, &al, AF_INET, true, PORT);
	cr_assert_eq(bind(sfd, (struct sockaddr *)&a, al), 0);
	cfd = cli_udp_socket(AF_INET, 31199);
	cr_assert_geq(cfd, 0);
	pkt_fill(buf, 100, 1, 1);
	cr_assert_eq(sendto(cfd, buf, 100, 0, (struct sockaddr *)&a, al), 100);
	cr_assert_eq(recv_timeout(sfd, buf, sizeof(buf), 2000, NULL), 100);
	cr_assert(pkt_check(buf, 100, 1, 1));
	close(sfd);
	close(cfd);
}

Test(teardown, restart_right_after_sigkill)
{
	pid_t pid = spawn_daemon();
	static struct dthread d;
	struct xl_rule_spec rule = port_rule_any(1, PORT);
	unsigned int n;
	int st, ret;

	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	/* no detach in between: stale pins are cleared, queues may still be busy (retried) */
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.rules = &rule;
	d.cfg.n_rules = 1;
	ret = dthread_start(&d, 10000);
	cr_assert_eq(ret, 0, "restart: %d (%s)", ret, d.err);
	n = udp_echo_count(AF_INET, PORT, 8, 4, 31200);
	cr_assert_eq(n, 32, "served after restart: %u of 32 echoes came back", n);
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
	cr_assert(!xdp_attached(tb->srv_if) && !pins_exist(tb->srv_if));
}

Test(teardown, second_instance_refused)
{
	static struct dthread a, b;

	dthread_config(&a, tb, XL_BIND_AUTO);
	cr_assert_eq(dthread_start(&a, 10000), 0, "%s", a.err);
	dthread_config(&b, tb, XL_BIND_AUTO);
	cr_assert_eq(dthread_start(&b, 10000), -EBUSY, "%s", b.err);
	cr_assert(strstr(b.err, "already runs"), "%s", b.err);
	cr_assert_eq(xl_detach_iface(tb->srv_if), -EBUSY, "detach refuses a live instance");
	cr_assert(xdp_attached(tb->srv_if) && pins_exist(tb->srv_if), "first instance untouched");
	cr_assert_eq(dthread_stop(&a), 0, "%s", a.err);
}

Test(teardown, iface_gone_is_noticed)
{
	static struct dthread d;
	unsigned int t;

	cr_assert_eq(tb_sh("ip link add xl-gone0 type veth peer name xl-gone1 && "
			   "ip link set xl-gone0 up && ip link set xl-gone1 up"),
		     0);
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.ifname = "xl-gone0";
	cr_assert_eq(dthread_start(&d, 10000), 0, "%s", d.err);
	cr_assert_eq(tb_sh("ip link del xl-gone0"), 0);
	for (t = 0; t < 5000 && !__atomic_load_n(&d.finished, __ATOMIC_ACQUIRE); t += 10)
		msleep(10);
	cr_assert(__atomic_load_n(&d.finished, __ATOMIC_ACQUIRE),
		  "the daemon did not notice the interface went away");
	cr_assert_eq(dthread_stop(&d), -ENODEV, "%s", d.err);
	cr_assert(strstr(d.err, "went away"), "%s", d.err);
	cr_assert(!pins_exist("xl-gone0"), "pins removed");
}

Test(teardown, missing_queue_socket_falls_back_to_kernel)
{
	struct xl_rule_spec rule = port_rule_any(3, FB_PORT);
	struct xl_stats_snapshot st;
	struct sockaddr_storage a;
	unsigned int q0[] = {0}, f, s, echoed = 0, kern = 0, i;
	const unsigned int nflows = 16, rounds = 4;
	uint8_t buf[2048];
	static struct dthread d;
	socklen_t al;
	int fd[16], srv;

	if (tb->queues < 2)
		cr_skip_test("needs a testbed with 2 or more queues");
	dthread_config(&d, tb, XL_BIND_AUTO);
	d.cfg.queues = q0; /* queue 1 has no socket */
	d.cfg.n_queues = 1;
	d.cfg.rules = &rule;
	d.cfg.n_rules = 1;
	cr_assert_eq(dthread_start(&d, 10000), 0, "%s", d.err);
	srv = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tb_addr(&a, &al, AF_INET, true, FB_PORT);
	cr_assert_eq(bind(srv, (struct sockaddr *)&a, al), 0);
	for (f = 0; f < nflows; f++)
		cr_assert_geq(fd[f] = cli_udp_socket(AF_INET, (uint16_t)(31300 + f)), 0);
	for (s = 0; s < rounds; s++)
		for (f = 0; f < nflows; f++) {
			pkt_fill(buf, 200, f, s);
			cr_assert_eq(sendto(fd[f], buf, 200, 0, (struct sockaddr *)&a, al), 200);
		}
	for (i = 0; i < 100 && echoed + kern < nflows * rounds; i++) {
		while (recv_timeout(srv, buf, sizeof(buf), 5, NULL) == 200)
			kern++;
		for (f = 0; f < nflows; f++)
			while (recv_timeout(fd[f], buf, sizeof(buf), 0, NULL) == 200)
				echoed++;
	}
	cr_log_info("queue 0 (socket): %u echoed; queue 1 (no socket): %u to the kernel", echoed,
		    kern);
	cr_assert_eq(echoed + kern, nflows * rounds, "nothing lost");
	cr_assert_gt(kern, 0, "some flows hashed to the queue without a socket");
	cr_assert_gt(echoed, 0);
	msleep(120);
	stats_now(&st);
	cr_assert_eq(st.steer[steer_idx("fallbacks")], kern, "every fallback counted");
	cr_assert_eq(st.n_queues, 1);
	for (f = 0; f < nflows; f++)
		close(fd[f]);
	close(srv);
	cr_assert_eq(dthread_stop(&d), 0, "%s", d.err);
}
