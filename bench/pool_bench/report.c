// SPDX-License-Identifier: BSD-2-Clause
/* pool_bench's output: the configuration, two aligned tables and the ratio summary; JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pool_bench.h"
#include "table.h"

/* The like-for-like pairs whose throughput ratio the tables show. */
static const struct {
	const char *xl, *rte, *label, *key;
	bool cached; /* counts for the target (xl_pool >= cached rte_mempool) */
} ratios[] = {
	{"xl_c256", "rte_c256", "xl/rte c256", "xl_c256/rte_c256", true},
	{"xl_c512", "rte_c512", "xl/rte c512", "xl_c512/rte_c512", true},
	{"xl_ring", "rte_nocache", "xl/rte ring", "xl_ring/rte_nocache", false},
};

#define N_RATIOS (sizeof(ratios) / sizeof(ratios[0]))

/*
 * The ratio the tables show: the median over repetitions of xl / rte throughput, each pair taken
 * from the same repetition (both measured within a fraction of a second, under the same
 * conditions). A shared machine has slow spells of seconds that slow every backend alike; the
 * ratio of the two medians would hinge on which backend happened to get more slow repetitions.
 */
static double ratio(const struct pb_run *r, unsigned int row, unsigned int k)
{
	int x = pb_backend_index(r, ratios[k].xl), y = pb_backend_index(r, ratios[k].rte);
	double v[101], t;
	unsigned int n = (unsigned int)r->opts->reps, i, j;

	if (x < 0 || y < 0)
		return -1;
	for (i = 0; i < n; i++) {
		t = pb_sample(r, row, (unsigned int)x, i)->mobj_s /
		    pb_sample(r, row, (unsigned int)y, i)->mobj_s;
		/* insertion sort: n is at most 101 */
		for (j = i; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	return v[n / 2];
}

/* The ratio of the two medians (JSON only, for comparison with ratio()). */
static double ratio_of_medians(const struct pb_run *r, unsigned int row, unsigned int k)
{
	int x = pb_backend_index(r, ratios[k].xl), y = pb_backend_index(r, ratios[k].rte);

	if (x < 0 || y < 0)
		return -1;
	return pb_median(r, row, (unsigned int)x)->mobj_s /
	       pb_median(r, row, (unsigned int)y)->mobj_s;
}

static bool have_ratio(const struct pb_run *r, unsigned int k)
{
	return pb_backend_index(r, ratios[k].xl) >= 0 && pb_backend_index(r, ratios[k].rte) >= 0;
}

/* The ratios both of whose backends were measured: their indices in ratios[]. */
static unsigned int ratio_list(const struct pb_run *r, unsigned int list[N_RATIOS])
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < N_RATIOS; k++) {
		if (have_ratio(r, k))
			list[n++] = k;
	}
	return n;
}

/* Fixed decimals for readable tables, but never a figure that rounds to 0.0. */
static void number_cell(struct bench_table *t, double v, int decimals)
{
	if (v > 0 && v < 0.1)
		bench_table_cell(t, "%.3g", v);
	else
		bench_table_cell(t, "%.*f", decimals, v);
}

static const char *pattern_name(const struct pb_row *row, char buf[24])
{
	if (strcmp(row->pattern, "hold"))
		return row->pattern;
	snprintf(buf, 24, "hold%u", row->hold);
	return buf;
}

static void row_cells(struct bench_table *t, const struct pb_row *row)
{
	char name[24];

	bench_table_cell(t, "%s", pattern_name(row, name));
	bench_table_cell(t, "%u", row->threads);
	bench_table_cell(t, "%u", row->bulk);
}

static struct bench_table *new_table(const struct pb_run *r, const char *title, unsigned int extra)
{
	struct bench_table *t = bench_table_new(title, 3 + r->set.n + extra);

	if (!t)
		return NULL;
	bench_table_col(t, 0, "pattern", BENCH_ALIGN_LEFT);
	bench_table_col(t, 1, "thr", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 2, "bulk", BENCH_ALIGN_RIGHT);
	for (unsigned int b = 0; b < r->set.n; b++)
		bench_table_col(t, 3 + b, r->set.b[b].label, BENCH_ALIGN_RIGHT);
	return t;
}

