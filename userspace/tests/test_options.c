// SPDX-License-Identifier: BSD-2-Clause
/*
 * The declarative option tables: every option of every command is documented in xlane.8 with
 * the same default (and nothing documented is missing from the tables), defaults parse, the
 * generated help lists everything, and the parser names the bad token.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

#ifndef XL_MAN_PATH
#error "XL_MAN_PATH must name userspace/cli/xlane.8"
#endif

/* ---- the man page, normalised: font escapes dropped, "\-" -> "-", one entry per line ------- */

static char **man_lines;
static int man_n;

static void normalise(const char *in, char *out, size_t len)
{
	size_t n = 0;

	while (*in && n + 1 < len) {
		if (in[0] == '\\' && in[1] == 'f' && in[2]) {
			in += 3; /* \fB \fI \fR \fP */
		} else if (in[0] == '\\' && in[1] == '-') {
			out[n++] = '-';
			in += 2;
		} else if (in[0] == '"') {
			in++;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

static void load_man(void)
{
	char raw[1024], norm[1024];
	FILE *f = fopen(XL_MAN_PATH, "r");

	cr_assert_not_null(f, "cannot open %s", XL_MAN_PATH);
	while (fgets(raw, sizeof(raw), f)) {
		raw[strcspn(raw, "\n")] = '\0';
		normalise(raw, norm, sizeof(norm));
		man_lines = realloc(man_lines, (size_t)(man_n + 1) * sizeof(*man_lines));
		cr_assert_not_null(man_lines);
		man_lines[man_n] = strdup(norm);
		cr_assert_not_null(man_lines[man_n]);
		man_n++;
	}
	fclose(f);
}

static void free_man(void)
{
	int i;

	for (i = 0; i < man_n; i++)
		free(man_lines[i]);
	free(man_lines);
	man_lines = NULL;
	man_n = 0;
}

static bool is_macro(const char *l, const char *m)
{
	size_t n = strlen(m);

	return !strncmp(l, m, n) && (l[n] == ' ' || l[n] == '\0');
}

/* Index of the ".SS xlane <name>" line, or -1. */
static int man_section(const char *fullname)
{
	char want[96];
	size_t n;
	int i;

	n = (size_t)snprintf(want, sizeof(want), ".SS xlane %s", fullname);
	for (i = 0; i < man_n; i++)
		if (!strncmp(man_lines[i], want, n) &&
		    (man_lines[i][n] == ' ' || man_lines[i][n] == '\0'))
			return i;
	return -1;
}

/* Does @head (an option head line after .TP) name --@name exactly? */
static bool head_names(const char *head, const char *name)
{
	char want[80];
	const char *p = head;
	size_t n;

	n = (size_t)snprintf(want, sizeof(want), "--%s", name);
	while ((p = strstr(p, want))) {
		char after = p[n];

		if (after == '\0' || after == ' ' || after == ',')
			return true;
		p += n;
	}
	return false;
}

/* Body of the option subsection of --@name in the section at @sec, joined; NULL if missing. */
static char *man_option_body(int sec, const char *name, char *head, size_t hlen)
{
	static char body[4096];
	int i, j;

	for (i = sec + 1;
	     i < man_n && !is_macro(man_lines[i], ".SS") && !is_macro(man_lines[i], ".SH"); i++) {
		if (!is_macro(man_lines[i], ".TP") || i + 1 >= man_n ||
		    !head_names(man_lines[i + 1], name))
			continue;
		snprintf(head, hlen, "%s", man_lines[i + 1]);
		body[0] = '\0';
		for (j = i + 2; j < man_n && !is_macro(man_lines[j], ".TP") &&
				!is_macro(man_lines[j], ".SS") && !is_macro(man_lines[j], ".SH") &&
				!is_macro(man_lines[j], ".PP");
		     j++) {
			const char *l = man_lines[j];

			if (l[0] == '.') /* .B word / .BR a b: keep the words */
				l = strchr(l, ' ') ? strchr(l, ' ') + 1 : "";
			strncat(body, l, sizeof(body) - strlen(body) - 2);
			strcat(body, " ");
		}
		return body;
	}
	return NULL;
}

Test(options_man, every_option_is_documented_with_its_default, .init = load_man, .fini = free_man)
{
	const struct xl_command *const *c;
	const struct xl_option *o;
	char name[64], head[512], want[160];
	const char *body;
	int sec, checked = 0;

	for (c = xl_cli_commands; *c; c++) {
		xl_cmd_fullname(*c, name, sizeof(name));
		sec = man_section(name);
		cr_expect_geq(sec, 0, "xlane.8 has no '.SS xlane %s' section", name);
		if (sec < 0)
			continue;
		for (o = (*c)->opts; o && o->name; o++) {
			body = man_option_body(sec, o->name, head, sizeof(head));
			cr_expect_not_null(body, "xlane.8, 'xlane %s': no .TP subsection for --%s",
					   name, o->name);
			if (!body)
				continue;
			snprintf(want, sizeof(want), "Default: %s.", xl_opt_default_text(o));
			cr_expect(strstr(body, want),
				  "xlane.8, 'xlane %s --%s': expected '%s' in: %s", name, o->name,
				  want, body);
			if (o->short_name) {
				snprintf(want, sizeof(want), "-%c, --%s", o->short_name, o->name);
				cr_expect(strstr(head, want),
					  "xlane.8, 'xlane %s': head '%s' lacks '%s'", name, head,
					  want);
			}
			if (o->metavar)
				cr_expect(strstr(head, o->metavar),
					  "xlane.8, 'xlane %s --%s': head '%s' lacks %s", name,
					  o->name, head, o->metavar);
			checked++;
		}
	}
	cr_assert_gt(checked, 20, "only %d options checked: is the table empty?", checked);
}

Test(options_man, every_documented_option_exists, .init = load_man, .fini = free_man)
{
	const struct xl_command *const *c;
	const struct xl_option *o;
	char name[64], opt[64];
	const char *p;
	int sec, i;

	for (c = xl_cli_commands; *c; c++) {
		xl_cmd_fullname(*c, name, sizeof(name));
		sec = man_section(name);
		if (sec < 0)
			continue;
		for (i = sec + 1;
		     i < man_n && !is_macro(man_lines[i], ".SS") && !is_macro(man_lines[i], ".SH");
		     i++) {
			if (!is_macro(man_lines[i], ".TP") || i + 1 >= man_n)
				continue;
			p = strstr(man_lines[i + 1], "--");
			cr_assert_not_null(p, "xlane.8 'xlane %s': .TP head without an option: %s",
					   name, man_lines[i + 1]);
			sscanf(p + 2, "%63[a-z0-9-]", opt);
			for (o = (*c)->opts; o && o->name && strcmp(o->name, opt); o++)
				;
			cr_expect(o && o->name,
				  "xlane.8 documents 'xlane %s --%s', the table has "
				  "no such option",
				  name, opt);
		}
	}
}

/* ---- defaults and generated help ---------------------------------------------------------- */

/* The fewest words that satisfy a command's positionals. */
static int min_args(const struct xl_command *c, char **argv)
{
	const struct xl_positional *a;
	int n = 0;

	for (a = c->args; a && a->name; a++)
		argv[n++] = a->kind == XL_POS_REST ? "udp" : "lo";
	return n;
}

Test(options_table, defaults_parse_and_help_lists_everything)
{
	const struct xl_command *const *c;
	const struct xl_option *o;
	struct xl_opts_err err;
	char *argv[8], name[64], want[160], *help;
	size_t hlen;
	FILE *f;
	void *cfg;
	int argc;

	for (c = xl_cli_commands; *c; c++) {
		xl_cmd_fullname(*c, name, sizeof(name));
		cr_assert_not_null((*c)->run, "%s has no run()", name);
		cr_assert_not_null((*c)->summary);
		cfg = calloc(1, (*c)->cfg_size);
		cr_assert_not_null(cfg);
		argc = min_args(*c, argv);
		cr_assert_eq(xl_cmd_parse(*c, argc, argv, cfg, &err), 0, "%s: defaults: %s", name,
			     err.msg);
		xl_cmd_cfg_free(*c, cfg);
		cr_assert_eq(xl_cmd_parse(*c, 0, argv, cfg, &err), (*c)->args ? -EINVAL : 0,
			     "%s without arguments", name);
		if ((*c)->args)
			cr_assert(strstr(err.msg, "missing argument"), "%s: %s", name, err.msg);
		xl_cmd_cfg_free(*c, cfg);
		free(cfg);

		f = open_memstream(&help, &hlen);
		cr_assert_not_null(f);
		xl_cmd_help(f, "xlane", *c);
		fclose(f);
		snprintf(want, sizeof(want), "Usage: xlane %s", name);
		cr_expect(!strncmp(help, want, strlen(want)), "%s help starts: %.40s", name, help);
		for (o = (*c)->opts; o && o->name; o++) {
			snprintf(want, sizeof(want), "--%s", o->name);
			cr_expect(strstr(help, want), "%s help lacks %s", name, want);
			snprintf(want, sizeof(want), "(default: %s)", xl_opt_default_text(o));
			cr_expect(strstr(help, want), "%s help lacks %s", name, want);
		}
		cr_expect(strstr(help, "--help"));
		free(help);
	}
}

Test(options_table, names_are_unique_and_well_formed)
{
	const struct xl_command *const *c, *const *d;
	const struct xl_option *o, *p;

	for (c = xl_cli_commands; *c; c++) {
		for (d = c + 1; *d; d++)
			cr_assert(strcmp((*c)->name, (*d)->name) ||
					  ((*c)->group && (*d)->group &&
					   strcmp((*c)->group, (*d)->group)),
				  "duplicate command %s", (*c)->name);
		for (o = (*c)->opts; o && o->name; o++) {
			cr_assert_lt(o->kind, XL_OPT_KIND_MAX);
			cr_assert_neq(strcmp(o->name, "help"), 0, "--help is built in");
			cr_assert_neq(o->short_name, 'h', "-h is built in");
			cr_assert_not_null(o->help);
			cr_assert((o->kind == XL_OPT_FLAG) == (o->metavar == NULL),
				  "--%s: a metavar exactly when it takes a value", o->name);
			cr_assert(o->kind != XL_OPT_ENUM || o->enums, "--%s: enum without names",
				  o->name);
			for (p = o + 1; p->name; p++) {
				cr_assert_neq(strcmp(o->name, p->name), 0, "--%s twice", o->name);
				cr_assert(!o->short_name || o->short_name != p->short_name,
					  "-%c twice", o->short_name);
			}
		}
	}
}

/* ---- the parser on a test table covering every kind --------------------------------------- */

struct t_cfg {
	const char *iface;
	struct xl_cli_strv rest;
	struct xl_cli_list list;
	struct xl_cli_strv rules;
	unsigned long long num, ring, pps, opt;
	int mode;
	bool flag;
	const char *str;
};

static const struct xl_opt_enum t_modes[] = {
	{"one", 1, "first"},
	{"two", 2, "second"},
	{NULL},
};

#define O(f) offsetof(struct t_cfg, f)
static const struct xl_option t_opts[] = {
	{.name = "list",
	 .short_name = 'l',
	 .kind = XL_OPT_LIST,
	 .offset = O(list),
	 .metavar = "LIST",
	 .def = "all",
	 .help = "a list",
	 .max = 63},
	{.name = "rule",
	 .short_name = 'r',
	 .kind = XL_OPT_STRV,
	 .offset = O(rules),
	 .metavar = "RULE",
	 .help = "repeatable"},
	{.name = "num",
	 .short_name = 'n',
	 .kind = XL_OPT_UINT,
	 .offset = O(num),
	 .metavar = "N",
	 .def = "5",
	 .help = "a number",
	 .min = 1,
	 .max = 100},
	{.name = "ring",
	 .kind = XL_OPT_UINT,
	 .offset = O(ring),
	 .metavar = "N",
	 .def = "auto",
	 .help = "pow2",
	 .min = 64,
	 .max = 4096,
	 .flags = XL_OPT_F_POW2 | XL_OPT_F_AUTO},
	{.name = "pps",
	 .kind = XL_OPT_UINT,
	 .offset = O(pps),
	 .metavar = "PPS",
	 .def = "10k",
	 .help = "si",
	 .flags = XL_OPT_F_SI},
	{.name = "opt",
	 .kind = XL_OPT_UINT,
	 .offset = O(opt),
	 .metavar = "N",
	 .help = "unset unless given",
	 .max = 9},
	{.name = "mode",
	 .short_name = 'm',
	 .kind = XL_OPT_ENUM,
	 .offset = O(mode),
	 .metavar = "MODE",
	 .def = "two",
	 .help = "enum",
	 .enums = t_modes},
	{.name = "flag", .short_name = 'f', .kind = XL_OPT_FLAG, .offset = O(flag), .help = "flag"},
	{.name = "str",
	 .short_name = 's',
	 .kind = XL_OPT_STR,
	 .offset = O(str),
	 .metavar = "S",
	 .help = "string"},
	{NULL},
};
#undef O

static const struct xl_positional t_args[] = {
	{"IFACE", XL_POS_STR, offsetof(struct t_cfg, iface), "iface"},
	{"WORDS", XL_POS_REST, offsetof(struct t_cfg, rest), "rest"},
	{NULL},
};

static int t_run(const void *cfg)
{
	(void)cfg;
	return 0;
}

static const struct xl_command t_cmd = {
	.group = "test",
	.name = "cmd",
	.summary = "test",
	.args = t_args,
	.opts = t_opts,
	.cfg_size = sizeof(struct t_cfg),
	.run = t_run,
};

#define MAX_ARGV 32

/* Split @line on blanks into @argv (at most MAX_ARGV words, modifies @line). */
static int split(char *line, char **argv)
{
	int n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(line, " ", &save); w && n < MAX_ARGV; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	return n;
}

struct parse_case {
	const char *line;
	int ret;	 /* 0, -EINVAL or XL_OPTS_HELP */
	int index;	 /* argv index named by the error */
	const char *msg; /* substring of the error */
};

static struct parse_case parse_cases[] = {
	{"eth0 w", 0, -1, ""},
	{"eth0 w --list 0-3,7 -n 9 --ring 128 --pps 2m --mode one -f -s x --opt 0", 0, -1, ""},
	{"eth0 w --num=7 --list=all -m two", 0, -1, ""},
	{"eth0 w --bogus", -EINVAL, 2, "unknown option '--bogus'"},
	{"eth0 w --bogus=3", -EINVAL, 2, "unknown option '--bogus'"},
	{"eth0 w -x", -EINVAL, 2, "unknown option '-x'"},
	{"eth0 w --num", -EINVAL, 2, "option '--num' needs a value (N)"},
	{"eth0 w --num 0", -EINVAL, 3, "--num: '0' is out of range (1-100)"},
	{"eth0 w --num 101", -EINVAL, 3, "out of range (1-100)"},
	{"eth0 w --num 99999999999999999999999", -EINVAL, 3, "out of range"},
	{"eth0 w --num 1x", -EINVAL, 3, "--num: '1x' is not a number"},
	{"eth0 w --num -3", -EINVAL, 3, "is not a number"},
	{"eth0 w --ring 100", -EINVAL, 3, "--ring: '100' is not a power of two"},
	{"eth0 w --ring 8192", -EINVAL, 3, "out of range (64-4096)"},
	{"eth0 w --pps 3q", -EINVAL, 3, "is not a number"},
	{"eth0 w --num 2k", -EINVAL, 3, "is not a number"},
	{"eth0 w --mode three", -EINVAL, 3, "--mode: unknown value 'three'"},
	{"eth0 w --flag=1", -EINVAL, 2, "option '--flag' takes no value"},
	{"eth0 w --list 0-x", -EINVAL, 3, "--list: bad list '0-x' at 'x'"},
	{"eth0 w --list 1,,2", -EINVAL, 3, "at ',2'"},
	{"eth0 w --list 3-1", -EINVAL, 3, "at '3-1'"},
	{"eth0 w --list 1,1", -EINVAL, 3, "bad list '1,1'"},
	{"eth0 w --list 64", -EINVAL, 3, "--list: '64' is out of range at '64' (0-63)"},
	{"eth0 w --list 0-70", -EINVAL, 3, "out of range at '70'"},
	{"eth0 w --list 1,", -EINVAL, 3, "at 'end'"},
	{"eth0", -EINVAL, -1, "missing argument WORDS"},
	{"", -EINVAL, -1, "missing argument IFACE"},
	{"eth0 w --help", XL_OPTS_HELP, -1, ""},
	{"-h", XL_OPTS_HELP, -1, ""},
	{"eth0 w -- --help", 0, -1, ""},
	{"eth0 flow udp 1.2.3.4:5 -> 1.2.3.4:6", 0, -1, ""},
};

/* one process for the whole table (Valgrind time); cr_expect names each failing case */
Test(options_parse, cases)
{
	const struct parse_case *pc;
	struct xl_opts_err err;
	struct t_cfg cfg;
	char line[128], *argv[MAX_ARGV];
	int argc, ret;

	for (pc = parse_cases; pc < parse_cases + sizeof(parse_cases) / sizeof(parse_cases[0]);
	     pc++) {
		snprintf(line, sizeof(line), "%s", pc->line);
		argc = split(line, argv);
		ret = xl_cmd_parse(&t_cmd, argc, argv, &cfg, &err);
		cr_expect_eq(ret, pc->ret, "'%s': returned %d (%s)", pc->line, ret, err.msg);
		if (pc->ret == -EINVAL && ret == -EINVAL) {
			cr_expect(strstr(err.msg, pc->msg), "'%s': message '%s' lacks '%s'",
				  pc->line, err.msg, pc->msg);
			cr_expect_eq(err.index, pc->index, "'%s': index %d, expected %d", pc->line,
				     err.index, pc->index);
		}
		xl_cmd_cfg_free(&t_cmd, &cfg);
	}
}

Test(options_parse, values_land_in_the_config)
{
	char line[] = "eth0 a b --list 5,0-2 -r one --rule two -n 9 --ring 128 --pps 2m -m one -f "
		      "--str=hello --opt 0 c";
	struct xl_opts_err err;
	struct t_cfg cfg;
	char *argv[MAX_ARGV];
	int argc = split(line, argv);

	cr_assert_eq(xl_cmd_parse(&t_cmd, argc, argv, &cfg, &err), 0, "%s", err.msg);
	cr_assert_str_eq(cfg.iface, "eth0");
	cr_assert_eq(cfg.rest.n, 3);
	cr_assert_str_eq(cfg.rest.v[2], "c");
	cr_assert_eq(cfg.list.n, 4);
	cr_assert_eq(cfg.list.v[0], 0);
	cr_assert_eq(cfg.list.v[3], 5, "lists are sorted");
	cr_assert_not(cfg.list.all);
	cr_assert_eq(cfg.rules.n, 2);
	cr_assert_str_eq(cfg.rules.v[1], "two");
	cr_assert_eq(cfg.num, 9);
	cr_assert_eq(cfg.ring, 128);
	cr_assert_eq(cfg.pps, 2000000);
	cr_assert_eq(cfg.mode, 1);
	cr_assert(cfg.flag);
	cr_assert_str_eq(cfg.str, "hello");
	cr_assert_eq(cfg.opt, 0);
	xl_cmd_cfg_free(&t_cmd, &cfg);
	cr_assert_null(cfg.rules.v);
}

Test(options_parse, defaults_are_applied)
{
	char line[] = "eth0 w";
	struct t_cfg cfg;
	char *argv[MAX_ARGV];
	int argc = split(line, argv);

	memset(&cfg, 0x5a, sizeof(cfg));
	cr_assert_eq(xl_cmd_parse(&t_cmd, argc, argv, &cfg, NULL), 0);
	cr_assert(cfg.list.all);
	cr_assert_eq(cfg.num, 5);
	cr_assert_eq(cfg.ring, 0, "auto is stored as 0");
	cr_assert_eq(cfg.pps, 10000);
	cr_assert_eq(cfg.mode, 2);
	cr_assert_not(cfg.flag);
	cr_assert_null(cfg.str);
	cr_assert_eq(cfg.opt, XL_OPT_UNSET);
	cr_assert_eq(cfg.rules.n, 0);
	xl_cmd_cfg_free(&t_cmd, &cfg);
}

Test(options_parse, uint_and_list_helpers)
{
	struct xl_cli_list l;
	unsigned long long v;
	const char *bad;

	cr_assert_eq(xl_cli_uint_parse("0x10", false, &v), 0);
	cr_assert_eq(v, 16);
	cr_assert_eq(xl_cli_uint_parse("18446744073709551615", false, &v), 0);
	cr_assert_eq(xl_cli_uint_parse("18446744073709551616", false, &v), -ERANGE);
	cr_assert_eq(xl_cli_uint_parse("20000000000g", true, &v), -ERANGE);
	cr_assert_eq(xl_cli_uint_parse("", false, &v), -EINVAL);
	cr_assert_eq(xl_cli_uint_parse("+1", false, &v), -EINVAL);
	cr_assert_eq(xl_cli_uint_parse("1 ", false, &v), -EINVAL);
	cr_assert_eq(xl_cli_list_parse("0-255", 255, &l, &bad), 0);
	cr_assert_eq(l.n, 256);
	cr_assert_eq(xl_cli_list_parse("0-255,256", 300, &l, &bad), -E2BIG);
	cr_assert_eq(xl_cli_list_parse("99999999999", ~0ULL, &l, &bad), -ERANGE);
}
