// SPDX-License-Identifier: BSD-2-Clause
/* xlane hot set|show IFACE: hot-flow detection of a running instance (control.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "control.h"
#include "log.h"

struct hot_opts {
	const char *iface;
	unsigned long long threshold;
	unsigned long long idle;
	unsigned long long window;
	bool json;
};

static const struct xl_positional hot_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct hot_opts, iface), "interface of the instance"},
	{NULL},
};

#define O(f) offsetof(struct hot_opts, f)
static const struct xl_option hot_set_opts[] = {
	{.name = "threshold",
	 .short_name = 't',
	 .kind = XL_OPT_UINT,
	 .offset = O(threshold),
	 .metavar = "PPS",
	 .help = "promote unmatched flows above PPS packets/s; 0: off",
	 .max = 1000000000ULL,
	 .flags = XL_OPT_F_SI},
	{.name = "idle",
	 .kind = XL_OPT_UINT,
	 .offset = O(idle),
	 .metavar = "MS",
	 .help = "demote hot flows idle this many milliseconds",
	 .min = 1,
	 .max = 3600000},
	{.name = "window",
	 .kind = XL_OPT_UINT,
	 .offset = O(window),
	 .metavar = "MS",
	 .help = "rate measurement window",
	 .min = 1,
	 .max = 60000},
	{NULL},
};

static const struct xl_option hot_show_opts[] = {
	{.name = "json",
	 .short_name = 'j',
	 .kind = XL_OPT_FLAG,
	 .offset = O(json),
	 .help = "print JSON"},
	{NULL},
};
#undef O

static void print_cfg(const struct xl_hot_config *c, const char *iface)
{
	if (c->enabled)
		printf("hot flows on %s: on, threshold %llu pps, window %u ms, idle %u ms\n", iface,
		       (unsigned long long)c->threshold_pps, c->window_ms, c->idle_ms);
	else
		printf("hot flows on %s: off (window %u ms, idle %u ms)\n", iface, c->window_ms,
		       c->idle_ms);
}

static int hot_set(const void *cfgp)
{
	const struct hot_opts *o = cfgp;
	struct xl_control *ctl = NULL;
	struct xl_hot_config c;
	int ret;

	if (o->threshold == XL_OPT_UNSET && o->idle == XL_OPT_UNSET && o->window == XL_OPT_UNSET) {
		xl_err("hot set: nothing to change: give --threshold, --idle or --window "
		       "(see 'xlane hot set --help')");
		return XL_CLI_EUSAGE;
	}
	ret = xl_cli_control_open("hot set", o->iface, &ctl);
	if (ret)
		return ret;
	memset(&c, 0, sizeof(c));
	c.sz = sizeof(c);
	ret = xl_control_hot_get(ctl, &c);
	if (ret) {
		xl_log_errno(ret, "hot set: %s: reading the settings", o->iface);
		goto out;
	}
	if (o->threshold != XL_OPT_UNSET) {
		c.enabled = o->threshold != 0;
		if (o->threshold)
			c.threshold_pps = o->threshold;
	}
	if (o->idle != XL_OPT_UNSET)
		c.idle_ms = (uint32_t)o->idle;
	if (o->window != XL_OPT_UNSET)
		c.window_ms = (uint32_t)o->window;
	ret = xl_control_hot_set(ctl, &c);
	if (ret) {
		xl_log_errno(ret, "hot set: %s", o->iface);
		goto out;
	}
	print_cfg(&c, o->iface);
out:
	xl_control_close(ctl);
	return ret;
}

static const char *flow_text(const struct xl_hot_flow *f, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = f->family == AF_INET6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, f->saddr, s, sizeof(s)) || !inet_ntop(af, f->daddr, d, sizeof(d)))
		snprintf(buf, len, "?");
	else if (af == AF_INET6)
		snprintf(buf, len, "flow %s [%s]:%u -> [%s]:%u", f->proto == 6 ? "tcp" : "udp", s,
			 f->sport, d, f->dport);
	else
		snprintf(buf, len, "flow %s %s:%u -> %s:%u", f->proto == 6 ? "tcp" : "udp", s,
			 f->sport, d, f->dport);
	return buf;
}

static int hot_show(const void *cfgp)
{
	const struct hot_opts *o = cfgp;
	struct xl_hot_flow *flows = NULL, *nf;
	struct xl_control *ctl = NULL;
	struct xl_hot_config c;
	unsigned int cap = 0;
	char text[160];
	int ret, n, i;

	ret = xl_cli_control_open("hot show", o->iface, &ctl);
	if (ret)
		return ret;
	memset(&c, 0, sizeof(c));
	c.sz = sizeof(c);
	ret = xl_control_hot_get(ctl, &c);
	if (ret) {
		xl_log_errno(ret, "hot show: %s", o->iface);
		goto out;
	}
	for (;;) {
		n = xl_control_hot_list(ctl, flows, cap);
		if (n < 0) {
			ret = n;
			xl_log_errno(ret, "hot show: %s: listing the hot set", o->iface);
			goto out;
		}
		if ((unsigned int)n <= cap)
			break;
		cap = (unsigned int)n + 64;
		nf = realloc(flows, cap * sizeof(*flows));
		if (!nf) {
			ret = -ENOMEM;
			goto out;
		}
		flows = nf;
	}
	if (o->json) {
		printf("{\"enabled\":%s,\"threshold_pps\":%llu,\"window_ms\":%u,\"idle_ms\":%u,"
		       "\"flows\":[",
		       c.enabled ? "true" : "false", (unsigned long long)c.threshold_pps,
		       c.window_ms, c.idle_ms);
		for (i = 0; i < n; i++)
			printf("%s{\"flow\":\"%s\",\"last_seen_ns\":%llu,\"promoted_ns\":%llu}",
			       i ? "," : "", flow_text(&flows[i], text, sizeof(text)),
			       (unsigned long long)flows[i].last_seen_ns,
			       (unsigned long long)flows[i].promoted_ns);
		printf("]}\n");
	} else {
		print_cfg(&c, o->iface);
		printf("%d flow%s in the hot set\n", n, n == 1 ? "" : "s");
		for (i = 0; i < n; i++)
			printf("  %s\n", flow_text(&flows[i], text, sizeof(text)));
	}
out:
	free(flows);
	xl_control_close(ctl);
	return ret;
}

const struct xl_command xl_cmd_hot_set = {
	.group = "hot",
	.name = "set",
	.summary = "change the hot-flow detection of the instance running on IFACE",
	.args = hot_args,
	.opts = hot_set_opts,
	.cfg_size = sizeof(struct hot_opts),
	.run = hot_set,
};

const struct xl_command xl_cmd_hot_show = {
	.group = "hot",
	.name = "show",
	.summary = "show the hot-flow settings and the flows in the hot set",
	.args = hot_args,
	.opts = hot_show_opts,
	.cfg_size = sizeof(struct hot_opts),
	.run = hot_show,
};