static void print_table(struct bench_table *t, FILE *out)
{
	if (!t) {
		fprintf(out, "(no memory for the table)\n");
		return;
	}
	bench_table_print(t, out);
	bench_table_free(t);
	fputc('\n', out);
}

void pb_report_tables(const struct pb_run *r, FILE *out)
{
	const struct pb_opts *o = r->opts;
	unsigned int rl[N_RATIOS], n_ratio = ratio_list(r, rl), slower = 0, cached = 0;
	struct bench_table *t;
	char title[256], name[24];

	fprintf(out, "pool_bench: %u objects x %u B per pool, %s; median of %llu x %llu ms",
		r->cfg.n_objs, r->cfg.obj_size,
		r->cfg.huge ? "2 MiB hugepages" : "4 KiB pages (--no-huge)",
		(unsigned long long)o->reps, (unsigned long long)o->duration_ms);
	if (o->max_objs)
		fprintf(out, " (or %llu objects per thread)", (unsigned long long)o->max_objs);
	fprintf(out, "; pointer arrays %s",
		strcmp(o->buf_place, "spread") ? "page-aligned (--buf-place fixed)"
					       : "at another page offset every repetition");
	fprintf(out, "; threads pinned to CPU");
	for (unsigned int i = 0; i < r->cfg.n_threads; i++)
		fprintf(out, "%s%d", i ? "," : " ", r->cfg.cpus[i]);
	fprintf(out, "\n  %s; %s; load average (1/5/15 min) %s before, %s after\n", r->kernel,
		r->cpu_model, r->load_start, r->load_end);
	for (unsigned int i = 0; i < r->set.n_notes; i++)
		fprintf(out, "  %-28s %s\n", r->set.notes[i].key, r->set.notes[i].value);
	if (r->dpdk_status[0])
		fprintf(out, "  DPDK rte_mempool columns: %s\n", r->dpdk_status);
	fprintf(out, "  pool conservation after the run: %s\n", r->conservation);
	fprintf(out,
		"  one object = one get + one put; cycle: get BULK, write first bytes, put BULK; "
		"holdN: get N in calls of BULK, then put them back\n\n");

	snprintf(title, sizeof(title), "ns per object, per thread, %s time (lower is better)",
		 r->use_cpu_clock ? "CPU" : "wall");
	t = new_table(r, title, 0);
	for (unsigned int row = 0; t && row < r->n_rows; row++) {
		if (row && strcmp(r->rows[row].pattern, r->rows[row - 1].pattern))
			bench_table_sep(t);
		bench_table_row(t);
		row_cells(t, &r->rows[row]);
		for (unsigned int b = 0; b < r->set.n; b++)
			number_cell(t, pb_median(r, row, b)->ns_per_obj, 2);
	}
	print_table(t, out);

	snprintf(title, sizeof(title), "Mobj/s, all threads, %s time (higher is better)%s",
		 r->use_cpu_clock ? "CPU" : "wall",
		 n_ratio ? "; xl/rte = xl_pool / rte_mempool throughput, same cache size, "
			   "median over repetitions of the pair measured in each (> 1: xl_pool "
			   "faster)"
			 : "");
	t = new_table(r, title, n_ratio);
	for (unsigned int k = 0; t && k < n_ratio; k++)
		bench_table_col(t, 3 + r->set.n + k, ratios[rl[k]].label, BENCH_ALIGN_RIGHT);
	for (unsigned int row = 0; t && row < r->n_rows; row++) {
		if (row && strcmp(r->rows[row].pattern, r->rows[row - 1].pattern))
			bench_table_sep(t);
		bench_table_row(t);
		row_cells(t, &r->rows[row]);
		for (unsigned int b = 0; b < r->set.n; b++)
			number_cell(t, pb_median(r, row, b)->mobj_s, 1);
		for (unsigned int k = 0; k < n_ratio; k++)
			number_cell(t, ratio(r, row, rl[k]), 2);
	}
	print_table(t, out);

	if (!n_ratio)
		return;
	/* the target: xl_pool at or above rte_mempool (cached) on every row */
	for (unsigned int row = 0; row < r->n_rows; row++) {
		for (unsigned int i = 0; i < n_ratio; i++) {
			unsigned int k = rl[i];
			double x;

			if (!ratios[k].cached)
				continue;
			x = ratio(r, row, k);
			cached++;
			if (x >= 1.0)
				continue;
			if (!slower++)
				fprintf(out,
					"xl_pool slower than rte_mempool (same cache size) on:");
			fprintf(out, "\n  %s thr %u bulk %u: %s %.2f",
				pattern_name(&r->rows[row], name), r->rows[row].threads,
				r->rows[row].bulk, ratios[k].label, x);
		}
	}
	if (!cached)
		return;
	if (slower)
		fprintf(out, "\n%u of %u cached comparisons below 1.00\n", slower, cached);
	else
		fprintf(out,
			"xl_pool at or above rte_mempool (same cache size) on all %u cached "
			"comparisons\n",
			cached);
}

