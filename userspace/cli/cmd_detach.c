// SPDX-License-Identifier: BSD-2-Clause
/* xlane detach IFACE: remove what xlane left behind (its own program and pins only). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "control.h"
#include "log.h"

struct detach_opts {
	const char *iface;
};

static const struct xl_positional detach_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct detach_opts, iface), "the interface"},
	{NULL},
};

static int detach_run(const void *cfgp)
{
	const struct detach_opts *o = cfgp;
	int ret;

	ret = xl_cli_check_iface("detach", o->iface);
	if (ret < 0)
		return ret;
	ret = xl_detach_iface(o->iface);
	if (ret == -EBUSY) {
		xl_err("detach: %s: a live 'xlane run' still holds it; stop it with SIGINT or "
		       "SIGTERM",
		       o->iface);
		return ret;
	}
	if (ret < 0) {
		xl_log_errno(ret, "detach: %s", o->iface);
		return ret;
	}
	if (ret > 0)
		printf("detached xlane from %s\n", o->iface);
	else
		printf("nothing of xlane's on %s\n", o->iface);
	return 0;
}

const struct xl_command xl_cmd_detach = {
	.name = "detach",
	.summary = "remove xlane's program and pins from IFACE (never another program)",
	.args = detach_args,
	.opts = NULL,
	.cfg_size = sizeof(struct detach_opts),
	.run = detach_run,
};
