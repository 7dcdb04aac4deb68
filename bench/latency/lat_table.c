// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_table: the comparison table of the latency harness, with every server's ratios to the
 * baseline server (the blocking kernel socket) measured in the same run.
 *
 *   jq -r -f bench/latency/table.jq results/latency.json | lat_table --baseline kernel-block
 *
 * Input, one tab-separated line per measurement (all times in ns):
 *   lat  SERVER RUN min p50 p90 p99 p99.9 p99.99 max mean p50_lo p50_hi p99_lo p99_hi rx_pps loss
 *   tput SERVER RUN max_pps max_pps_lo max_pps_hi lower_bound(0|1)
 * Latency figures are medians over the repetitions; _lo/_hi are the spread (min, max).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define MAX_ROWS 256
#define NLAT	 14

struct row {
	char kind[8], server[64], run[64];
	double v[NLAT];
	unsigned int n;
};

static const char *const lat_cols[] = {"min",	"p50",	  "p90", "p99",
				       "p99.9", "p99.99", "max", "mean"};

static int parse_line(char *line, struct row *r, unsigned int lineno)
{
	char *save = NULL, *tok;
	unsigned int field = 0, want;

	memset(r, 0, sizeof(*r));
	for (tok = strtok_r(line, "\t\n", &save); tok; tok = strtok_r(NULL, "\t\n", &save)) {
		if (field == 0)
			snprintf(r->kind, sizeof(r->kind), "%s", tok);
		else if (field == 1)
			snprintf(r->server, sizeof(r->server), "%s", tok);
		else if (field == 2)
			snprintf(r->run, sizeof(r->run), "%s", tok);
		else if (field - 3 < NLAT) {
			char *end;

			r->v[field - 3] = strtod(tok, &end);
			if (*end) {
				fprintf(stderr, "lat_table: line %u: bad number '%s'\n", lineno,
					tok);
				return -EINVAL;
			}
			r->n++;
		}
		field++;
	}
	want = !strcmp(r->kind, "lat") ? NLAT : !strcmp(r->kind, "tput") ? 4 : 0;
	if (!want || r->n != want) {
		fprintf(stderr, "lat_table: line %u: want 'lat' with %u or 'tput' with 4 numbers\n",
			lineno, NLAT);
		return -EINVAL;
	}
	return 0;
}

static const struct row *find(const struct row *rows, unsigned int n, const char *kind,
			      const char *server, const char *run)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].kind, kind) && !strcmp(rows[i].server, server) &&
		    !strcmp(rows[i].run, run))
			return &rows[i];
	return NULL;
}

static void ratio_cell(struct bench_table *t, double v, const struct row *base, unsigned int k)
{
	if (base && base->v[k] > 0)
		bench_table_cell(t, "%.2fx", v / base->v[k]);
	else
		bench_table_cell(t, "-");
}

static int print_lat(const struct row *rows, unsigned int n, const char *baseline)
{
	struct bench_table *t;
	unsigned int i, k;
	char title[160];
	int err;

	snprintf(title, sizeof(title),
		 "round-trip latency in us (median of repetitions; p50/p99 spread in brackets); "
		 "ratios: server / %s, same run",
		 baseline);
	t = bench_table_new(title, 2 + 8 + 2 + 2 + 2);
	if (!t)
		return -errno;
	bench_table_col(t, 0, "server", BENCH_ALIGN_LEFT);
	bench_table_col(t, 1, "client", BENCH_ALIGN_LEFT);
	for (k = 0; k < 8; k++)
		bench_table_col(t, 2 + k, lat_cols[k], BENCH_ALIGN_RIGHT);
	bench_table_col(t, 10, "p50 spread", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 11, "p99 spread", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 12, "echo/s", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 13, "loss%", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 14, "p50 ratio", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 15, "p99 ratio", BENCH_ALIGN_RIGHT);
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i], *base;

		if (strcmp(r->kind, "lat"))
			continue;
		base = find(rows, n, "lat", baseline, r->run);
		bench_table_row(t);
		bench_table_cell(t, "%s", r->server);
		bench_table_cell(t, "%s", r->run);
		for (k = 0; k < 8; k++)
			bench_table_cell(t, "%.1f", r->v[k] / 1e3);
		bench_table_cell(t, "[%.1f-%.1f]", r->v[8] / 1e3, r->v[9] / 1e3);
		bench_table_cell(t, "[%.1f-%.1f]", r->v[10] / 1e3, r->v[11] / 1e3);
		bench_table_cell(t, "%.0f", r->v[12]);
		bench_table_cell(t, "%.3f", r->v[13] * 100);
		ratio_cell(t, r->v[1], base, 1);
		ratio_cell(t, r->v[3], base, 3);
	}
	err = bench_table_print(t, stdout);
	bench_table_free(t);
	return err;
}

static int print_tput(const struct row *rows, unsigned int n, const char *baseline)
{
	struct bench_table *t;
	unsigned int i, shown = 0;
	char title[160];
	int err;

	for (i = 0; i < n; i++)
		shown += !strcmp(rows[i].kind, "tput");
	if (!shown)
		return 0;
	snprintf(title, sizeof(title),
		 "highest echo rate with loss < 0.1%% (median of repetitions); ratio: server / %s",
		 baseline);
	t = bench_table_new(title, 5);
	if (!t)
		return -errno;
	bench_table_col(t, 0, "server", BENCH_ALIGN_LEFT);
	bench_table_col(t, 1, "setup", BENCH_ALIGN_LEFT);
	bench_table_col(t, 2, "max pps", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 3, "spread", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 4, "ratio", BENCH_ALIGN_RIGHT);
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i], *base;

		if (strcmp(r->kind, "tput"))
			continue;
		base = find(rows, n, "tput", baseline, r->run);
		bench_table_row(t);
		bench_table_cell(t, "%s", r->server);
		bench_table_cell(t, "%s", r->run);
		bench_table_cell(t, "%.0f%s", r->v[0], r->v[3] > 0 ? "+" : "");
		bench_table_cell(t, "[%.0f-%.0f]", r->v[1], r->v[2]);
		ratio_cell(t, r->v[0], base, 0);
	}
	err = bench_table_print(t, stdout);
	bench_table_free(t);
	if (!err)
		printf("(+ = lower bound: the generator or --rate-max, not the server, ended the "
		       "search)\n");
	return err;
}

int main(int argc, char **argv)
{
	static struct row rows[MAX_ROWS];
	const char *baseline = "kernel-block";
	unsigned int n = 0, lineno = 0;
	char line[2048];

	if (argc == 3 && !strcmp(argv[1], "--baseline")) {
		baseline = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: lat_table [--baseline SERVER] < rows.tsv\n");
		return EXIT_FAILURE;
	}
	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		if (n == MAX_ROWS) {
			fprintf(stderr, "lat_table: more than %u rows\n", MAX_ROWS);
			return EXIT_FAILURE;
		}
		if (parse_line(line, &rows[n], lineno))
			return EXIT_FAILURE;
		n++;
	}
	if (!n) {
		fprintf(stderr, "lat_table: no rows on stdin\n");
		return EXIT_FAILURE;
	}
	if (print_lat(rows, n, baseline) || print_tput(rows, n, baseline))
		return EXIT_FAILURE;
	return EXIT_SUCCESS;
}
