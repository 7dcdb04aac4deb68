// SPDX-License-Identifier: BSD-2-Clause
/* xlane stats IFACE: statistics of a running instance as a table, JSON or Prometheus. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "control.h"
#include "log.h"
#include "stats_fmt.h"

struct stats_opts {
	const char *iface;
	bool json;
	const char *prometheus;
	unsigned long long watch;
	unsigned long long count;
};

static const struct xl_positional stats_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct stats_opts, iface), "interface of the instance"},
	{NULL},
};

#define O(f) offsetof(struct stats_opts, f)
static const struct xl_option stats_opts_table[] = {
	{.name = "json",
	 .short_name = 'j',
	 .kind = XL_OPT_FLAG,
	 .offset = O(json),
	 .help = "print one JSON object"},
	{.name = "prometheus",
	 .short_name = 'p',
	 .kind = XL_OPT_STR,
	 .offset = O(prometheus),
	 .metavar = "FILE",
	 .help = "also write FILE in the Prometheus text format (atomically)"},
	{.name = "watch",
	 .short_name = 'w',
	 .kind = XL_OPT_UINT,
	 .offset = O(watch),
	 .metavar = "SECS",
	 .def = "0",
	 .help = "repeat every SECS seconds; 0: once",
	 .max = 86400},
	{.name = "count",
	 .short_name = 'n',
	 .kind = XL_OPT_UINT,
	 .offset = O(count),
	 .metavar = "N",
	 .def = "0",
	 .help = "with --watch, stop after N rounds; 0: until interrupted",
	 .max = 1000000000ULL},
	{NULL},
};
#undef O

/* Sleep @secs unless a signal asks to stop; returns false when stopping. */
static bool nap(unsigned long long secs)
{
	struct timespec ts = {.tv_sec = (time_t)secs, .tv_nsec = 0};

	while (!xl_cli_stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
	return !xl_cli_stop;
}

static int stats_run(const void *cfgp)
{
	const struct stats_opts *o = cfgp;
	struct xl_stats_snapshot *snap;
	struct xl_control *ctl = NULL;
	unsigned long long round;
	int ret;

	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	ret = xl_cli_control_open("stats", o->iface, &ctl);
	if (ret)
		goto out;
	xl_cli_stop = 0;
	if (o->watch)
		xl_cli_catch_signals();
	for (round = 1;; round++) {
		memset(snap, 0, sizeof(*snap));
		snap->sz = sizeof(*snap);
		ret = xl_stats_read(ctl, snap);
		if (ret == -ENOENT) {
			xl_err("stats: %s: the instance went away", o->iface);
			break;
		}
		if (ret) {
			xl_log_errno(ret, "stats: %s: reading", o->iface);
			break;
		}
		ret = o->json ? xl_stats_fmt_json(stdout, snap) : xl_stats_fmt_table(stdout, snap);
		if (ret) {
			xl_log_errno(ret, "stats: writing to stdout");
			break;
		}
		if (o->prometheus) {
			ret = xl_stats_write_prometheus(o->prometheus, snap);
			if (ret) {
				xl_log_errno(ret, "stats: --prometheus %s", o->prometheus);
				break;
			}
		}
		fflush(stdout);
		if (!o->watch || (o->count && round >= o->count) || !nap(o->watch))
			break;
		if (!o->json)
			printf("\n");
	}
out:
	xl_control_close(ctl);
	free(snap);
	return ret;
}

const struct xl_command xl_cmd_stats = {
	.name = "stats",
	.summary = "show the statistics of the instance running on IFACE",
	.args = stats_args,
	.opts = stats_opts_table,
	.cfg_size = sizeof(struct stats_opts),
	.run = stats_run,
};
