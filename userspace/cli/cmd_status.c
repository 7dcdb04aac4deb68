// SPDX-License-Identifier: BSD-2-Clause
/* xlane status IFACE: is an instance attached, and how. Exit 0 when it is, 1 when not. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "control.h"
#include "internal.h" /* xl_control_owner_pid() */
#include "log.h"

struct status_opts {
	const char *iface;
};

static const struct xl_positional status_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct status_opts, iface), "the interface"},
	{NULL},
};

static int status_run(const void *cfgp)
{
	const struct status_opts *o = cfgp;
	struct xl_stats_snapshot *snap = NULL;
	struct xl_control *ctl = NULL;
	struct xl_hot_config hot;
	unsigned int i;
	int ret, n_rules;

	ret = xl_cli_check_iface("status", o->iface);
	if (ret < 0)
		return ret;
	ret = xl_control_open(o->iface, &ctl);
	if (ret == -ENOENT) {
		printf("%s: xlane is not running\n", o->iface);
		return ret;
	}
	if (ret)
		return xl_cli_control_open("status", o->iface, &ctl); /* prints why */
	snap = calloc(1, sizeof(*snap));
	if (!snap) {
		ret = -ENOMEM;
		goto out;
	}
	snap->sz = sizeof(*snap);
	ret = xl_stats_read(ctl, snap);
	if (ret) {
		xl_log_errno(ret, "status: %s", o->iface);
		goto out;
	}
	if (!xl_control_owner_pid(o->iface)) {
		printf("%s: xlane is not running (pins of pid %d were left behind; 'xlane detach "
		       "%s' removes them)\n",
		       o->iface, snap->pid, o->iface);
		ret = -ENOENT;
		goto out;
	}
	n_rules = xl_control_rule_list(ctl, NULL, 0);
	memset(&hot, 0, sizeof(hot));
	hot.sz = sizeof(hot);
	printf("%s: xlane running (pid %d): XDP %s via %s%s, %u queue%s:", o->iface, snap->pid,
	       xl_attach_mode_name(snap->attach_mode),
	       snap->attach_method == XL_METHOD_DISPATCHER ? "libxdp dispatcher" : "bpf_link",
	       snap->attach_fallback ? " (fallback)" : "", snap->n_queues,
	       snap->n_queues == 1 ? "" : "s");
	for (i = 0; i < snap->n_queues && i < XL_MAX_QUEUES; i++)
		printf(" %u/%s", snap->q[i].queue, xl_bind_mode_name(snap->q[i].bind_mode));
	printf(", %d rule%s", n_rules < 0 ? 0 : n_rules, n_rules == 1 ? "" : "s");
	if (!xl_control_hot_get(ctl, &hot))
		printf(hot.enabled ? ", hot flows at %llu pps\n" : ", hot flows off\n",
		       (unsigned long long)hot.threshold_pps);
	else
		printf("\n");
out:
	free(snap);
	xl_control_close(ctl);
	return ret;
}

const struct xl_command xl_cmd_status = {
	.name = "status",
	.summary = "say whether and how xlane runs on IFACE (exit 1 when it does not)",
	.args = status_args,
	.opts = NULL,
	.cfg_size = sizeof(struct status_opts),
	.run = status_run,
};