static void json_sample(struct bench_json *j, const struct pb_sample *s, unsigned int threads)
{
	bench_json_obj_begin(j);
	bench_json_kv_double(j, "mobj_per_s", s->mobj_s);
	bench_json_kv_double(j, "ns_per_obj", s->ns_per_obj);
	bench_json_key(j, "objs");
	bench_json_arr_begin(j);
	for (unsigned int t = 0; t < threads; t++)
		bench_json_uint(j, s->objs[t]);
	bench_json_arr_end(j);
	bench_json_key(j, "ns");
	bench_json_arr_begin(j);
	for (unsigned int t = 0; t < threads; t++)
		bench_json_uint(j, s->ns[t]);
	bench_json_arr_end(j);
	bench_json_key(j, "cpu_ns");
	bench_json_arr_begin(j);
	for (unsigned int t = 0; t < threads; t++)
		bench_json_uint(j, s->cpu_ns[t]);
	bench_json_arr_end(j);
	bench_json_key(j, "buf_offset");
	bench_json_arr_begin(j);
	for (unsigned int t = 0; t < threads; t++)
		bench_json_uint(j, s->buf_off[t]);
	bench_json_arr_end(j);
	bench_json_obj_end(j);
}

/* One "key": {pair: ratio, ...} object of a row, for the pairs both of whose backends ran. */
static void json_ratios(struct bench_json *j, const char *key, const struct pb_run *r,
			unsigned int row,
			double (*fn)(const struct pb_run *, unsigned int, unsigned int))
{
	bench_json_key(j, key);
	bench_json_obj_begin(j);
	for (unsigned int k = 0; k < N_RATIOS; k++) {
		if (have_ratio(r, k))
			bench_json_kv_double(j, ratios[k].key, fn(r, row, k));
	}
	bench_json_obj_end(j);
}

static void json_config(struct bench_json *j, const struct pb_run *r)
{
	const struct pb_opts *o = r->opts;

	bench_json_key(j, "config");
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "kernel", r->kernel);
	bench_json_kv_str(j, "cpu_model", r->cpu_model);
	bench_json_kv_bool(j, "huge", r->cfg.huge);
	bench_json_kv_uint(j, "page_size", r->cfg.huge ? 2u << 20 : 4096);
	bench_json_kv_uint(j, "obj_size", r->cfg.obj_size);
	bench_json_kv_uint(j, "n_objs", r->cfg.n_objs);
	bench_json_kv_uint(j, "reps", o->reps);
	bench_json_kv_uint(j, "duration_ms", o->duration_ms);
	bench_json_kv_uint(j, "warmup_ms", o->warmup_ms);
	bench_json_kv_uint(j, "max_objs_per_thread", o->max_objs);
	bench_json_kv_uint(j, "hold", o->hold);
	bench_json_kv_str(j, "xl_layout", o->xl_layout);
	bench_json_kv_str(j, "clock", o->clock);
	bench_json_kv_str(j, "buf_place", o->buf_place);
	bench_json_key(j, "cpus");
	bench_json_arr_begin(j);
	for (unsigned int i = 0; i < r->cfg.n_threads; i++)
		bench_json_int(j, r->cfg.cpus[i]);
	bench_json_arr_end(j);
	bench_json_kv_str(j, "compiler", __VERSION__);
