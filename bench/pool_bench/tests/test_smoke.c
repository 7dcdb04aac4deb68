// SPDX-License-Identifier: BSD-2-Clause
/*
 * pool_bench smoke test: a tiny --no-huge run must exit 0 and print every row of both tables with
 * positive figures, write JSON that parses and holds the same rows, and a bad option must fail
 * naming the option and the token. Nothing here judges performance.
 *
 * Under Valgrind (XL_UNDER_VALGRIND=1) pool_bench leaves the DPDK columns out and says why; the
 * test then expects exactly that line and the other backends.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jsoncheck.h"

extern char **environ;

static const char *const xl_backends[] = {"xl_c256", "xl_c512", "xl_ring"};
static const char *const rte_backends[] = {"rte_c256", "rte_c512", "rte_nocache"};
static const unsigned int threads[] = {1, 2};
static const unsigned int bulks[] = {1, 8, 32, 64};

#define N_ROWS (2 * 2 * 4)

struct outcome {
	int status; /* exit status, or -1 if it did not exit normally */
	char *out, *err;
};

static bool under_valgrind(void)
{
	const char *v = getenv("XL_UNDER_VALGRIND");

	return v && !strcmp(v, "1");
}

static char *slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	cr_assert_not_null(buf);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			cr_assert_not_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

/* Runs pool_bench with args (NULL-terminated, without argv[0]); captures stdout and stderr. */
static struct outcome run_bench(const char *const *args)
{
	const char *bin = getenv("POOL_BENCH");
	char out_path[] = "/tmp/pb_smoke_out_XXXXXX", err_path[] = "/tmp/pb_smoke_err_XXXXXX";
	posix_spawn_file_actions_t fa;
	struct outcome o = {.status = -1};
	char *argv[64];
	int out_fd, err_fd, ws, n = 0;
	pid_t pid;

	cr_assert_not_null(bin, "POOL_BENCH is not set (run through meson test)");
	argv[n++] = (char *)bin;
	for (; args[n - 1]; n++) {
		cr_assert_lt(n, 63);
		argv[n] = (char *)args[n - 1];
	}
	argv[n] = NULL;
	out_fd = mkstemp(out_path);
	err_fd = mkstemp(err_path);
	cr_assert(out_fd >= 0 && err_fd >= 0);
	unlink(out_path);
	unlink(err_path);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0, "cannot run %s", bin);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(waitpid(pid, &ws, 0), pid);
	if (WIFEXITED(ws))
		o.status = WEXITSTATUS(ws);
	o.out = slurp_fd(out_fd);
	o.err = slurp_fd(err_fd);
	close(out_fd);
	close(err_fd);
	return o;
}

static void outcome_free(struct outcome *o)
{
	free(o->out);
	free(o->err);
}

/* Finds the row (pattern, thr, bulk) in the table that starts at the n-th title; checks it has
 * exactly ncols positive numbers after the three key columns. */
static void check_table_row(const char *text, const char *title, const char *pattern,
			    unsigned int thr, unsigned int bulk, unsigned int ncols)
{
	const char *p = strstr(text, title), *end;
	unsigned int found = 0;

	cr_assert_not_null(p, "no table titled '%s' in:\n%s", title, text);
	/* the table ends at the first empty line */
	end = strstr(p, "\n\n");
	cr_assert_not_null(end);
	for (const char *line = strchr(p, '\n') + 1; line && line < end;) {
		const char *nl = strchr(line, '\n');
		char buf[512], *save = NULL, *tok;
		unsigned int t, b, k = 0;

		snprintf(buf, sizeof(buf), "%.*s", (int)(nl - line), line);
		line = nl + 1;
		tok = strtok_r(buf, " ", &save);
		if (!tok || strcmp(tok, pattern))
			continue;
		tok = strtok_r(NULL, " ", &save);
		if (!tok || sscanf(tok, "%u", &t) != 1 || t != thr)
			continue;
		tok = strtok_r(NULL, " ", &save);
		if (!tok || sscanf(tok, "%u", &b) != 1 || b != bulk)
			continue;
		found++;
		while ((tok = strtok_r(NULL, " ", &save))) {
			char *e;
			double v = strtod(tok, &e);

			cr_expect(*e == '\0' && v > 0,
				  "%s %u %u: cell '%s' is not a positive number", pattern, thr,
				  bulk, tok);
			k++;
		}
		cr_expect_eq(k, ncols, "%s thr %u bulk %u in '%s': %u figures, want %u", pattern,
			     thr, bulk, title, k, ncols);
	}
	cr_expect_eq(found, 1, "row %s thr %u bulk %u found %u times in '%s'", pattern, thr, bulk,
		     found, title);
}

