// SPDX-License-Identifier: BSD-2-Clause
/* xlane run IFACE: the daemon in the foreground until SIGINT/SIGTERM (xl_daemon_run()). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cli.h"
#include "control.h"
#include "daemon.h"
#include "iface.h"
#include "log.h"
#include "rules_text.h"

enum run_handler { H_ECHO, H_DROP, H_COUNT, H_FWD, H_ECHO_TS };

static const char *const handler_names[] = {"echo", "drop", "count", "fwd", "echo-ts"};

struct run_opts {
	const char *iface;
	struct xl_cli_list queues;
	struct xl_cli_strv rules;
	unsigned long long hot_threshold;
	unsigned long long hot_idle;
	int handler;
	bool busy_poll;
	unsigned long long busy_poll_budget;
	unsigned long long busy_poll_idle;
	struct xl_cli_list cpus;
	unsigned long long rx_ring, tx_ring, fill_ring, comp_ring, frame_size, frames;
	int xdp_mode;
	int bind_mode;
	const char *fwd;
	bool hugepages;
	const char *ntuple_queue;
	bool rx_stamp;
};

static const struct xl_positional run_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct run_opts, iface), "the interface to serve"},
	{NULL},
};

static const struct xl_opt_enum handler_enum[] = {
	{"echo", H_ECHO, "swap addresses and ports, send back (UDP/TCP reflector)"},
	{"drop", H_DROP, "free every frame"},
	{"count", H_COUNT, "count and free every frame"},
	{"fwd", H_FWD, "transmit on the --fwd interface"},
	{"echo-ts", H_ECHO_TS, "echo, filling in the timestamp trailer of UDP probes (--rx-stamp)"},
	{NULL},
};

static const struct xl_opt_enum xdp_mode_enum[] = {
	{"auto", XL_XDP_AUTO, "native, generic (skb) as a reported fallback"},
	{"native", XL_XDP_NATIVE, "native only"},
	{"skb", XL_XDP_GENERIC, "generic mode only"},
	{NULL},
};

static const struct xl_opt_enum bind_mode_enum[] = {
	{"auto", XL_BIND_AUTO, "zero-copy, copy as a reported fallback"},
	{"zerocopy", XL_BIND_ZEROCOPY, "zero-copy only"},
	{"copy", XL_BIND_COPY, "copy mode only"},
	{NULL},
};

#define O(f) offsetof(struct run_opts, f)
static const struct xl_option run_opts_table[] = {
	{.name = "queues",
	 .short_name = 'q',
	 .kind = XL_OPT_LIST,
	 .offset = O(queues),
	 .metavar = "LIST",
	 .def = "all",
	 .help = "RX queues to serve",
	 .max = XL_MAX_QUEUES - 1},
	{.name = "rule",
	 .short_name = 'r',
	 .kind = XL_OPT_STRV,
	 .offset = O(rules),
	 .metavar = "RULE",
	 .help = "steering rule to install at start"},
	{.name = "hot-threshold",
	 .kind = XL_OPT_UINT,
	 .offset = O(hot_threshold),
	 .metavar = "PPS",
	 .def = "0",
	 .help = "promote unmatched flows above PPS packets/s; 0: off",
	 .max = 1000000000ULL,
	 .flags = XL_OPT_F_SI},
	{.name = "hot-idle",
	 .kind = XL_OPT_UINT,
	 .offset = O(hot_idle),
	 .metavar = "MS",
	 .def = "5000",
	 .help = "demote hot flows idle this many milliseconds",
	 .min = 1,
	 .max = 3600000},
	{.name = "handler",
	 .short_name = 'H',
	 .kind = XL_OPT_ENUM,
	 .offset = O(handler),
	 .metavar = "NAME",
	 .def = "echo",
	 .help = "what workers do with packets",
	 .enums = handler_enum},
	{.name = "busy-poll",
	 .kind = XL_OPT_FLAG,
	 .offset = O(busy_poll),
	 .help = "busy-poll the sockets"},
	{.name = "busy-poll-budget",
	 .kind = XL_OPT_UINT,
	 .offset = O(busy_poll_budget),
	 .metavar = "N",
	 .def = "64",
	 .help = "packets per busy-poll round",
	 .min = 1,
	 .max = 65535},
	{.name = "busy-poll-idle-us",
	 .kind = XL_OPT_UINT,
	 .offset = O(busy_poll_idle),
	 .metavar = "US",
	 .def = "0",
	 .help = "with --busy-poll: a worker idle this many microseconds sleeps until its next "
		 "frame; 0: never sleeps",
	 .max = 10000000},
	{.name = "cpus",
	 .short_name = 'c',
	 .kind = XL_OPT_LIST,
	 .offset = O(cpus),
	 .metavar = "LIST",
	 .def = "all",
	 .help = "worker CPUs (all: the NIC's NUMA node)",
	 .max = 4095},
	{.name = "rx-ring",
	 .kind = XL_OPT_UINT,
	 .offset = O(rx_ring),
	 .metavar = "N",
	 .def = "2048",
	 .help = "RX ring entries",
	 .min = 64,
	 .max = 32768,
	 .flags = XL_OPT_F_POW2},
	{.name = "tx-ring",
	 .kind = XL_OPT_UINT,
	 .offset = O(tx_ring),
	 .metavar = "N",
	 .def = "2048",
	 .help = "TX ring entries",
	 .min = 64,
	 .max = 32768,
	 .flags = XL_OPT_F_POW2},
	{.name = "fill-ring",
	 .kind = XL_OPT_UINT,
	 .offset = O(fill_ring),
	 .metavar = "N",
	 .def = "auto",
	 .help = "fill ring entries (auto: twice the RX ring)",
	 .min = 64,
	 .max = 65536,
	 .flags = XL_OPT_F_POW2 | XL_OPT_F_AUTO},
	{.name = "comp-ring",
	 .kind = XL_OPT_UINT,
	 .offset = O(comp_ring),
	 .metavar = "N",
	 .def = "auto",
	 .help = "completion ring entries (auto: the TX ring size)",
	 .min = 64,
	 .max = 65536,
	 .flags = XL_OPT_F_POW2 | XL_OPT_F_AUTO},
	{.name = "frame-size",
	 .kind = XL_OPT_UINT,
	 .offset = O(frame_size),
	 .metavar = "N",
	 .def = "4096",
	 .help = "UMEM frame bytes (2048, 4096)",
	 .min = 2048,
	 .max = 4096,
	 .flags = XL_OPT_F_POW2},
	{.name = "frames",
	 .kind = XL_OPT_UINT,
	 .offset = O(frames),
	 .metavar = "N",
	 .def = "auto",
	 .help = "UMEM frames (auto: per queue, the fill ring plus the TX ring)",
	 .min = 64,
	 .max = 16777216,
	 .flags = XL_OPT_F_AUTO},
	{.name = "xdp-mode",
	 .kind = XL_OPT_ENUM,
	 .offset = O(xdp_mode),
	 .metavar = "MODE",
	 .def = "auto",
	 .help = "XDP attach mode",
	 .enums = xdp_mode_enum},
	{.name = "bind-mode",
	 .kind = XL_OPT_ENUM,
	 .offset = O(bind_mode),
	 .metavar = "MODE",
	 .def = "auto",
	 .help = "AF_XDP bind mode",
	 .enums = bind_mode_enum},
	{.name = "hugepages",
	 .kind = XL_OPT_FLAG,
	 .offset = O(hugepages),
	 .help = "require 2 MiB hugepages for the UMEM"},
	{.name = "fwd",
	 .kind = XL_OPT_STR,
	 .offset = O(fwd),
	 .metavar = "IFACE",
	 .help = "interface for the fwd handler"},
	{.name = "ntuple-queue",
	 .kind = XL_OPT_STR,
	 .offset = O(ntuple_queue),
	 .metavar = "Q",
	 .help = "pin the exact and port rules to served queue Q with ethtool ntuple filters"},
	{.name = "rx-stamp",
	 .kind = XL_OPT_FLAG,
	 .offset = O(rx_stamp),
	 .help = "stamp steered frames in XDP (RX metadata kfunc, else ktime; native XDP only)"},
	{NULL},
};
#undef O

static void on_ready(void *ctx, const struct xl_run_info *info)
{
	unsigned int i;

	(void)ctx;
	if (info->attach_fallback)
		xl_warn("run: native XDP attach failed on %s (%s); using generic (skb) mode, which "
			"is slower",
			info->ifname, info->attach_note ? info->attach_note : "?");
	printf("xlane: serving %s (ifindex %u): XDP %s via %s; UMEM %u frames x %u B on %s, "
	       "NIC node %d\n",
	       info->ifname, info->ifindex, xl_attach_mode_name(info->attach_mode),
	       info->attach_method == XL_METHOD_DISPATCHER ? "libxdp dispatcher" : "bpf_link",
	       info->n_frames, info->frame_size,
	       info->umem_huge ? "2 MiB hugepages" : "4 KiB pages", info->nic_node);
	if (info->rx_stamp)
		printf("xlane: RX stamps on: xl_steer_ts bound to %s writes struct xl_rx_meta in "
		       "front of every steered frame\n",
		       info->ifname);
	for (i = 0; i < info->n_queues; i++) {
		const char *note = info->bind_notes ? info->bind_notes[i] : NULL;

		printf("xlane: queue %u: %s%s%s%s\n", info->queues[i],
		       xl_bind_mode_name(info->bind_modes[i]), note && *note ? " (zero-copy: " : "",
		       note && *note ? note : "", note && *note ? ")" : "");
	}
	{
		char caps[256]; /* on_ready runs in the daemon's thread, after its drop */

		printf("xlane: capabilities kept: %s\n",
		       xl_caps_describe(caps, sizeof(caps)) ? "?" : caps);
	}
	if (info->ntuple)
		printf("xlane: ntuple: %u filter%s pin the rules to queue %u\n", info->n_ntuple,
		       info->n_ntuple == 1 ? "" : "s", info->ntuple_queue);
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
	if (o->busy_poll_idle && !o->busy_poll) {
		xl_err("run: --busy-poll-idle-us %llu is only used with --busy-poll",
		       o->busy_poll_idle);
		return XL_CLI_EUSAGE;
	}
	if (o->rules.n) {
		rules = calloc(o->rules.n, sizeof(*rules));
		if (!rules)
			return -ENOMEM;
	}
	for (i = 0; i < o->rules.n; i++) {
		char *const word[1] = {(char *)o->rules.v[i]};

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
	rc.busy_poll_idle_us = (unsigned int)o->busy_poll_idle;
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
	rc.n_frames = (unsigned int)o->frames;
	rc.xdp_mode = (enum xl_xdp_mode)o->xdp_mode;
	rc.bind_mode = (enum xl_bind_mode)o->bind_mode;
	rc.hugepages = o->hugepages;
	rc.rx_stamp = o->rx_stamp;
	rc.rules = rules;
	rc.n_rules = o->rules.n;
	if (o->ntuple_queue) {
		char *end;
		unsigned long q;

		errno = 0;
		q = strtoul(o->ntuple_queue, &end, 10);
		if (!*o->ntuple_queue || *end || errno || o->ntuple_queue[0] == '-' ||
		    q >= XL_MAX_QUEUES) {
			xl_err("run: --ntuple-queue '%s': not a queue number (0-%d)",
			       o->ntuple_queue, XL_MAX_QUEUES - 1);
			ret = -EINVAL;
			goto out;
		}
		rc.ntuple = true;
		rc.ntuple_queue = (unsigned int)q;
	}
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
