/* SPDX-License-Identifier: BSD-2-Clause */
/* A custom xlane handler: reflect UDP to port 7000, drop the rest, count per queue. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include "daemon.h"
#include "handler.h"
#include "rules_text.h"

static unsigned long reflected[64]; /* one slot per queue: each queue has one worker */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void reflect_7000(void *ctx, struct xl_pkt *pkts, unsigned int n)
{
	(void)ctx;
	for (unsigned int i = 0; i < n; i++) {
		/* The steering rule already picked the flows; the handler decides per packet. */
		pkts[i].verdict = xl_handler_echo_frame(pkts[i].data, pkts[i].len);
		if (pkts[i].verdict == XL_VERDICT_TX)
			reflected[pkts[i].queue % 64]++;
	}
}

int main(int argc, char **argv)
{
	static const struct xl_handler handler = { .name = "reflect-7000", .batch = reflect_7000 };
	struct xl_rule_spec rule;
	struct xl_rule_err perr;
	char err[256] = "";
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IFACE\n", argv[0]);
		return 2;
	}
	if (xl_rule_parse("udp dport 7000 id 1", &rule, &perr)) {
		fprintf(stderr, "rule: %s\n", perr.msg);
		return 2;
	}
	struct xl_run_config cfg = {
		.ifname = argv[1], .custom_handler = &handler,
		.rules = &rule, .n_rules = 1, .errbuf = err, .errlen = sizeof(err),
	};
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = xl_daemon_run(&cfg, &stop);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	for (unsigned int q = 0; q < 64; q++)
		if (reflected[q])
			printf("queue %u: %lu reflected\n", q, reflected[q]);
	return 0;
}
