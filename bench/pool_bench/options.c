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
	OPT_ENUM, /* const char *, one of values[] */
	OPT_HELP,
};

struct opt_def {
	const char *name;
	enum opt_kind kind;
	const char *arg; /* argument name in --help */
	uint64_t min, max;
	size_t off; /* offset in struct pb_opts */
	const char *help;
	const char *const
		*values; /* OPT_ENUM: the accepted words, NULL-terminated; [0] = default */
};

static const char *const xl_layouts[] = {"colour", "frame", "pool-default", NULL};
static const char *const clocks[] = {"wall", "cpu", NULL};
static const char *const buf_places[] = {"spread", "fixed", NULL};

#define F(field) offsetof(struct pb_opts, field)

/* clang-format off */
static const struct opt_def opt_table[] = {
	{ .name = "json", .kind = OPT_STR, .arg = "FILE", .off = F(json),
	  .help = "write every raw figure and the configuration as JSON to FILE" },
	{ .name = "no-huge", .kind = OPT_FLAG, .off = F(no_huge),
	  .help = "4 KiB pages: EAL --no-huge, xl_pool XL_PAGES_SMALL\n"
		  "(default: 2 MiB hugepages for both)" },
	{ .name = "obj-size", .kind = OPT_U64, .arg = "BYTES", .min = 1, .max = 65536,
	  .off = F(obj_size), .help = "object size" },
	{ .name = "objs", .kind = OPT_U64, .arg = "N", .min = 64, .max = 1U << 22, .off = F(n_objs),
	  .help = "objects in every pool" },
	{ .name = "reps", .kind = OPT_U64, .arg = "N", .min = 1, .max = 101, .off = F(reps),
	  .help = "repetitions of each measurement (the median is reported)" },
	{ .name = "duration-ms", .kind = OPT_U64, .arg = "MS", .min = 1, .max = 60000,
	  .off = F(duration_ms), .help = "length of one measurement window" },
	{ .name = "warmup-ms", .kind = OPT_U64, .arg = "MS", .max = 60000, .off = F(warmup_ms),
	  .help = "untimed run before each window (after pinning, before the start barrier)" },
	{ .name = "max-objs", .kind = OPT_U64, .arg = "N", .max = UINT64_MAX, .off = F(max_objs),
	  .help = "also end a window after N objects per thread\n"
		  "(0: no cap; tiny values for smoke tests)" },
	{ .name = "threads", .kind = OPT_LIST, .arg = "LIST", .min = 1, .max = PB_MAX_THREADS,
	  .off = F(threads),
	  .help = "thread counts; threads are pinned to distinct CPUs, first allowed CPUs first" },
	{ .name = "bulks", .kind = OPT_LIST, .arg = "LIST", .min = 1, .max = 1024, .off = F(bulks),
	  .help = "objects per get/put call" },
	{ .name = "hold", .kind = OPT_U64, .arg = "N", .max = 65536, .off = F(hold),
	  .help = "objects held per thread in the hold pattern (0: no hold pattern)" },
	{ .name = "backends", .kind = OPT_STR, .arg = "NAMES", .off = F(backends),
	  .help = "measure only these backends, comma-separated (default all: malloc,\n"
		  "xl_c256,xl_c512,xl_ring,rte_c256,rte_c512,rte_nocache)" },
	{ .name = "no-dpdk", .kind = OPT_FLAG, .off = F(no_dpdk),
	  .help = "leave out the rte_mempool columns" },
	{ .name = "xl-layout", .kind = OPT_ENUM, .arg = "LAYOUT", .off = F(xl_layout),
	  .values = xl_layouts,
	  .help = "xl_pool slot layout. colour: a general pool, one cache line of padding when\n"
		  "the stride is a multiple of 1 KiB so objects do not all start in the same\n"
		  "L1 sets (XL_POOL_F_COLOUR; rte_mempool spreads its objects likewise);\n"
		  "frame: stride = object size, as an aligned AF_XDP UMEM (XL_POOL_F_NO_COLOUR);\n"
		  "pool-default: no flag, the pool decides" },
	{ .name = "clock", .kind = OPT_ENUM, .arg = "CLOCK", .off = F(clock), .values = clocks,
	  .help = "time base of the figures. wall: elapsed time (throughput as seen);\n"
		  "cpu: each thread's CPU time, which leaves out time other processes took\n"
		  "the CPU (use on a shared machine; JSON has both either way)" },
	{ .name = "buf-place", .kind = OPT_ENUM, .arg = "HOW", .off = F(buf_place),
	  .values = buf_places,
	  .help = "where each thread's array of object pointers sits within a 4 KiB page.\n"
		  "spread: another offset at every repetition, the same offsets for every\n"
		  "backend, so that no row hinges on one placement (loads from that array\n"
		  "alias, 4 KiB apart, with stores to a pool's cache or objects at some\n"
		  "offsets and not at others: one placement moved a row by 40 %);\n"
		  "fixed: page-aligned at every repetition" },
	{ .name = "help", .kind = OPT_HELP, .help = "this text" },
};
/* clang-format on */

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
		.threads = {.n = 2, .v = {1, 2}},
		.bulks = {.n = 4, .v = {1, 8, 32, 64}},
		.xl_layout = "colour",
		.clock = "wall",
		.buf_place = "spread",
	};
}

