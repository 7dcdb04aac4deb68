// SPDX-License-Identifier: BSD-2-Clause
/*
 * pool_bench's command line: one declarative table gives the options, their ranges and defaults;
 * getopt_long's array and --help are both generated from it, so they cannot drift.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pool_bench.h"

enum opt_kind {
	OPT_FLAG, /* bool, no argument */
	OPT_U64,  /* uint64_t in [min, max] */
	OPT_LIST, /* struct pb_list: comma-separated values, each in [min, max] */
	OPT_STR,  /* const char * */
	OPT_HELP,
};

struct opt_def {
	const char *name;
	enum opt_kind kind;
	const char *arg; /* argument name in --help */
	uint64_t min, max;
	size_t off; /* offset in struct pb_opts */
	const char *help;
};

#define F(field) offsetof(struct pb_opts, field)

static const struct opt_def opt_table[] = {
	{ "json", OPT_STR, "FILE", 0, 0, F(json),
	  "write every raw figure and the configuration as JSON to FILE" },
	{ "no-huge", OPT_FLAG, NULL, 0, 0, F(no_huge),
	  "4 KiB pages: EAL --no-huge, xl_pool XL_PAGES_SMALL (default: 2 MiB hugepages for both)" },
	{ "obj-size", OPT_U64, "BYTES", 1, 65536, F(obj_size), "object size" },
	{ "objs", OPT_U64, "N", 64, 1U << 22, F(n_objs), "objects in every pool" },
	{ "reps", OPT_U64, "N", 1, 101, F(reps), "repetitions of each measurement (median reported)" },
	{ "duration-ms", OPT_U64, "MS", 1, 60000, F(duration_ms),
	  "length of one measurement window" },
	{ "warmup-ms", OPT_U64, "MS", 0, 60000, F(warmup_ms),
	  "untimed run before each window (after pinning, before the start barrier)" },
	{ "max-objs", OPT_U64, "N", 0, UINT64_MAX, F(max_objs),
	  "also end a window after N objects per thread (0: no cap; tiny values for smoke tests)" },
	{ "threads", OPT_LIST, "LIST", 1, PB_MAX_THREADS, F(threads),
	  "thread counts; threads are pinned to distinct CPUs, first allowed CPUs first" },
	{ "bulks", OPT_LIST, "LIST", 1, 1024, F(bulks), "objects per get/put call" },
	{ "hold", OPT_U64, "N", 0, 65536, F(hold),
	  "objects held per thread in the hold pattern (0: no hold pattern)" },
	{ "no-dpdk", OPT_FLAG, NULL, 0, 0, F(no_dpdk), "leave out the rte_mempool columns" },
	{ "xl-no-colour", OPT_FLAG, NULL, 0, 0, F(xl_no_colour),
	  "create the xl_pool with XL_POOL_F_NO_COLOUR (to see what colouring is worth)" },
	{ "help", OPT_HELP, NULL, 0, 0, 0, "this text" },
};

#define N_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

static void set_defaults(struct pb_opts *o)
{
	*o = (struct pb_opts){
		.obj_size = 2048,
		.n_objs = 16384,
		.reps = 5,
		.duration_ms = 50,
		.warmup_ms = 5,
		.max_objs = 0,
		.hold = 1024,
		.threads = { .n = 2, .v = { 1, 2 } },
		.bulks = { .n = 4, .v = { 1, 8, 32, 64 } },
	};
}

static void print_default(FILE *out, const struct opt_def *d, const struct pb_opts *def)
{
	const void *p = (const char *)def + d->off;

	switch (d->kind) {
	case OPT_U64:
		fprintf(out, " (default %" PRIu64 "; %" PRIu64 "..%" PRIu64 ")", *(const uint64_t *)p,
			d->min, d->max);
		break;
	case OPT_LIST: {
		const struct pb_list *l = p;

		fprintf(out, " (default ");
		for (unsigned int i = 0; i < l->n; i++)
			fprintf(out, "%s%" PRIu64, i ? "," : "", l->v[i]);
		fprintf(out, "; each %" PRIu64 "..%" PRIu64 ", at most %d)", d->min, d->max,
			PB_MAX_LIST);
		break;
	}
	default:
		break;
	}
}