static double num_at(const struct jc_value *obj, const char *key)
{
	const struct jc_value *v = jc_get(obj, key);

	cr_assert(v && v->type == JC_NUM, "no number '%s'", key);
	return v->num;
}

static void check_json(const char *path, bool dpdk)
{
	char *text = jc_read_file(path), err[200];
	const struct jc_value *rows, *config;
	struct jc_value *doc;
	unsigned int n_backends = 0;

	cr_assert_not_null(text, "no JSON written to %s", path);
	doc = jc_parse(text, err, sizeof(err));
	cr_assert_not_null(doc, "JSON does not parse: %s", err);
	config = jc_get(doc, "config");
	cr_assert_not_null(config);
	cr_expect_eq(jc_get(config, "huge")->type, JC_BOOL);
	cr_expect_not(jc_get(config, "huge")->b, "--no-huge but config.huge is true");
	cr_expect_eq(num_at(config, "obj_size"), 2048.0);
	cr_expect_eq(num_at(config, "reps"), 2.0);
	cr_expect_not_null(jc_get(config, "kernel"));
	cr_expect_not_null(jc_get(config, "cpu_model"));
	cr_expect_eq(jc_get(config, "dpdk")->b, dpdk);
	cr_expect_str_eq(jc_get(config, "clock")->str, "wall");
	cr_expect_str_eq(jc_get(config, "buf_place")->str, "spread");
	n_backends = (unsigned int)jc_get(doc, "backends")->n;
	cr_expect_eq(n_backends, dpdk ? 7 : 4);

	rows = jc_get(doc, "rows");
	cr_assert(rows && rows->type == JC_ARR);
	cr_assert_eq(rows->n, N_ROWS);
	for (size_t i = 0; i < rows->n; i++) {
		const struct jc_value *row = rows->items[i], *res = jc_get(row, "results");
		const struct jc_value *ratios = jc_get(row, "ratios");
		const char *names[7];
		unsigned int nn = 0;

		cr_assert(res && res->type == JC_OBJ);
		cr_expect_eq(res->n, n_backends);
		names[nn++] = "malloc";
		for (int k = 0; k < 3; k++)
			names[nn++] = xl_backends[k];
		for (int k = 0; dpdk && k < 3; k++)
			names[nn++] = rte_backends[k];
		for (unsigned int k = 0; k < nn; k++) {
			const struct jc_value *b = jc_get(res, names[k]), *reps;

			cr_assert_not_null(b, "row %zu: no results for %s", i, names[k]);
			cr_expect_gt(num_at(b, "median_mobj_per_s"), 0);
			cr_expect_gt(num_at(b, "median_ns_per_obj"), 0);
			reps = jc_get(b, "reps");
			cr_assert(reps && reps->n == 2);
			for (size_t r = 0; r < reps->n; r++) {
				const struct jc_value *objs = jc_get(reps->items[r], "objs");
				const struct jc_value *ns = jc_get(reps->items[r], "ns");
				const struct jc_value *cpu = jc_get(reps->items[r], "cpu_ns");
				const struct jc_value *off = jc_get(reps->items[r], "buf_offset");
				size_t nt = (size_t)num_at(row, "threads");

				cr_assert(objs && ns && cpu && off);
				cr_assert_eq(off->n, nt);
				for (size_t t = 0; t < nt; t++) {
					/* spread: a cache line of the page, another one per repetition */
					double o = off->items[t]->num, o0;

					cr_expect(o >= 0 && o < 4096 && (long)o % 64 == 0,
						  "row %zu %s rep %zu: buf_offset %.0f", i,
						  names[k], r, o);
					o0 = jc_get(reps->items[0], "buf_offset")->items[t]->num;
					cr_expect(r == 0 || o != o0,
						  "row %zu %s: repetition %zu reused offset %.0f",
						  i, names[k], r, o);
				}
				cr_assert_eq(objs->n, nt);
				cr_assert_eq(ns->n, nt);
				cr_assert_eq(cpu->n, nt);
				for (size_t t = 0; t < nt; t++) {
					cr_expect_gt(objs->items[t]->num, 0);
					cr_expect_gt(ns->items[t]->num, 0);
					cr_expect_gt(cpu->items[t]->num, 0);
				}
			}
		}
		cr_expect_eq(ratios->n, dpdk ? 3 : 0);
		cr_expect_eq(jc_get(row, "ratios_of_medians")->n, ratios->n);
		for (size_t k = 0; k < ratios->n; k++)
			cr_expect_gt(ratios->items[k]->num, 0);
	}
	jc_free(doc);
	free(text);
}

