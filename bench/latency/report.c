// SPDX-License-Identifier: BSD-2-Clause
/* lat_client's report: the recorded measurements, the stdout table and the JSON document. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "steer.h" /* XL_TS_SRC_* */
#include "table.h"

const double lat_pct_values[LAT_NPCT] = {0, 50, 90, 99, 99.9, 99.99, 100};
const char *const lat_pct_names[LAT_NPCT] = {"min", "p50", "p90", "p99", "p99.9", "p99.99", "max"};

#define MAX_POINTS \
	(LAT_MAX_REPEAT * (LAT_MAX_STEPS > LAT_TPUT_MAX_STEPS ? LAT_MAX_STEPS : LAT_TPUT_MAX_STEPS))

struct lat_report {
	const struct lat_cli_cfg *cfg;
	unsigned int n_reps, n_steps;
	struct lat_point reps[LAT_MAX_REPEAT];
	struct lat_point steps[MAX_POINTS];
	uint64_t max_rate[LAT_MAX_REPEAT];
	bool max_rate_limited[LAT_MAX_REPEAT];
	unsigned int n_max_rate;
	struct xl_hist *all;	       /* every repetition merged, for the HDR curve */
	struct xl_hist *seg[LAT_NSEG]; /* with --stamp: each segment, repetitions merged */
	uint64_t stamped[LAT_NSRC], stamp_skew;
};

static const char *const mode_names[LAT_MODE_MAX] = {"pingpong", "open", "sweep", "tput"};

const char *lat_mode_name(enum lat_mode m)
{
	return m < LAT_MODE_MAX ? mode_names[m] : "?";
}

struct lat_report *lat_report_create(const struct lat_cli_cfg *cfg)
{
	struct lat_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cfg = cfg;
	r->all = xl_hist_create();
	for (unsigned int k = 0; cfg->stamp && k < LAT_NSEG; k++)
		if (!(r->seg[k] = xl_hist_create()))
			goto fail;
	if (!r->all)
		goto fail;
	return r;
fail:
	lat_report_destroy(r);
	errno = ENOMEM;
	return NULL;
}

void lat_report_destroy(struct lat_report *r)
{
	if (!r)
		return;
	xl_hist_destroy(r->all);
	for (unsigned int k = 0; k < LAT_NSEG; k++)
		xl_hist_destroy(r->seg[k]);
	free(r);
}

int lat_report_add(struct lat_report *r, unsigned int rep, uint64_t offered, bool is_step,
		   bool pass, const struct lat_result *res)
{
	struct lat_point *p;
	unsigned int i;

	if (is_step ? r->n_steps >= MAX_POINTS : r->n_reps >= LAT_MAX_REPEAT)
		return -ENOSPC;
	p = is_step ? &r->steps[r->n_steps++] : &r->reps[r->n_reps++];
	p->rep = rep;
	p->offered_pps = offered;
	p->res = *res;
	p->res.hist = NULL;
	memset(p->res.seg, 0, sizeof(p->res.seg));
	p->pass = pass;
	for (i = 0; i < LAT_NPCT; i++)
		p->pct_ns[i] = xl_hist_percentile(res->hist, lat_pct_values[i]);
	p->mean_ns = xl_hist_mean(res->hist);
	if (!is_step) {
		xl_hist_merge(r->all, res->hist);
		for (i = 0; i < LAT_NSEG; i++)
			if (r->seg[i] && res->seg[i])
				xl_hist_merge(r->seg[i], res->seg[i]);
		for (i = 0; i < LAT_NSRC; i++)
			r->stamped[i] += res->stamped[i];
		r->stamp_skew += res->stamp_skew;
	}
	return 0;
}

void lat_report_set_max_rate(struct lat_report *r, unsigned int rep, uint64_t pps, bool limited)
{
	if (rep >= LAT_MAX_REPEAT)
		return;
	r->max_rate[rep] = pps;
	r->max_rate_limited[rep] = limited;
	if (rep + 1 > r->n_max_rate)
		r->n_max_rate = rep + 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* median (lower of the two middles), minimum and maximum of n values */
static void spread(const uint64_t *v, unsigned int n, uint64_t out[3])
{
	uint64_t tmp[MAX_POINTS];

	if (!n) {
		out[0] = out[1] = out[2] = 0;
		return;
	}
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_u64);
	out[0] = tmp[(n - 1) / 2];
	out[1] = tmp[0];
	out[2] = tmp[n - 1];
}

static double loss_pct(const struct lat_result *res)
{
	return res->sent ? 100.0 * (double)res->lost / (double)res->sent : 0.0;
}

