// SPDX-License-Identifier: BSD-2-Clause
/* xlane rule add|del|list IFACE: steering rules of a running instance (control.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "control.h"
#include "log.h"
#include "rules_text.h"

struct rule_opts {
	const char *iface;
	struct xl_cli_strv words;
	bool json;
};

static const struct xl_positional rule_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct rule_opts, iface), "interface of the instance"},
	{"RULE", XL_POS_REST, offsetof(struct rule_opts, words),
	 "the rule, as one quoted word or several (see xlane(8), RULE SYNTAX)"},
	{NULL},
};

static const struct xl_positional rule_del_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct rule_opts, iface), "interface of the instance"},
	{"RULE", XL_POS_REST, offsetof(struct rule_opts, words),
	 "the rule to remove (same match), or 'id N'"},
	{NULL},
};

static const struct xl_positional list_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct rule_opts, iface), "interface of the instance"},
	{NULL},
};

static const struct xl_option list_opts[] = {
	{.name = "json",
	 .short_name = 'j',
	 .kind = XL_OPT_FLAG,
	 .offset = offsetof(struct rule_opts, json),
	 .help = "print a JSON array"},
	{NULL},
};

/* The installed rules (heap array in *out), or -errno after printing why. */
static int fetch_rules(struct xl_control *ctl, const char *cmd, struct xl_rule_spec **out)
{
	struct xl_rule_spec *v = NULL, *nv;
	unsigned int cap = 0;
	int n;

	for (;;) {
		n = xl_control_rule_list(ctl, v, cap);
		if (n < 0) {
			xl_log_errno(n, "%s: listing rules", cmd);
			free(v);
			return n;
		}
		if ((unsigned int)n <= cap)
			break;
		cap = (unsigned int)n + 16;
		nv = realloc(v, cap * sizeof(*v));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
	}
	*out = v;
	return n;
}

static bool same_match(const struct xl_rule_spec *a, const struct xl_rule_spec *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case XL_RULE_EXACT:
		return a->family == b->family && a->proto == b->proto && a->sport == b->sport &&
		       a->dport == b->dport && !memcmp(a->saddr, b->saddr, 16) &&
		       !memcmp(a->daddr, b->daddr, 16);
	case XL_RULE_PORT:
		if (a->proto != b->proto || a->dport != b->dport || !a->has_daddr != !b->has_daddr)
			return false;
		return !a->has_daddr || (a->family == b->family && !memcmp(a->daddr, b->daddr, 16));
	case XL_RULE_PREFIX:
		return a->family == b->family && a->prefix_len == b->prefix_len &&
		       !memcmp(a->daddr, b->daddr, a->family == AF_INET ? 4 : 16);
	default:
		return false;
	}
}

static int rule_add(const void *cfgp)
{
	const struct rule_opts *o = cfgp;
	struct xl_rule_spec r, *have = NULL;
	struct xl_control *ctl = NULL;
	char text[256];
	int ret, n, i;
	uint32_t id;

	ret = xl_cli_parse_rule("rule add", (int)o->words.n, (char *const *)o->words.v, &r);
	if (ret)
		return ret;
	ret = xl_cli_control_open("rule add", o->iface, &ctl);
	if (ret)
		return ret;
	n = fetch_rules(ctl, "rule add", &have);
	if (n < 0) {
		ret = n;
		goto out;
	}
	if (r.id == XL_RULE_ID_NONE) {
		/* replacing a rule keeps its id; a new rule gets the lowest free one */
		for (i = 0; i < n && !same_match(&have[i], &r); i++)
			;
		if (i < n) {
			r.id = have[i].id;
		} else {
			for (id = 0; id < XL_RULE_ID_MAX; id++) {
				for (i = 0; i < n && have[i].id != id; i++)
					;
				if (i == n)
					break;
			}
			r.id = id;
		}
	}
	ret = xl_control_rule_add(ctl, &r);
	xl_rule_format(&r, text, sizeof(text));
	if (ret == -EEXIST)
		xl_err("rule add: %s: id %u is used by another rule", o->iface, r.id);
	else if (ret == -ENOSPC)
		xl_err("rule add: %s: the %s rule map is full", o->iface,
		       xl_rule_kind_name(r.kind));
	else if (ret)
		xl_log_errno(ret, "rule add: %s: %s", o->iface, text);
	else
		printf("added on %s: %s\n", o->iface, text);
out:
	free(have);
	xl_control_close(ctl);
	return ret;
}

