// SPDX-License-Identifier: BSD-2-Clause
/* xlane run IFACE: the daemon in the foreground until SIGINT/SIGTERM (xl_daemon_run()). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "daemon.h"
#include "iface.h"
#include "log.h"
#include "rules_text.h"

enum run_handler { H_ECHO, H_DROP, H_COUNT, H_FWD };

static const char *const handler_names[] = { "echo", "drop", "count", "fwd" };

struct run_opts {
	const char *iface;
	struct xl_cli_list queues;
	struct xl_cli_strv rules;
	unsigned long long hot_threshold;
	unsigned long long hot_idle;
	int handler;
	bool busy_poll;
	unsigned long long busy_poll_budget;
	struct xl_cli_list cpus;
	unsigned long long rx_ring, tx_ring, fill_ring, comp_ring, frame_size;
	int xdp_mode;
	int bind_mode;
	const char *fwd;
};

static const struct xl_positional run_args[] = {
	{ "IFACE", XL_POS_STR, offsetof(struct run_opts, iface), "the interface to serve" },
	{ NULL },
};

static const struct xl_opt_enum handler_enum[] = {
	{ "echo", H_ECHO, "swap addresses and ports, send back (UDP/TCP reflector)" },
	{ "drop", H_DROP, "free every frame" },
	{ "count", H_COUNT, "count and free every frame" },
	{ "fwd", H_FWD, "transmit on the --fwd interface" },
	{ NULL },
};

static const struct xl_opt_enum xdp_mode_enum[] = {
	{ "auto", XL_XDP_AUTO, "native, generic (skb) as a reported fallback" },
	{ "native", XL_XDP_NATIVE, "native only" },
	{ "skb", XL_XDP_GENERIC, "generic mode only" },
	{ NULL },
};

static const struct xl_opt_enum bind_mode_enum[] = {
	{ "auto", XL_BIND_AUTO, "zero-copy, copy as a reported fallback" },
	{ "zerocopy", XL_BIND_ZEROCOPY, "zero-copy only" },
	{ "copy", XL_BIND_COPY, "copy mode only" },
	{ NULL },
};

#define O(f) offsetof(struct run_opts, f)
static const struct xl_option run_opts_table[] = {
	{ "queues", 'q', XL_OPT_LIST, O(queues), "LIST", "all", "RX queues to serve", 0,
	  XL_MAX_QUEUES - 1, 0, NULL },
	{ "rule", 'r', XL_OPT_STRV, O(rules), "RULE", NULL, "steering rule to install at start", 0,
	  0, 0, NULL },
	{ "hot-threshold", 0, XL_OPT_UINT, O(hot_threshold), "PPS", "0",
	  "promote unmatched flows above PPS packets/s; 0: off", 0, 1000000000ULL, XL_OPT_F_SI,
	  NULL },
	{ "hot-idle", 0, XL_OPT_UINT, O(hot_idle), "MS", "5000",
	  "demote hot flows idle this many milliseconds", 1, 3600000, 0, NULL },
	{ "handler", 'H', XL_OPT_ENUM, O(handler), "NAME", "echo", "what workers do with packets",
	  0, 0, 0, handler_enum },
	{ "busy-poll", 0, XL_OPT_FLAG, O(busy_poll), NULL, NULL, "busy-poll the sockets", 0, 0, 0,
	  NULL },
	{ "busy-poll-budget", 0, XL_OPT_UINT, O(busy_poll_budget), "N", "64",
	  "packets per busy-poll round", 1, 65535, 0, NULL },
	{ "cpus", 'c', XL_OPT_LIST, O(cpus), "LIST", "all",
	  "worker CPUs (all: the NIC's NUMA node)", 0, 4095, 0, NULL },
	{ "rx-ring", 0, XL_OPT_UINT, O(rx_ring), "N", "2048", "RX ring entries", 64, 32768,
	  XL_OPT_F_POW2, NULL },
	{ "tx-ring", 0, XL_OPT_UINT, O(tx_ring), "N", "2048", "TX ring entries", 64, 32768,
	  XL_OPT_F_POW2, NULL },
	{ "fill-ring", 0, XL_OPT_UINT, O(fill_ring), "N", "auto",
	  "fill ring entries (auto: twice the RX ring)", 64, 65536, XL_OPT_F_POW2 | XL_OPT_F_AUTO,
	  NULL },
	{ "comp-ring", 0, XL_OPT_UINT, O(comp_ring), "N", "auto",
	  "completion ring entries (auto: the TX ring size)", 64, 65536,
	  XL_OPT_F_POW2 | XL_OPT_F_AUTO, NULL },
	{ "frame-size", 0, XL_OPT_UINT, O(frame_size), "N", "4096", "UMEM frame bytes (2048, 4096)",
	  2048, 4096, XL_OPT_F_POW2, NULL },
	{ "xdp-mode", 0, XL_OPT_ENUM, O(xdp_mode), "MODE", "auto", "XDP attach mode", 0, 0, 0,
	  xdp_mode_enum },
	{ "bind-mode", 0, XL_OPT_ENUM, O(bind_mode), "MODE", "auto", "AF_XDP bind mode", 0, 0, 0,
	  bind_mode_enum },
	{ "fwd", 0, XL_OPT_STR, O(fwd), "IFACE", NULL, "interface for the fwd handler", 0, 0, 0,
	  NULL },
	{ NULL },
};
#undef O

static void on_ready(void *ctx, const struct xl_run_info *info)
{
	unsigned int i;

	(void)ctx;
	if (info->attach_fallback)
		xl_warn("run: native XDP attach failed on %s (%s); using generic (skb) mode, which "
			"is slower", info->ifname, info->attach_note ? info->attach_note : "?");
	printf("xlane: serving %s (ifindex %u): XDP %s via %s; UMEM %u frames x %u B on %s, "
	       "NIC node %d\n",
	       info->ifname, info->ifindex, xl_attach_mode_name(info->attach_mode),
	       info->attach_method == XL_METHOD_DISPATCHER ? "libxdp dispatcher" : "bpf_link",
	       info->n_frames, info->frame_size, info->umem_huge ? "2 MiB hugepages" : "4 KiB pages",
	       info->nic_node);
	for (i = 0; i < info->n_queues; i++) {
		const char *note = info->bind_notes ? info->bind_notes[i] : NULL;

		printf("xlane: queue %u: %s%s%s%s\n", info->queues[i],
		       xl_bind_mode_name(info->bind_modes[i]), note && *note ? " (zero-copy: " : "",
		       note && *note ? note : "", note && *note ? ")" : "");
	}
	printf("xlane: ready; SIGINT or SIGTERM stops\n");
	fflush(stdout);
}

/* Queue ids against the interface's RX queue count: "queue out of range" names the queue. */
static int check_queues(const struct run_opts *o)
{
	int n = xl_iface_rx_queues(o->iface);
	unsigned int i;

	if (n < 0 || o->queues.all)
		return 0; /* unknown: the daemon checks again */
	for (i = 0; i < o->queues.n; i++) {
		if (o->queues.v[i] >= (unsigned int)n) {
			xl_err("run: queue %u out of range: %s has %d RX queue%s (0-%d)",
			       o->queues.v[i], o->iface, n, n == 1 ? "" : "s", n - 1);
			return -ERANGE;
		}
	}
	return 0;
}