static void point_row(struct bench_table *t, const char *what, const struct lat_point *p)
{
	unsigned int i;

	bench_table_row(t);
	bench_table_cell(t, "%s", what);
	bench_table_cell(t, "%llu", (unsigned long long)p->res.sent);
	bench_table_cell(t, "%.3f", loss_pct(&p->res));
	bench_table_cell(t, "%.0f", p->res.rx_pps);
	for (i = 0; i < LAT_NPCT; i++)
		bench_table_cell(t, "%.1f", (double)p->pct_ns[i] / 1e3);
	bench_table_cell(t, "%.1f", p->mean_ns / 1e3);
}

static const char *const seg_titles[LAT_NSEG] = {"client -> XDP", "XDP -> worker",
						 "worker -> client"};

/* the stamp sources seen: "ktime", "rx_meta", "ktime+rx_meta" or "none" */
static const char *src_summary(const struct lat_report *r)
{
	bool k = r->stamped[XL_TS_SRC_KTIME], m = r->stamped[XL_TS_SRC_RX_META];

	return k && m ? "ktime+rx_meta" : k ? "ktime" : m ? "rx_meta" : "none";
}

/* the round-trip breakdown of stamped echoes (repetitions merged) */
static int print_breakdown(const struct lat_report *r, FILE *out)
{
	uint64_t stamped = r->stamped[XL_TS_SRC_KTIME] + r->stamped[XL_TS_SRC_RX_META];
	struct bench_table *t;
	char title[200];
	unsigned int i, k;
	int err;

	snprintf(title, sizeof(title),
		 "%s: round trip split at the server's stamps (source %s; %llu stamped, %llu not, "
		 "%llu out of order) (us)",
		 r->cfg->label, src_summary(r), (unsigned long long)stamped,
		 (unsigned long long)r->stamped[XL_TS_SRC_NONE], (unsigned long long)r->stamp_skew);
	t = bench_table_new(title, 1 + LAT_NPCT);
	if (!t)
		return -errno;
	bench_table_col(t, 0, "segment", BENCH_ALIGN_LEFT);
	for (i = 0; i < LAT_NPCT; i++)
		bench_table_col(t, 1 + i, lat_pct_names[i], BENCH_ALIGN_RIGHT);
	for (k = 0; k < LAT_NSEG; k++) {
		bench_table_row(t);
		bench_table_cell(t, "%s", seg_titles[k]);
		for (i = 0; i < LAT_NPCT; i++)
			bench_table_cell(t, "%.1f",
					 (double)xl_hist_percentile(r->seg[k], lat_pct_values[i]) /
						 1e3);
	}
	err = bench_table_print(t, out);
	bench_table_free(t);
	return err;
}

int lat_report_print(const struct lat_report *r, FILE *out)
{
	const struct lat_cli_cfg *c = r->cfg;
	char title[160], what[64];
	struct bench_table *t;
	unsigned int i;
	int err;

	snprintf(
		title, sizeof(title), "%s: %s%s%s, %u flow(s), %u-byte payload, to %s port %u (us)",
		c->label, lat_mode_name(c->mode),
		c->mode == LAT_MODE_PINGPONG ? (c->wait == LAT_WAIT_SPIN ? " spin" : " block") : "",
		"", c->flows, c->size, c->server, c->port);
	t = bench_table_new(title, 4 + LAT_NPCT + 1);
	if (!t)
		return -errno;
	bench_table_col(t, 0, "run", BENCH_ALIGN_LEFT);
	bench_table_col(t, 1, "sent", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 2, "loss%", BENCH_ALIGN_RIGHT);
	bench_table_col(t, 3, "echo/s", BENCH_ALIGN_RIGHT);
	for (i = 0; i < LAT_NPCT; i++)
		bench_table_col(t, 4 + i, lat_pct_names[i], BENCH_ALIGN_RIGHT);
	bench_table_col(t, 4 + LAT_NPCT, "mean", BENCH_ALIGN_RIGHT);
	for (i = 0; i < r->n_reps; i++) {
		snprintf(what, sizeof(what), "rep %u", r->reps[i].rep + 1);
		point_row(t, what, &r->reps[i]);
	}
	for (i = 0; i < r->n_steps; i++) {
		snprintf(what, sizeof(what), "rep %u @%llu/s%s", r->steps[i].rep + 1,
			 (unsigned long long)r->steps[i].offered_pps,
			 c->mode == LAT_MODE_TPUT ? (r->steps[i].pass ? " ok" : " FAIL") : "");
		point_row(t, what, &r->steps[i]);
	}
	err = bench_table_print(t, out);
	bench_table_free(t);
	for (i = 0; i < r->n_max_rate; i++)
		fprintf(out, "max rate with loss < %.3f%%, rep %u: %llu pps%s\n",
			c->loss_target * 100, i + 1, (unsigned long long)r->max_rate[i],
			r->max_rate_limited[i] ? " (lower bound: generator or --rate-max)" : "");
	if (!err && c->stamp)
		err = print_breakdown(r, out);
	return err;
}