/* The "(default ...)" text of an option, "" when it has none. */
static void default_text(char *buf, size_t len, const struct opt_def *d, const struct pb_opts *def)
{
	const void *p = (const char *)def + d->off;
	size_t n = 0;

	buf[0] = '\0';
	switch (d->kind) {
	case OPT_U64:
		snprintf(buf, len, "(default %" PRIu64 "; %" PRIu64 "..%" PRIu64 ")",
			 *(const uint64_t *)p, d->min, d->max);
		break;
	case OPT_LIST: {
		const struct pb_list *l = p;

		n += (size_t)snprintf(buf + n, len - n, "(default ");
		for (unsigned int i = 0; i < l->n; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%" PRIu64, i ? "," : "",
					      l->v[i]);
		snprintf(buf + n, len - n, "; each %" PRIu64 "..%" PRIu64 ", at most %d)", d->min,
			 d->max, PB_MAX_LIST);
		break;
	}
	case OPT_ENUM:
		snprintf(buf, len, "(default %s)", d->values[0]);
		break;
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
		"Measures objects/s and ns/object of xl_pool, DPDK rte_mempool and malloc/free in "
		"one\n"
		"run, same access pattern for all: per thread, get BULK objects, write the first "
		"byte of\n"
		"each, put them back (\"cycle\"); and get HOLD objects in calls of BULK, then put "
		"them\n"
		"all back (\"hold\"). One object = one get + one put. Ratios are xl_pool "
		"throughput over\n"
		"rte_mempool throughput with the same cache size (> 1: xl_pool faster), the "
		"median\n"
		"over repetitions of the pair measured in each.\n\n"
		"Options:\n",
		prog);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_table[i];
		char lhs[40];

		snprintf(lhs, sizeof(lhs), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		char dflt[128];
		size_t col = 23;

		fprintf(out, "  %-20s ", lhs);
		/* continuation lines of a long help text line up under its first line */
		for (const char *h = d->help; *h; h++) {
			fputc(*h, out);
			col++;
			if (*h == '\n') {
				fprintf(out, "%23s", "");
				col = 23;
			}
		}
		default_text(dflt, sizeof(dflt), d, &def);
		if (dflt[0] && col + 1 + strlen(dflt) > 100)
			fprintf(out, "\n%23s%s", "", dflt);
		else if (dflt[0])
			fprintf(out, " %s", dflt);
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
	struct pb_list nl = {0};

	if (strlen(s) >= sizeof(buf) || !*s || s[strlen(s) - 1] == ',' || s[0] == ',' ||
	    strstr(s, ",,")) {
		fprintf(stderr, "%s: --%s: '%s' is not a comma-separated list\n", prog, d->name, s);
		return -EINVAL;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (nl.n == PB_MAX_LIST) {
			fprintf(stderr, "%s: --%s: '%s' has more than %d values\n", prog, d->name,
				s, PB_MAX_LIST);
			return -EINVAL;
		}
		if (parse_u64(prog, d, tok, &v))
			return -EINVAL;
		for (unsigned int i = 0; i < nl.n; i++) {
			if (nl.v[i] == v) {
				fprintf(stderr, "%s: --%s: '%s' repeats %" PRIu64 "\n", prog,
					d->name, s, v);
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
			.has_arg = d->kind == OPT_FLAG || d->kind == OPT_HELP ? no_argument
									      : required_argument,
			.flag = NULL,
			.val = 0x100 + (int)i,
		};
	}
	longopts[N_OPTS] = (struct option){0};

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
			fprintf(stderr, "%s: option '%s' needs an argument\n", prog,
				argv[optind - 1]);
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
		case OPT_ENUM: {
			const char *const *v = d->values;

			while (*v && strcmp(*v, optarg))
				v++;
			if (!*v) {
				fprintf(stderr, "%s: --%s: '%s' is not one of", prog, d->name,
					optarg);
				for (v = d->values; *v; v++)
					fprintf(stderr, " %s", *v);
				fputc('\n', stderr);
				return -EINVAL;
			}
			*(const char **)field = *v;
			break;
		}
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
