// SPDX-License-Identifier: BSD-2-Clause
/* Declarative option tables: parsing, defaults and generated --help (see options.h). */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int set_err(struct xl_opts_err *err, int index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct xl_opts_err *err, int index, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->index = index;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *xl_cmd_fullname(const struct xl_command *cmd, char *buf, size_t len)
{
	if (cmd->group)
		snprintf(buf, len, "%s %s", cmd->group, cmd->name);
	else
		snprintf(buf, len, "%s", cmd->name);
	return buf;
}

const char *xl_opt_default_text(const struct xl_option *opt)
{
	if (opt->def)
		return opt->def;
	return opt->kind == XL_OPT_FLAG ? "off" : "none";
}

int xl_cli_uint_parse(const char *s, bool allow_suffix, unsigned long long *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	if (*end && allow_suffix && !end[1]) {
		switch (*end) {
		case 'k':
		case 'K':
			mul = 1000ULL;
			break;
		case 'm':
		case 'M':
			mul = 1000000ULL;
			break;
		case 'g':
		case 'G':
			mul = 1000000000ULL;
			break;
		default:
			return -EINVAL;
		}
		end++;
	}
	if (*end)
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* Parse one decimal entry of a list; *endp is left after it. */
static int list_entry(const char *s, const char **endp, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > 0xffffffffULL)
			return -ERANGE;
		p++;
	}
	*endp = p;
	*out = v;
	return v > max ? -ERANGE : 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int xl_cli_list_parse(const char *s, unsigned long long max, struct xl_cli_list *out,
		      const char **bad)
{
	const char *p = s, *start;
	unsigned long long lo, hi, v;
	unsigned int i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (bad)
		*bad = s;
	if (!strcmp(s, "all")) {
		out->all = true;
		return 0;
	}
	for (;;) {
		start = p;
		if (bad)
			*bad = start;
		ret = list_entry(p, &p, max, &lo);
		if (ret)
			return ret;
		hi = lo;
		if (*p == '-') {
			if (bad)
				*bad = p + 1;
			ret = list_entry(p + 1, &p, max, &hi);
			if (ret)
				return ret;
			if (hi < lo) {
				if (bad)
					*bad = start;
				return -EINVAL;
			}
		}
		if (hi - lo + 1 > XL_CLI_LIST_MAX - out->n)
			return -E2BIG;
		for (v = lo; v <= hi; v++)
			out->v[out->n++] = (unsigned int)v;
		if (*p == '\0')
			break;
		if (*p != ',') {
			if (bad)
				*bad = p;
			return -EINVAL;
		}
		p++;
	}
	qsort(out->v, out->n, sizeof(out->v[0]), cmp_uint);
	for (i = 1; i < out->n; i++) {
		if (out->v[i] == out->v[i - 1]) {
			if (bad)
				*bad = s;
			return -EINVAL;
		}
	}
	if (bad)
		*bad = NULL;
	return 0;
}

static int strv_push(struct xl_cli_strv *sv, const char *s)
{
	const char **nv;

	nv = realloc(sv->v, (sv->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	nv[sv->n++] = s;
	sv->v = nv;
	return 0;
}

/* Store @val into the option's field. @index is the argv index for error messages. */
static int set_value(const struct xl_option *o, const char *val, void *cfg, int index,
		     struct xl_opts_err *err)
{
	char *field = (char *)cfg + o->offset;
	unsigned long long v;
	const struct xl_opt_enum *e;
	const char *bad;
	int ret;

	switch (o->kind) {
	case XL_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case XL_OPT_UINT:
		if ((o->flags & XL_OPT_F_AUTO) && !strcmp(val, "auto")) {
			*(unsigned long long *)field = 0;
			return 0;
		}
		ret = xl_cli_uint_parse(val, o->flags & XL_OPT_F_SI, &v);
		if (ret == -ERANGE || (!ret && ((o->max && v > o->max) || v < o->min))) {
			if (o->max)
				return set_err(err, index, "--%s: '%s' is out of range (%llu-%llu)",
					       o->name, val, o->min, o->max);
			return set_err(err, index, "--%s: '%s' is out of range", o->name, val);
		}
		if (ret)
			return set_err(err, index, "--%s: '%s' is not a number", o->name, val);
		if ((o->flags & XL_OPT_F_POW2) && (v & (v - 1)))
			return set_err(err, index, "--%s: '%s' is not a power of two", o->name,
				       val);
		*(unsigned long long *)field = v;
		return 0;
	case XL_OPT_STR:
		if (!*val)
			return set_err(err, index, "--%s: empty value", o->name);
		*(const char **)field = val;
		return 0;
	case XL_OPT_ENUM:
		for (e = o->enums; e && e->name; e++) {
			if (!strcmp(e->name, val)) {
				*(int *)field = e->value;
				return 0;
			}
		}
		return set_err(err, index, "--%s: unknown value '%s' (see --help)", o->name, val);
	case XL_OPT_LIST:
		ret = xl_cli_list_parse(val, o->max, (struct xl_cli_list *)field, &bad);
		if (ret == -ERANGE)
			return set_err(err, index, "--%s: '%s' is out of range at '%s' (%llu-%llu)",
				       o->name, val, bad, o->min, o->max);
		if (ret == -E2BIG)
			return set_err(err, index, "--%s: '%s' has more than %d entries", o->name,
				       val, XL_CLI_LIST_MAX);
		if (ret)
			return set_err(err, index, "--%s: bad list '%s' at '%s'", o->name, val,
				       bad && *bad ? bad : "end");
		return 0;
	case XL_OPT_STRV:
		if (!*val)
			return set_err(err, index, "--%s: empty value", o->name);
		ret = strv_push((struct xl_cli_strv *)field, val);
		if (ret && err) {
			err->index = index;
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		}
		return ret;
	default:
		return set_err(err, index, "--%s: bad option table entry", o->name);
	}
}

static const struct xl_option *find_long(const struct xl_command *cmd, const char *name, size_t len)
{
	const struct xl_option *o;

	for (o = cmd->opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct xl_option *find_short(const struct xl_command *cmd, char c)
{
	const struct xl_option *o;

	for (o = cmd->opts; o && o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* An option word is "--x..." or "-x..." with a letter after the dashes ("->" is not). */
static bool is_long(const char *w)
{
	return w[0] == '-' && w[1] == '-' && isalpha((unsigned char)w[2]);
}

static bool is_short(const char *w)
{
	return w[0] == '-' && isalpha((unsigned char)w[1]);
}

void xl_cmd_cfg_free(const struct xl_command *cmd, void *cfg)
{
	const struct xl_option *o;
	const struct xl_positional *a;
	struct xl_cli_strv *sv;

	if (!cmd || !cfg)
		return;
	for (o = cmd->opts; o && o->name; o++) {
		if (o->kind != XL_OPT_STRV)
			continue;
		sv = (struct xl_cli_strv *)((char *)cfg + o->offset);
		free(sv->v);
		sv->v = NULL;
		sv->n = 0;
	}
	for (a = cmd->args; a && a->name; a++) {
		if (a->kind != XL_POS_REST)
			continue;
		sv = (struct xl_cli_strv *)((char *)cfg + a->offset);
		free(sv->v);
		sv->v = NULL;
		sv->n = 0;
	}
}

static int apply_defaults(const struct xl_command *cmd, void *cfg, struct xl_opts_err *err)
{
	const struct xl_option *o;
	int ret;

	for (o = cmd->opts; o && o->name; o++) {
		if (!o->def && o->kind == XL_OPT_UINT)
			*(unsigned long long *)((char *)cfg + o->offset) = XL_OPT_UNSET;
		if (!o->def || o->kind == XL_OPT_FLAG)
			continue;
		ret = set_value(o, o->def, cfg, -1, err);
		if (ret)
			return ret;
	}
	return 0;
}

int xl_cmd_parse(const struct xl_command *cmd, int argc, char *const argv[], void *cfg,
		 struct xl_opts_err *err)
{
	const struct xl_positional *pos = cmd->args;
	const struct xl_option *o;
	bool dashdash = false;
	const char *w, *val, *eq;
	int i, ret;

	if (err) {
		err->index = -1;
		err->msg[0] = '\0';
	}
	memset(cfg, 0, cmd->cfg_size);

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return XL_OPTS_HELP;
	}

	ret = apply_defaults(cmd, cfg, err);
	if (ret)
		return ret;

	for (i = 0; i < argc; i++) {
		w = argv[i];
		if (!dashdash && !strcmp(w, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && (is_long(w) || is_short(w))) {
			int vidx = i;

			if (is_long(w)) {
				eq = strchr(w + 2, '=');
				o = find_long(cmd, w + 2,
					      eq ? (size_t)(eq - w - 2) : strlen(w + 2));
				if (!o)
					return set_err(err, i, "unknown option '%.*s'",
						       eq ? (int)(eq - w) : (int)strlen(w), w);
				val = eq ? eq + 1 : NULL;
			} else {
				o = find_short(cmd, w[1]);
				if (!o)
					return set_err(err, i, "unknown option '-%c'", w[1]);
				val = w[2] ? w + 2 : NULL;
			}
			if (o->kind == XL_OPT_FLAG) {
				if (val)
					return set_err(err, i, "option '--%s' takes no value",
						       o->name);
			} else if (!val) {
				if (i + 1 >= argc)
					return set_err(err, i, "option '--%s' needs a value (%s)",
						       o->name, o->metavar ? o->metavar : "VALUE");
				val = argv[++i];
				vidx = i;
			}
			ret = set_value(o, val, cfg, vidx, err);
			if (ret)
				return ret;
			continue;
		}
		/* a positional word */
		if (!pos || !pos->name)
			return set_err(err, i, "unexpected argument '%s'", w);
		if (pos->kind == XL_POS_STR) {
			if (!*w)
				return set_err(err, i, "%s: empty value", pos->name);
			*(const char **)((char *)cfg + pos->offset) = w;
			pos++;
		} else {
			ret = strv_push((struct xl_cli_strv *)((char *)cfg + pos->offset), w);
			if (ret) {
				if (err) {
					err->index = i;
					snprintf(err->msg, sizeof(err->msg), "out of memory");
				}
				return ret;
			}
		}
	}
	if (pos && pos->name) {
		if (pos->kind == XL_POS_REST &&
		    ((struct xl_cli_strv *)((char *)cfg + pos->offset))->n > 0)
			return 0;
		return set_err(err, -1, "missing argument %s", pos->name);
	}
	return 0;
}

void xl_cmd_help(FILE *f, const char *prog, const struct xl_command *cmd)
{
	const struct xl_positional *a;
	const struct xl_option *o;
	const struct xl_opt_enum *e;
	char name[64], left[64];

	xl_cmd_fullname(cmd, name, sizeof(name));
	fprintf(f, "Usage: %s %s", prog, name);
	for (a = cmd->args; a && a->name; a++)
		fprintf(f, a->kind == XL_POS_REST ? " %s..." : " %s", a->name);
	if (cmd->opts && cmd->opts->name)
		fprintf(f, " [OPTIONS]");
	fprintf(f, "\n%s\n", cmd->summary);
	if (cmd->args && cmd->args->name) {
		fprintf(f, "\nArguments:\n");
		for (a = cmd->args; a && a->name; a++)
			fprintf(f, "  %-26s %s\n", a->name, a->help);
	}
	fprintf(f, "\nOptions:\n");
	for (o = cmd->opts; o && o->name; o++) {
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 o->metavar ? " " : "", o->metavar ? o->metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
		fprintf(f, "  %-26s %s%s (default: %s)\n", left, o->help,
			o->kind == XL_OPT_STRV ? "; repeatable" : "", xl_opt_default_text(o));
		for (e = o->enums; o->kind == XL_OPT_ENUM && e && e->name; e++)
			fprintf(f, "  %-26s   %-8s %s\n", "", e->name, e->help);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "show this help and exit");
	fprintf(f, "\nSee xlane(8) for details and exit codes.\n");
}