static void json_point(struct bench_json *j, const struct lat_point *p)
{
	const struct lat_result *s = &p->res;
	unsigned int i;

	bench_json_obj_begin(j);
	bench_json_kv_uint(j, "rep", p->rep);
	bench_json_kv_uint(j, "offered_pps", p->offered_pps);
	bench_json_kv_uint(j, "sent", s->sent);
	bench_json_kv_uint(j, "received", s->received);
	bench_json_kv_uint(j, "lost", s->lost);
	bench_json_kv_double(j, "loss_ratio", s->sent ? (double)s->lost / (double)s->sent : 0.0);
	bench_json_kv_uint(j, "dups", s->dups);
	bench_json_kv_uint(j, "reordered", s->reordered);
	bench_json_kv_uint(j, "corrupt", s->corrupt);
	bench_json_kv_uint(j, "stale", s->stale);
	bench_json_kv_uint(j, "foreign", s->foreign);
	bench_json_kv_uint(j, "timeouts", s->timeouts);
	bench_json_kv_uint(j, "send_errors", s->send_errors);
	bench_json_kv_uint(j, "refused", s->refused);
	bench_json_kv_double(j, "elapsed_s", s->elapsed_s);
	bench_json_kv_double(j, "tx_pps", s->tx_pps);
	bench_json_kv_double(j, "rx_pps", s->rx_pps);
	bench_json_kv_uint(j, "max_lag_ns", s->max_lag_ns);
	bench_json_kv_uint(j, "end_lag_ns", s->end_lag_ns);
	bench_json_kv_bool(j, "generator_limited", s->generator_limited);
	bench_json_kv_bool(j, "pass", p->pass);
	bench_json_key(j, "latency_ns");
	bench_json_obj_begin(j);
	for (i = 0; i < LAT_NPCT; i++)
		bench_json_kv_uint(j, lat_pct_names[i], p->pct_ns[i]);
	bench_json_kv_double(j, "mean", p->mean_ns);
	bench_json_obj_end(j);
	bench_json_obj_end(j);
}

static void json_spread(struct bench_json *j, const char *key, const uint64_t *v, unsigned int n)
{
	uint64_t s[3];

	spread(v, n, s);
	bench_json_key(j, key);
	bench_json_obj_begin(j);
	bench_json_kv_uint(j, "median", s[0]);
	bench_json_kv_uint(j, "min", s[1]);
	bench_json_kv_uint(j, "max", s[2]);
	bench_json_obj_end(j);
}

/* summary over the repetitions: median and spread of every percentile, totals */
static void json_summary(struct bench_json *j, const struct lat_report *r)
{
	uint64_t v[LAT_MAX_REPEAT], sent = 0, recv = 0, lost = 0;
	unsigned int i, k;

	bench_json_key(j, "summary");
	bench_json_obj_begin(j);
	bench_json_key(j, "latency_ns");
	bench_json_obj_begin(j);
	for (k = 0; k < LAT_NPCT; k++) {
		for (i = 0; i < r->n_reps; i++)
			v[i] = r->reps[i].pct_ns[k];
		json_spread(j, lat_pct_names[k], v, r->n_reps);
	}
	for (i = 0; i < r->n_reps; i++)
		v[i] = (uint64_t)llround(r->reps[i].mean_ns);
	json_spread(j, "mean", v, r->n_reps);
	bench_json_obj_end(j);
	for (i = 0; i < r->n_reps; i++) {
		sent += r->reps[i].res.sent;
		recv += r->reps[i].res.received;
		lost += r->reps[i].res.lost;
		v[i] = (uint64_t)llround(r->reps[i].res.rx_pps);
	}
	json_spread(j, "rx_pps", v, r->n_reps);
	bench_json_kv_uint(j, "sent", sent);
	bench_json_kv_uint(j, "received", recv);
	bench_json_kv_uint(j, "lost", lost);
	bench_json_kv_double(j, "loss_ratio", sent ? (double)lost / (double)sent : 0.0);
	bench_json_obj_end(j);
}

struct hdr_ctx {
	struct bench_json *j;
	uint64_t total;
	double next; /* next log10(1/(1-p)) to emit */
};

/* HDR curve points: about 20 per decade of 1/(1-p), plus the maximum */
static int hdr_point(uint64_t value, uint64_t count, uint64_t cum, void *vctx)
{
	struct hdr_ctx *ctx = vctx;
	double p = (double)cum / (double)ctx->total, x;

	(void)count;
	x = cum >= ctx->total ? INFINITY : -log10(1.0 - p);
	if (x < ctx->next && cum < ctx->total)
		return 0;
	bench_json_arr_begin(ctx->j);
	bench_json_double(ctx->j, 100.0 * p);
	bench_json_uint(ctx->j, value);
	bench_json_arr_end(ctx->j);
	ctx->next = (isinf(x) ? 99 : x) + 0.05;
	return 0;
}