#ifdef PB_BUILDTYPE
	bench_json_kv_str(j, "buildtype", PB_BUILDTYPE);
#endif
	bench_json_kv_bool(j, "under_valgrind", r->under_valgrind);
	bench_json_kv_bool(j, "dpdk", !r->dpdk_status[0]);
	bench_json_kv_str(j, "dpdk_status", r->dpdk_status[0] ? r->dpdk_status : "measured");
	bench_json_kv_str(j, "conservation", r->conservation);
	bench_json_kv_str(j, "loadavg_before", r->load_start);
	bench_json_kv_str(j, "loadavg_after", r->load_end);
	bench_json_key(j, "layout");
	bench_json_obj_begin(j);
	for (unsigned int i = 0; i < r->set.n_notes; i++)
		bench_json_kv_str(j, r->set.notes[i].key, r->set.notes[i].value);
	bench_json_obj_end(j);
	bench_json_kv_str(j, "units",
			  "one object = one get + one put; mobj_per_s: all threads; "
			  "ns_per_obj: mean of each thread's ns per object");
	bench_json_obj_end(j);
}

int pb_report_json(const struct pb_run *r, const char *path)
{
	FILE *f = fopen(path, "w");
	struct bench_json *j;
	int ret;

	if (!f)
		return -errno;
	j = bench_json_new(f, BENCH_JSON_PRETTY);
	if (!j) {
		ret = -errno;
		fclose(f);
		return ret;
	}
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "benchmark", "pool_bench");
	bench_json_kv_uint(j, "format", 1);
	json_config(j, r);

	bench_json_key(j, "backends");
	bench_json_arr_begin(j);
	for (unsigned int b = 0; b < r->set.n; b++) {
		bench_json_obj_begin(j);
		bench_json_kv_str(j, "name", r->set.b[b].name);
		bench_json_kv_str(j, "label", r->set.b[b].label);
		bench_json_kv_str(j, "family", r->set.b[b].family);
		bench_json_kv_uint(j, "cache_size", r->set.b[b].cache_size);
		bench_json_obj_end(j);
	}
	bench_json_arr_end(j);

	bench_json_key(j, "rows");
	bench_json_arr_begin(j);
	for (unsigned int row = 0; row < r->n_rows; row++) {
		const struct pb_row *rw = &r->rows[row];

		bench_json_obj_begin(j);
		bench_json_kv_str(j, "pattern", rw->pattern);
		bench_json_kv_uint(j, "threads", rw->threads);
		bench_json_kv_uint(j, "bulk", rw->bulk);
		bench_json_kv_uint(j, "hold", rw->hold);
		bench_json_key(j, "results");
		bench_json_obj_begin(j);
		for (unsigned int b = 0; b < r->set.n; b++) {
			const struct pb_sample *m = pb_median(r, row, b);

			bench_json_key(j, r->set.b[b].name);
			bench_json_obj_begin(j);
			bench_json_kv_double(j, "median_mobj_per_s", m->mobj_s);
			bench_json_kv_double(j, "median_ns_per_obj", m->ns_per_obj);
			bench_json_key(j, "reps");
			bench_json_arr_begin(j);
			for (unsigned int rep = 0; rep < r->opts->reps; rep++)
				json_sample(j, pb_sample(r, row, b, rep), rw->threads);
			bench_json_arr_end(j);
			bench_json_obj_end(j);
		}
		bench_json_obj_end(j);
		json_ratios(j, "ratios", r, row, ratio);
		json_ratios(j, "ratios_of_medians", r, row, ratio_of_medians);
		bench_json_obj_end(j);
	}
	bench_json_arr_end(j);
	bench_json_obj_end(j);
	ret = bench_json_finish(j);
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}