/* Give every rule without "id N" the lowest id no other rule uses. */
static void assign_ids(struct xl_rule_spec *r, unsigned int n)
{
	unsigned int i, j;
	uint32_t id = 0;

	for (i = 0; i < n; i++) {
		if (r[i].id != XL_RULE_ID_NONE)
			continue;
		for (;; id++) {
			for (j = 0; j < n && r[j].id != id; j++)
				;
			if (j == n)
				break;
		}
		r[i].id = id++;
	}
}

static int run_run(const void *cfgp)
{
	const struct run_opts *o = cfgp;
	struct xl_rule_spec *rules = NULL;
	int *cpus = NULL;
	char errbuf[256] = "";
	struct xl_run_config rc;
	unsigned int i, j;
	int ret;

	if (o->handler == H_FWD && !o->fwd) {
		xl_err("run: --handler fwd needs --fwd IFACE (see 'xlane run --help')");
		return XL_CLI_EUSAGE;
	}
	if (o->fwd && o->handler != H_FWD) {
		xl_err("run: --fwd %s is only used with --handler fwd", o->fwd);
		return XL_CLI_EUSAGE;
	}
	if (o->rules.n) {
		rules = calloc(o->rules.n, sizeof(*rules));
		if (!rules)
			return -ENOMEM;
	}
	for (i = 0; i < o->rules.n; i++) {
		char *const word[1] = { (char *)o->rules.v[i] };

		ret = xl_cli_parse_rule("run: --rule", 1, word, &rules[i]);
		if (ret)
			goto out;
		for (j = 0; j < i; j++) {
			if (rules[i].id != XL_RULE_ID_NONE && rules[j].id == rules[i].id) {
				xl_err("run: --rule '%s': id %u is already used by --rule '%s'",
				       o->rules.v[i], rules[i].id, o->rules.v[j]);
				ret = XL_CLI_EUSAGE;
				goto out;
			}
		}
	}
	assign_ids(rules, o->rules.n);

	ret = xl_cli_check_iface("run", o->iface);
	if (ret < 0)
		goto out;
	if (o->fwd) {
		ret = xl_cli_check_iface("run: --fwd", o->fwd);
		if (ret < 0)
			goto out;
	}
	ret = check_queues(o);
	if (ret)
		goto out;

	memset(&rc, 0, sizeof(rc));
	rc.ifname = o->iface;
	if (!o->queues.all) {
		rc.queues = o->queues.v;
		rc.n_queues = o->queues.n;
	}
	if (!o->cpus.all) {
		cpus = calloc(o->cpus.n, sizeof(*cpus));
		if (!cpus) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < o->cpus.n; i++)
			cpus[i] = (int)o->cpus.v[i];
		rc.cpus = cpus;
		rc.n_cpus = o->cpus.n;
	}
	rc.handler = handler_names[o->handler];
	rc.fwd_ifname = o->fwd;
	rc.busy_poll = o->busy_poll;
	rc.busy_poll_budget = (unsigned int)o->busy_poll_budget;
	if (o->hot_threshold)
		rc.hot_threshold_pps = o->hot_threshold;
	else
		rc.hot_disable = true;
	rc.hot_idle_ms = (unsigned int)o->hot_idle;
	rc.rx_size = (unsigned int)o->rx_ring;
	rc.tx_size = (unsigned int)o->tx_ring;
	rc.fill_size = (unsigned int)o->fill_ring;
	rc.comp_size = (unsigned int)o->comp_ring;
	rc.frame_size = (unsigned int)o->frame_size;
	rc.xdp_mode = (enum xl_xdp_mode)o->xdp_mode;
	rc.bind_mode = (enum xl_bind_mode)o->bind_mode;
	rc.rules = rules;
	rc.n_rules = o->rules.n;
	rc.on_ready = on_ready;
	rc.errbuf = errbuf;
	rc.errlen = sizeof(errbuf);

	xl_cli_stop = 0;
	xl_cli_catch_signals();
	ret = xl_daemon_run(&rc, &xl_cli_stop);
	if (ret) {
		if (errbuf[0])
			xl_err("run: %s: %s", o->iface, errbuf);
		else
			xl_log_errno(ret, "run: %s", o->iface);
	} else {
		printf("xlane: stopped; %s detached\n", o->iface);
	}
out:
	free(cpus);
	free(rules);
	return ret;
}

const struct xl_command xl_cmd_run = {
	.name = "run",
	.summary = "run the fast lane on IFACE in the foreground until SIGINT/SIGTERM",
	.args = run_args,
	.opts = run_opts_table,
	.cfg_size = sizeof(struct run_opts),
	.run = run_run,
};