/* "breakdown": null without --stamp; else the sources, counts and each segment's percentiles */
static void json_breakdown(struct bench_json *j, const struct lat_report *r)
{
	unsigned int i, k;

	bench_json_key(j, "breakdown");
	if (!r->cfg->stamp) {
		bench_json_null(j);
		return;
	}
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "source", src_summary(r));
	bench_json_key(j, "echoes");
	bench_json_obj_begin(j);
	for (i = 0; i < LAT_NSRC; i++)
		bench_json_kv_uint(j, lat_src_names[i], r->stamped[i]);
	bench_json_kv_uint(j, "out_of_order", r->stamp_skew);
	bench_json_obj_end(j);
	bench_json_key(j, "segments_ns");
	bench_json_obj_begin(j);
	for (k = 0; k < LAT_NSEG; k++) {
		bench_json_key(j, lat_seg_names[k]);
		bench_json_obj_begin(j);
		for (i = 0; i < LAT_NPCT; i++)
			bench_json_kv_uint(j, lat_pct_names[i],
					   xl_hist_percentile(r->seg[k], lat_pct_values[i]));
		bench_json_kv_double(j, "mean", xl_hist_mean(r->seg[k]));
		bench_json_obj_end(j);
	}
	bench_json_obj_end(j);
	bench_json_obj_end(j);
}

int lat_report_json(const struct lat_report *r, FILE *out)
{
	const struct lat_cli_cfg *c = r->cfg;
	struct bench_json *j = bench_json_new(out, BENCH_JSON_PRETTY);
	unsigned int i;

	if (!j)
		return -errno;
	bench_json_obj_begin(j);
	bench_json_kv_str(j, "schema", "xlane-latency-client/1");
	bench_json_kv_str(j, "label", c->label);
	bench_json_kv_str(j, "mode", lat_mode_name(c->mode));
	bench_json_kv_str(j, "wait",
			  c->mode == LAT_MODE_PINGPONG
				  ? (c->wait == LAT_WAIT_SPIN ? "spin" : "block")
				  : "spin");
	bench_json_kv_str(j, "server", c->server);
	bench_json_kv_uint(j, "port", c->port);
	bench_json_kv_str(j, "family", c->dst.ss_family == AF_INET6 ? "ipv6" : "ipv4");
	bench_json_kv_uint(j, "flows", c->flows);
	bench_json_kv_uint(j, "payload_bytes", c->size);
	bench_json_kv_int(j, "cpu", c->cpu);
	bench_json_kv_uint(j, "repeat", c->repeat);
	bench_json_kv_double(j, "warmup_s", c->warmup_s);
	bench_json_kv_double(j, "duration_s", c->duration_s);
	bench_json_kv_uint(j, "count", c->count);
	bench_json_kv_double(j, "timeout_ms", c->timeout_ms);
	bench_json_kv_double(j, "drain_ms", c->drain_ms);
	bench_json_kv_uint(j, "rate_pps", c->mode == LAT_MODE_OPEN ? c->rate : 0);
	bench_json_kv_double(j, "step_s", c->step_s);
	bench_json_kv_double(j, "loss_target", c->loss_target);
	bench_json_key(j, "repetitions");
	bench_json_arr_begin(j);
	for (i = 0; i < r->n_reps; i++)
		json_point(j, &r->reps[i]);
	bench_json_arr_end(j);
	bench_json_key(j, "steps");
	bench_json_arr_begin(j);
	for (i = 0; i < r->n_steps; i++)
		json_point(j, &r->steps[i]);
	bench_json_arr_end(j);
	json_summary(j, r);
	if (c->mode == LAT_MODE_TPUT) {
		bool limited = false;

		bench_json_key(j, "max_rate");
		bench_json_obj_begin(j);
		json_spread(j, "pps", r->max_rate, r->n_max_rate);
		for (i = 0; i < r->n_max_rate; i++)
			limited |= r->max_rate_limited[i];
		bench_json_kv_bool(j, "lower_bound", limited);
		bench_json_obj_end(j);
	}
	json_breakdown(j, r);
	bench_json_key(j, "hdr");
	bench_json_arr_begin(j);
	if (r->all->count) {
		struct hdr_ctx ctx = {.j = j, .total = r->all->count};

		xl_hist_foreach_bucket(r->all, hdr_point, &ctx);
	}
	bench_json_arr_end(j);
	bench_json_obj_end(j);
	return bench_json_finish(j);
}