static int rule_del(const void *cfgp)
{
	const struct rule_opts *o = cfgp;
	struct xl_rule_spec r, *have = NULL;
	struct xl_control *ctl = NULL;
	unsigned long long id = 0;
	char text[256];
	bool by_id;
	int ret, n, i;

	by_id = o->words.n == 2 && !strcmp(o->words.v[0], "id");
	if (by_id) {
		if (xl_cli_uint_parse(o->words.v[1], false, &id) || id >= XL_RULE_ID_MAX) {
			xl_err("rule del: expected a rule id (0-%u), got '%s'", XL_RULE_ID_MAX - 1,
			       o->words.v[1]);
			return XL_CLI_EUSAGE;
		}
	} else {
		ret = xl_cli_parse_rule("rule del", (int)o->words.n, (char *const *)o->words.v, &r);
		if (ret)
			return ret;
	}
	ret = xl_cli_control_open("rule del", o->iface, &ctl);
	if (ret)
		return ret;
	if (!by_id) {
		n = fetch_rules(ctl, "rule del", &have);
		if (n < 0) {
			ret = n;
			goto out;
		}
		for (i = 0; i < n && !same_match(&have[i], &r); i++)
			;
		if (i == n) {
			xl_rule_format(&r, text, sizeof(text));
			xl_err("rule del: %s: no such rule: %s", o->iface, text);
			ret = -ENOENT;
			goto out;
		}
		r = have[i];
		id = r.id;
	}
	ret = xl_control_rule_del(ctl, (uint32_t)id);
	if (ret == -ENOENT)
		xl_err("rule del: %s: no rule with id %llu", o->iface, id);
	else if (ret)
		xl_log_errno(ret, "rule del: %s", o->iface);
	else if (by_id)
		printf("deleted on %s: id %llu\n", o->iface, id);
	else if (xl_rule_format(&r, text, sizeof(text)) >= 0)
		printf("deleted on %s: %s\n", o->iface, text);
out:
	free(have);
	xl_control_close(ctl);
	return ret;
}

static int rule_list(const void *cfgp)
{
	const struct rule_opts *o = cfgp;
	struct xl_rule_spec *have = NULL;
	struct xl_control *ctl = NULL;
	char text[256];
	int ret, n, i;

	ret = xl_cli_control_open("rule list", o->iface, &ctl);
	if (ret)
		return ret;
	n = fetch_rules(ctl, "rule list", &have);
	if (n < 0) {
		ret = n;
		goto out;
	}
	if (o->json)
		printf("[");
	for (i = 0; i < n; i++) {
		if (xl_rule_format(&have[i], text, sizeof(text)) < 0)
			snprintf(text, sizeof(text), "? (kind %u)", have[i].kind);
		if (o->json)
			/* the canonical text has no quote or backslash: no escaping needed */
			printf("%s{\"id\":%u,\"kind\":\"%s\",\"action\":\"%s\",\"rule\":\"%s\","
			       "\"hits\":%llu}",
			       i ? "," : "", have[i].id, xl_rule_kind_name(have[i].kind),
			       have[i].action == XL_ACT_FAST ? "fast" : "pass", text,
			       (unsigned long long)have[i].hits);
		else
			printf("%s  # hits %llu\n", text, (unsigned long long)have[i].hits);
	}
	if (o->json)
		printf("]\n");
out:
	free(have);
	xl_control_close(ctl);
	return ret;
}

const struct xl_command xl_cmd_rule_add = {
	.group = "rule",
	.name = "add",
	.summary = "add (or replace) a steering rule in the instance running on IFACE",
	.args = rule_args,
	.opts = NULL,
	.cfg_size = sizeof(struct rule_opts),
	.run = rule_add,
};

const struct xl_command xl_cmd_rule_del = {
	.group = "rule",
	.name = "del",
	.summary = "remove a steering rule (by its match, or 'id N')",
	.args = rule_del_args,
	.opts = NULL,
	.cfg_size = sizeof(struct rule_opts),
	.run = rule_del,
};

const struct xl_command xl_cmd_rule_list = {
	.group = "rule",
	.name = "list",
	.summary = "list the steering rules with their hit counters",
	.args = list_args,
	.opts = list_opts,
	.cfg_size = sizeof(struct rule_opts),
	.run = rule_list,
};