static void print_help(FILE *out, const char *prog)
{
	struct pb_opts def;

	set_defaults(&def);
	fprintf(out,
		"Usage: %s [OPTIONS]\n"
		"Measures objects/s and ns/object of xl_pool, DPDK rte_mempool and malloc/free in one\n"
		"run, same access pattern for all: per thread, get BULK objects, write the first byte of\n"
		"each, put them back (\"cycle\"); and get HOLD objects in calls of BULK, then put them\n"
		"all back (\"hold\"). One object = one get + one put. Ratios are xl_pool throughput over\n"
		"rte_mempool throughput with the same cache size (> 1: xl_pool faster).\n\n"
		"Options:\n",
		prog);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_table[i];
		char lhs[40];

		snprintf(lhs, sizeof(lhs), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(out, "  %-20s %s", lhs, d->help);
		print_default(out, d, &def);
		fputc('\n', out);
	}
}

static int parse_u64(const char *prog, const struct opt_def *d, const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		goto bad;
	if (v < d->min || v > d->max) {
		fprintf(stderr, "%s: --%s: '%s' is out of range %" PRIu64 "..%" PRIu64 "\n", prog,
			d->name, s, d->min, d->max);
		return -EINVAL;
	}
	*out = v;
	return 0;
bad:
	fprintf(stderr, "%s: --%s: '%s' is not a number\n", prog, d->name, s ? s : "");
	return -EINVAL;
}

static int parse_list(const char *prog, const struct opt_def *d, const char *s, struct pb_list *l)
{
	char buf[256], *save = NULL, *tok;
	struct pb_list nl = { 0 };

	if (strlen(s) >= sizeof(buf) || !*s || s[strlen(s) - 1] == ',' || s[0] == ',' ||
	    strstr(s, ",,")) {
		fprintf(stderr, "%s: --%s: '%s' is not a comma-separated list\n", prog, d->name, s);
		return -EINVAL;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (nl.n == PB_MAX_LIST) {
			fprintf(stderr, "%s: --%s: '%s' has more than %d values\n", prog, d->name, s,
				PB_MAX_LIST);
			return -EINVAL;
		}
		if (parse_u64(prog, d, tok, &v))
			return -EINVAL;
		for (unsigned int i = 0; i < nl.n; i++) {
			if (nl.v[i] == v) {
				fprintf(stderr, "%s: --%s: '%s' repeats %" PRIu64 "\n", prog, d->name,
					s, v);
				return -EINVAL;
			}
		}
		nl.v[nl.n++] = v;
	}
	*l = nl;
	return 0;
}

int pb_opts_parse(int argc, char **argv, struct pb_opts *o)
{
	const char *prog = argc > 0 ? argv[0] : "pool_bench";
	struct option longopts[N_OPTS + 1];
	int c, idx;

	set_defaults(o);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_table[i];

		longopts[i] = (struct option){
			.name = d->name,
			.has_arg = d->kind == OPT_FLAG || d->kind == OPT_HELP ? no_argument :
										required_argument,
			.flag = NULL,
			.val = 0x100 + (int)i,
		};
	}
	longopts[N_OPTS] = (struct option){ 0 };

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, &idx)) != -1) {
		const struct opt_def *d;
		void *field;

		if (c == '?') {
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog,
				argv[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			fprintf(stderr, "%s: option '%s' needs an argument\n", prog, argv[optind - 1]);
			return -EINVAL;
		}
		d = &opt_table[c - 0x100];
		field = (char *)o + d->off;
		switch (d->kind) {
		case OPT_HELP:
			print_help(stdout, prog);
			return 1;
		case OPT_FLAG:
			*(bool *)field = true;
			break;
		case OPT_STR:
			if (!*optarg) {
				fprintf(stderr, "%s: --%s: empty argument\n", prog, d->name);
				return -EINVAL;
			}
			*(const char **)field = optarg;
			break;
		case OPT_U64:
			if (parse_u64(prog, d, optarg, field))
				return -EINVAL;
			break;
		case OPT_LIST:
			if (parse_list(prog, d, optarg, field))
				return -EINVAL;
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", prog, argv[optind]);
		return -EINVAL;
	}
	return 0;
}
