/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers of the 'netns' suite. The programs run inside the server namespace of a testbed made by
 * scripts/netns-test.sh (XL_TB_* variables); client sockets are created in the client namespace
 * by switching the calling thread's network namespace around socket() (setns is per thread).
 * The data path runs in a thread of the test process (xl_daemon_run).
 */
#ifndef XLANE_TESTS_NSTEST_H
#define XLANE_TESTS_NSTEST_H

#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "control.h"
#include "daemon.h"

struct tb {
	char name[64];
	char srv_ns[80], cli_ns[80];
	char srv_if[16], cli_if[16];
	unsigned int queues;
};

/* The testbed, or skips the test (with the reason) when not run through netns-test.sh. */
const struct tb *tb_get(void);

/* socket() in the client namespace. -errno on failure. */
int tb_cli_socket(int domain, int type, int proto);

/* Runs a shell command line (ip, ethtool); returns its exit status. */
int tb_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A daemon in a thread of this process. */
struct dthread {
	struct xl_run_config cfg;
	pthread_t th;
	volatile sig_atomic_t stop;
	int ready;               /* atomic: 1 ready, -1 returned early */
	int finished;            /* atomic: 1 once xl_daemon_run() returned */
	int ret;                 /* xl_daemon_run()'s result */
	char err[256];
	unsigned int bind_modes[XL_MAX_QUEUES];
	char bind_note[160];
	unsigned int n_queues;
	enum xl_attach_mode attach_mode;
	bool attach_fallback;
};

/* Default test config for the testbed's server interface (small rings). */
void dthread_config(struct dthread *d, const struct tb *tb, enum xl_bind_mode mode);

/* Starts the thread, waits until serving (0) or failure (the -errno, with d->err). */
int dthread_start(struct dthread *d, unsigned int timeout_ms);

/*
 * Stops every daemon thread still running (after a failed assertion): the .fini of every netns
 * suite. A struct dthread must outlive the test body (static storage), since a failed assertion
 * leaves the test function before dthread_stop().
 */
void nstest_fini(void);

/* XL_UNDER_VALGRIND=1 (the meson 'valgrind' setup). */
bool under_valgrind(void);

/* Stops and joins; returns xl_daemon_run()'s result. */
int dthread_stop(struct dthread *d);

/* Starts it and skips the test when zero-copy was asked and is unavailable (prints why). */
void dthread_start_or_skip(struct dthread *d);

/* Self-describing payload: magic, flow, seq, then a pattern derived from (flow, seq). */
#define PKT_MAGIC 0x786c616eU
struct pkt_hdr {
	uint32_t magic;
	uint32_t flow;
	uint32_t seq;
	uint32_t len;
};
void pkt_fill(uint8_t *buf, size_t len, uint32_t flow, uint32_t seq);
/* 1 when buf is exactly what pkt_fill(flow, seq) wrote. */
int pkt_check(const uint8_t *buf, size_t len, uint32_t flow, uint32_t seq);

/* Address helpers: the testbed's fixed addresses. */
void tb_addr(struct sockaddr_storage *ss, socklen_t *len, int family, bool server, uint16_t port);

/* recv with a timeout in ms: bytes, 0 on timeout, -errno. */
ssize_t recv_timeout(int fd, void *buf, size_t len, int timeout_ms, struct sockaddr_storage *from);

/* A stats snapshot of the instance on the server interface (asserts success). */
void stats_now(struct xl_stats_snapshot *s);

/* Logs a snapshot (for failures). */
void stats_log(const struct xl_stats_snapshot *s);

/* Sleeps @ms milliseconds. */
void msleep(unsigned int ms);

/* Index of a steering counter by name (asserts it exists). */
unsigned int steer_idx(const char *name);

/* A bound UDP socket in the client namespace (8 MiB receive buffer). fd or -errno. */
int cli_udp_socket(int family, uint16_t sport);

/*
 * @nflows client flows x @rounds self-describing packets to the server's @port, in lockstep;
 * returns how many correct echoes came back (1 s timeout each).
 */
unsigned int udp_echo_count(int family, uint16_t port, unsigned int nflows, unsigned int rounds,
			    uint16_t sport_base);

/* A fast-lane UDP port rule for IPv4 and IPv6. */
struct xl_rule_spec port_rule_any(uint32_t id, uint16_t port);

/* Whether any XDP program is attached to @ifname; whether xlane's pins exist for it. */
bool xdp_attached(const char *ifname);
bool pins_exist(const char *ifname);

#endif /* XLANE_TESTS_NSTEST_H */