Test(pool_bench_smoke, no_huge_tiny_run_prints_every_row, .timeout = 110)
{
	char json[] = "/tmp/pb_smoke_json_XXXXXX";
	int fd = mkstemp(json);
	const char *args[] = {"--no-huge",
			      "--reps",
			      "2",
			      "--duration-ms",
			      "5",
			      "--warmup-ms",
			      "1",
			      "--max-objs",
			      under_valgrind() ? "1024" : "4096",
			      "--objs",
			      "8192",
			      "--json",
			      json,
			      NULL};
	bool dpdk = false;
	struct outcome o;

	cr_assert(fd >= 0);
	close(fd);
#ifdef PB_HAVE_DPDK
	dpdk = !under_valgrind();
#endif
	o = run_bench(args);
	cr_assert_eq(o.status, 0, "pool_bench exited %d\nstdout:\n%s\nstderr:\n%s", o.status, o.out,
		     o.err);
	if (under_valgrind()) {
#ifdef PB_HAVE_DPDK
		cr_expect_not_null(
			strstr(o.out, "DPDK rte_mempool columns: skipped under Valgrind"), "%s",
			o.out);
#endif
	} else if (!dpdk) {
		cr_expect_not_null(strstr(o.out, "DPDK rte_mempool columns: not built"), "%s",
				   o.out);
	}
	cr_expect_not_null(
		strstr(o.out, "pool conservation after the run: xl_pool: all objects back"), "%s",
		o.out);
	if (dpdk)
		cr_expect_not_null(strstr(o.out, "rte_mempool: all objects back"), "%s", o.out);
	for (int p = 0; p < 2; p++) {
		for (int t = 0; t < 2; t++) {
			for (int b = 0; b < 4; b++) {
				const char *pat = p ? "hold1024" : "cycle";
				unsigned int nb = dpdk ? 7 : 4;

				check_table_row(o.out, "ns per object", pat, threads[t], bulks[b],
						nb);
				check_table_row(o.out, "Mobj/s", pat, threads[t], bulks[b],
						nb + (dpdk ? 3 : 0));
			}
		}
	}
	check_json(json, dpdk);
	unlink(json);
	outcome_free(&o);
}

Test(pool_bench_smoke, bad_options_fail_naming_the_token)
{
	static const struct {
		const char *args[4];
		const char *want;
	} cases[] = {
		{{"--reps", "0", NULL}, "--reps: '0' is out of range 1..101"},
		{{"--obj-size", "12x", NULL}, "--obj-size: '12x' is not a number"},
		{{"--bulks", "1,,8", NULL}, "--bulks: '1,,8' is not a comma-separated list"},
		{{"--threads", "1,9", NULL}, "--threads: '9' is out of range 1..8"},
		{{"--bogus", NULL}, "unknown option '--bogus'"},
		{{"--json", NULL}, "option '--json' needs an argument"},
		{{"stray", NULL}, "unexpected argument 'stray'"},
		{{"--hold", "4", NULL}, "--hold: 4 is smaller than the largest bulk 64"},
		{{"--objs", "1000", NULL}, "--objs: 1000 objects are too few"},
		{{"--xl-layout", "fancy", NULL},
		 "--xl-layout: 'fancy' is not one of colour frame pool-default"},
		{{"--clock", "sundial", NULL}, "--clock: 'sundial' is not one of wall cpu"},
		{{"--buf-place", "middle", NULL},
		 "--buf-place: 'middle' is not one of spread fixed"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o = run_bench(cases[i].args);

		cr_expect_eq(o.status, 1, "%s: exit %d", cases[i].want, o.status);
		cr_expect_not_null(strstr(o.err, cases[i].want), "want '%s' in stderr:\n%s",
				   cases[i].want, o.err);
		cr_expect_eq(o.out[0], '\0', "nothing on stdout for a bad option:\n%s", o.out);
		outcome_free(&o);
	}
}

Test(pool_bench_smoke, help_lists_every_option)
{
	static const char *const opts[] = {
		"--json FILE",	      "--no-huge",     "--obj-size BYTES",
		"--objs N",	      "--reps N",      "--duration-ms MS",
		"--warmup-ms MS",     "--max-objs N",  "--threads LIST",
		"--bulks LIST",	      "--hold N",      "--no-dpdk",
		"--xl-layout LAYOUT", "--clock CLOCK", "--backends NAMES",
		"--buf-place HOW",    "--help"};
	const char *args[] = {"--help", NULL};
	struct outcome o = run_bench(args);

	cr_assert_eq(o.status, 0);
	cr_expect_not_null(strstr(o.out, "Usage: "));
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		cr_expect_not_null(strstr(o.out, opts[i]), "--help lacks '%s':\n%s", opts[i],
				   o.out);
	cr_expect_not_null(strstr(o.out, "(default 1,8,32,64;"), "%s", o.out);
	outcome_free(&o);
}
