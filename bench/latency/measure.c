// SPDX-License-Identifier: BSD-2-Clause
/* The sequence of measurements lat_client runs: warm-up, repetitions, sweeps, throughput search. */
#include <errno.h>
#include <stdio.h>

#include "report.h"

static struct lat_run_cfg base_run(const struct lat_cli_cfg *c)
{
	return (struct lat_run_cfg){
		.open_loop = c->mode != LAT_MODE_PINGPONG,
		.wait = c->wait,
		.size = c->size,
		.rate_pps = c->rate,
		.count = c->count,
		.duration_ns = (uint64_t)(c->duration_s * 1e9),
		.timeout_ns = (uint64_t)(c->timeout_ms * 1e6),
		.drain_ns = (uint64_t)(c->drain_ms * 1e6),
		.stamp = c->stamp,
	};
}

static int warmup(const struct lat_cli_cfg *c, const struct lat_socks *s, struct lat_result *res,
		  uint64_t rate)
{
	struct lat_run_cfg rc = base_run(c);

	if (c->warmup_s <= 0)
		return 0;
	rc.warmup = true;
	rc.rate_pps = rate;
	rc.duration_ns = (uint64_t)(c->warmup_s * 1e9);
	if (!c->quiet)
		fprintf(stderr, "[%s] warm-up %.1f s\n", c->label, c->warmup_s);
	return lat_run(s, &rc, res);
}

static bool step_pass(const struct lat_cli_cfg *c, const struct lat_result *res)
{
	return res->sent && res->received &&
	       (double)res->lost <= c->loss_target * (double)res->sent && !res->generator_limited;
}

static int tput_search(const struct lat_cli_cfg *c, const struct lat_socks *s, struct lat_report *r,
		       unsigned int rep, struct lat_result *res)
{
	struct lat_run_cfg rc = base_run(c);
	uint64_t rate = c->rate_start, good = 0, bad = 0;
	unsigned int step, retries = 0;
	bool limited = false;
	int err;

	rc.duration_ns = (uint64_t)(c->step_s * 1e9);
	for (step = 0; step < LAT_TPUT_MAX_STEPS; step++) {
		bool pass;

		rc.rate_pps = rate;
		err = lat_run(s, &rc, res);
		if (err)
			return err;
		pass = step_pass(c, res);
		/* a step lost only to a descheduled generator is tried again, twice per search */
		if (!pass && res->generator_limited && retries < 2 &&
		    (double)res->lost <= c->loss_target * (double)res->sent) {
			retries++;
			err = lat_report_add(r, rep, rate, true, false, res);
			if (err)
				return err;
			if (!c->quiet)
				fprintf(stderr,
					"[%s] tput rep %u: %llu pps: generator fell behind, "
					"trying again\n",
					c->label, rep + 1, (unsigned long long)rate);
			continue;
		}
		err = lat_report_add(r, rep, rate, true, pass, res);
		if (err)
			return err;
		if (!c->quiet)
			fprintf(stderr,
				"[%s] tput rep %u: %llu pps offered, %.0f echoed/s, loss "
				"%.4f%%%s\n",
				c->label, rep + 1, (unsigned long long)rate, res->rx_pps,
				res->sent ? 100.0 * (double)res->lost / (double)res->sent : 0.0,
				res->generator_limited ? " (generator late)" : "");
		if (pass) {
			if (rate > good)
				good = rate;
		} else {
			if (!bad || rate < bad)
				bad = rate;
			/* remember whether it was the generator that could not keep up */
			limited = res->generator_limited &&
				  (double)res->lost <= c->loss_target * (double)res->sent;
		}
		if (!bad) {
			if (rate >= c->rate_max) {
				limited = true; /* the ceiling, not the server, ended the search */
				break;
			}
			rate = rate * 2 > c->rate_max ? c->rate_max : rate * 2;
		} else if (!good) {
			if (rate < 2000)
				break;
			rate /= 2;
		} else {
			if (bad - good <= good / 20)
				break;
			rate = (good + bad) / 2;
		}
	}
	lat_report_set_max_rate(r, rep, good, limited);
	return 0;
}

int lat_measure(const struct lat_cli_cfg *c, const struct lat_socks *s, struct lat_report *r)
{
	struct xl_hist *h = xl_hist_create();
	struct lat_result res = {.hist = h};
	struct lat_run_cfg rc = base_run(c);
	char label[96];
	unsigned int rep, k;
	int err = 0;

	for (k = 0; c->stamp && k < LAT_NSEG; k++)
		if (!(res.seg[k] = xl_hist_create()))
			err = -ENOMEM;
	if (!h || err) {
		for (k = 0; k < LAT_NSEG; k++)
			xl_hist_destroy(res.seg[k]);
		xl_hist_destroy(h);
		return -ENOMEM;
	}
	snprintf(label, sizeof(label), "%s %s", c->label, lat_mode_name(c->mode));
	err = warmup(c, s, &res,
		     c->mode == LAT_MODE_TPUT	 ? c->rate_start
		     : c->mode == LAT_MODE_SWEEP ? c->rates[0]
						 : c->rate);
	for (rep = 0; !err && rep < c->repeat; rep++) {
		switch (c->mode) {
		case LAT_MODE_PINGPONG:
		case LAT_MODE_OPEN:
			rc.progress = c->quiet ? NULL : label;
			if (!c->quiet)
				fprintf(stderr, "[%s] repetition %u/%u\n", label, rep + 1,
					c->repeat);
			err = lat_run(s, &rc, &res);
			if (!err)
				err = lat_report_add(r, rep, rc.open_loop ? c->rate : 0, false,
						     true, &res);
			break;
		case LAT_MODE_SWEEP:
			rc.duration_ns = (uint64_t)(c->step_s * 1e9);
			for (k = 0; !err && k < c->n_rates; k++) {
				rc.rate_pps = c->rates[k];
				if (!c->quiet)
					fprintf(stderr, "[%s] rep %u/%u: %llu pps\n", label,
						rep + 1, c->repeat,
						(unsigned long long)c->rates[k]);
				err = lat_run(s, &rc, &res);
				if (!err)
					err = lat_report_add(r, rep, c->rates[k], true,
							     step_pass(c, &res), &res);
			}
			break;
		case LAT_MODE_TPUT:
			err = tput_search(c, s, r, rep, &res);
			break;
		default:
			err = -EINVAL;
		}
	}
	for (k = 0; k < LAT_NSEG; k++)
		xl_hist_destroy(res.seg[k]);
	xl_hist_destroy(h);
	return err;
}
