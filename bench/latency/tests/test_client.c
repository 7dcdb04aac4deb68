// SPDX-License-Identifier: BSD-2-Clause
/*
 * lat_run's real engine against a simulated echo server on an AF_UNIX socketpair (no network):
 * every loss/duplicate/reorder/corruption counter moves by exactly what the server did, and a
 * server stall shows up in the open-loop percentiles (coordinated omission corrected) while the
 * closed loop, as expected, hides it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdlib.h>

#include "client.h"
#include "echo_sim.h"
#include "steer.h" /* XL_TS_SRC_* */

static bool valgrind(void)
{
	return getenv("XL_UNDER_VALGRIND") != NULL;
}

static struct lat_run_cfg open_cfg(uint64_t rate, uint64_t count)
{
	return (struct lat_run_cfg){
		.open_loop = true,
		.size = 64,
		.rate_pps = rate,
		.count = count,
		.duration_ns = 10ull * 1000000000u,
		.drain_ns = 500ull * 1000000u,
	};
}

struct counter_case {
	const char *name;
	enum sim_behaviour how;
	unsigned int every;
};

ParameterizedTestParameters(lat_client, counters)
{
	static struct counter_case cases[] = {
		{"clean echo", SIM_ECHO, 0},
		{"drop every 10th", SIM_DROP, 10},
		{"duplicate every 7th", SIM_DUP, 7},
		{"swap every 9th with the next", SIM_SWAP, 9},
		{"corrupt every 5th", SIM_CORRUPT, 5},
	};

	return cr_make_param_array(struct counter_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct counter_case *c, lat_client, counters)
{
	uint64_t n = valgrind() ? 400 : 2000;
	struct lat_run_cfg cfg = open_cfg(valgrind() ? 5000 : 20000, n);
	struct echo_sim sim = {.how = c->how, .every = c->every};
	struct lat_result res = {.hist = xl_hist_create()};
	struct lat_socks s;

	cr_assert(res.hist);
	cr_assert_eq(echo_sim_start(&sim, &s), 0);
	cr_assert_eq(lat_run(&s, &cfg, &res), 0);
	echo_sim_stop(&sim, &s);

	cr_assert_eq(res.sent, n, "%s: sent %llu", c->name, (unsigned long long)res.sent);
	cr_assert_eq(sim.rx, res.sent, "%s: server saw %llu", c->name, (unsigned long long)sim.rx);
	cr_assert_eq(res.lost, sim.dropped + sim.corrupted, "%s: lost %llu", c->name,
		     (unsigned long long)res.lost);
	cr_assert_eq(res.dups, sim.duplicated, "%s: dups %llu want %llu", c->name,
		     (unsigned long long)res.dups, (unsigned long long)sim.duplicated);
	cr_assert_eq(res.reordered, sim.swapped, "%s: reordered %llu want %llu", c->name,
		     (unsigned long long)res.reordered, (unsigned long long)sim.swapped);
	cr_assert_eq(res.corrupt, sim.corrupted, "%s: corrupt", c->name);
	cr_assert_eq(res.received, res.sent - res.lost);
	cr_assert_eq(res.hist->count, res.received, "%s: one latency per intact echo", c->name);
	cr_assert_eq(res.foreign + res.stale, 0);
	if (c->every) /* the case really provoked its counter */
		cr_assert_gt(sim.dropped + sim.duplicated + sim.swapped + sim.corrupted, 0);
	xl_hist_destroy(res.hist);
}

Test(lat_client, server_stall_shows_in_open_loop_percentiles)
{
	/* 20 % of the schedule falls inside the stall: the percentiles above p80 must carry it */
	uint64_t rate = valgrind() ? 1000 : 5000, count = rate, stall_ms = 200;
	struct lat_run_cfg cfg = open_cfg(rate, count);
	struct echo_sim sim = {.how = SIM_STALL,
			       .every = (unsigned int)(count / 4),
			       .stall_ms = (unsigned int)stall_ms,
			       .client_sndbuf = 4096};
	struct lat_result res = {.hist = xl_hist_create()};
	struct lat_socks s;
	uint64_t p50, p90, p99;

	cr_assert(res.hist);
	cr_assert_eq(echo_sim_start(&sim, &s), 0);
	cr_assert_eq(lat_run(&s, &cfg, &res), 0);
	echo_sim_stop(&sim, &s);

	cr_assert_eq(sim.stalls, 1);
	cr_assert_eq(res.lost, 0);
	p50 = xl_hist_percentile(res.hist, 50);
	p90 = xl_hist_percentile(res.hist, 90);
	p99 = xl_hist_percentile(res.hist, 99);
	cr_log_info("open loop: p50 %llu us, p90 %llu us, p99 %llu us, max lag %llu us, %llu sends "
		    "refused while stalled",
		    (unsigned long long)p50 / 1000, (unsigned long long)p90 / 1000,
		    (unsigned long long)p99 / 1000, (unsigned long long)res.max_lag_ns / 1000,
		    (unsigned long long)res.send_errors);
	cr_assert_lt(p50, stall_ms * 1000000 / 4, "p50 %llu ns: most probes were not stalled",
		     (unsigned long long)p50);
	cr_assert_geq(p90, stall_ms * 1000000 / 4, "p90 %llu ns hides a %llu ms stall",
		      (unsigned long long)p90, (unsigned long long)stall_ms);
	cr_assert_geq(p99, stall_ms * 1000000 * 3 / 4, "p99 %llu ns hides a %llu ms stall",
		      (unsigned long long)p99, (unsigned long long)stall_ms);
	xl_hist_destroy(res.hist);
}

Test(lat_client, closed_loop_hides_the_same_stall)
{
	/* the reason the open loop exists: one probe in flight means one slow sample */
	struct lat_run_cfg cfg = {
		.size = 64,
		.count = valgrind() ? 400 : 4000,
		.duration_ns = 20ull * 1000000000u,
		.timeout_ns = 2ull * 1000000000u,
		.drain_ns = 100ull * 1000000u,
	};
	struct echo_sim sim = {
		.how = SIM_STALL, .every = (unsigned int)(cfg.count / 4), .stall_ms = 200};
	struct lat_result res = {.hist = xl_hist_create()};
	struct lat_socks s;

	cr_assert(res.hist);
	cr_assert_eq(echo_sim_start(&sim, &s), 0);
	cr_assert_eq(lat_run(&s, &cfg, &res), 0);
	echo_sim_stop(&sim, &s);
	cr_assert_eq(res.received, cfg.count);
	cr_assert_lt(xl_hist_percentile(res.hist, 99), 50000000ull, "closed loop p99 %llu",
		     (unsigned long long)xl_hist_percentile(res.hist, 99));
	cr_assert_geq(res.hist->max, 200000000ull, "the one stalled probe is the maximum");
	xl_hist_destroy(res.hist);
}

Test(lat_client, pingpong_blocking_and_spinning_both_measure)
{
	enum lat_wait w;

	for (w = LAT_WAIT_SPIN; w <= LAT_WAIT_BLOCK; w++) {
		struct lat_run_cfg cfg = {.size = 200,
					  .wait = w,
					  .count = 500,
					  .duration_ns = 5ull * 1000000000u,
					  .timeout_ns = 1000000000u,
					  .drain_ns = 50000000u};
		struct echo_sim sim = {.how = SIM_ECHO};
		struct lat_result res = {.hist = xl_hist_create()};
		struct lat_socks s;

		cr_assert(res.hist);
		cr_assert_eq(echo_sim_start(&sim, &s), 0);
		cr_assert_eq(lat_run(&s, &cfg, &res), 0);
		echo_sim_stop(&sim, &s);
		cr_assert_eq(res.sent, 500);
		cr_assert_eq(res.received, 500, "wait %d: received %llu", w,
			     (unsigned long long)res.received);
		cr_assert_eq(res.timeouts, 0);
		cr_assert_gt(res.hist->min, 0);
		cr_assert_gt(res.rx_pps, 0);
		xl_hist_destroy(res.hist);
	}
}

Test(lat_client, stamped_round_trips_split_into_three_segments)
{
	struct lat_run_cfg cfg = {.size = XL_PROBE_STAMP_MIN_SIZE,
				  .stamp = true,
				  .count = 400,
				  .duration_ns = 5ull * 1000000000u,
				  .timeout_ns = 1000000000u,
				  .drain_ns = 50000000u};
	struct echo_sim sim = {.how = SIM_STAMP, .every = 50};
	struct lat_result res = {.hist = xl_hist_create()};
	struct lat_socks s;
	double sum = 0, rtt;
	unsigned int k;

	for (k = 0; k < LAT_NSEG; k++)
		cr_assert((res.seg[k] = xl_hist_create()));
	cr_assert(res.hist);
	cr_assert_eq(echo_sim_start(&sim, &s), 0);
	cr_assert_eq(lat_run(&s, &cfg, &res), 0);
	echo_sim_stop(&sim, &s);
	cr_assert_eq(res.received, 400, "received %llu", (unsigned long long)res.received);
	cr_assert_eq(res.corrupt, 0, "a filled trailer is not damage");
	cr_assert_eq(sim.misstamped, 8);
	cr_assert_eq(res.stamped[XL_TS_SRC_KTIME], 400);
	cr_assert_eq(res.stamp_skew, 8, "out-of-order stamps counted: %llu",
		     (unsigned long long)res.stamp_skew);
	for (k = 0; k < LAT_NSEG; k++) {
		cr_assert_eq(res.seg[k]->count, 392, "segment %u: %llu values", k,
			     (unsigned long long)res.seg[k]->count);
		sum += xl_hist_mean(res.seg[k]);
	}
	/*
	 * each split echo's segments add up to its round trip, so the segment means add up to the
	 * mean round trip of the same 392 echoes, up to the histogram's error (1 % per value); the
	 * 8 skipped echoes are not in either (one descheduled echo among them once moved the mean
	 * of all 400 by 14 % under ASan)
	 */
	rtt = (double)res.split_rtt_sum_ns / 392;
	cr_assert(sum > 0.97 * rtt && sum < 1.03 * rtt, "segments %.0f ns vs round trip %.0f ns",
		  sum, rtt);
	for (k = 0; k < LAT_NSEG; k++)
		xl_hist_destroy(res.seg[k]);
	xl_hist_destroy(res.hist);
}

Test(lat_client, unstamped_echoes_of_stamped_probes_are_counted_not_split)
{
	struct lat_run_cfg cfg = {.size = 100,
				  .stamp = true,
				  .count = 100,
				  .duration_ns = 5ull * 1000000000u,
				  .timeout_ns = 1000000000u,
				  .drain_ns = 50000000u};
	struct echo_sim sim = {.how = SIM_ECHO}; /* a plain echo server: trailer left empty */
	struct lat_result res = {.hist = xl_hist_create()};
	struct lat_socks s;

	res.seg[0] = xl_hist_create();
	res.seg[1] = xl_hist_create();
	res.seg[2] = xl_hist_create();
	cr_assert_eq(echo_sim_start(&sim, &s), 0);
	cr_assert_eq(lat_run(&s, &cfg, &res), 0);
	echo_sim_stop(&sim, &s);
	cr_assert_eq(res.received, 100);
	cr_assert_eq(res.stamped[XL_TS_SRC_NONE], 100);
	cr_assert_eq(res.seg[0]->count, 0);
	cfg.size = XL_PROBE_STAMP_MIN_SIZE - 1;
	cr_assert_eq(lat_run(&s, &cfg, &res), -EINVAL, "a probe too small for the trailer");
	for (int k = 0; k < LAT_NSEG; k++)
		xl_hist_destroy(res.seg[k]);
	xl_hist_destroy(res.hist);
}

Test(lat_probe, stamped_probe_checks_its_pattern_and_the_trailer_magic)
{
	uint8_t b[128];
	struct xl_ts_trailer t;

	xl_probe_fill(b, sizeof(b), 7, 0, 3, 10, 11, XL_PROBE_F_STAMP);
	cr_assert_eq(xl_probe_check(b, sizeof(b), sizeof(b), 7), XL_PROBE_OK);
	cr_assert(xl_probe_trailer(b, sizeof(b), &t));
	cr_assert_eq(t.magic, XL_TS_TRAILER_MAGIC);
	cr_assert_eq(t.src, 0);
	b[sizeof(b) - 8] ^= 1; /* the server's part: anything goes */
	cr_assert_eq(xl_probe_check(b, sizeof(b), sizeof(b), 7), XL_PROBE_OK);
	b[sizeof(b) - 32] ^= 1; /* the magic */
	cr_assert_eq(xl_probe_check(b, sizeof(b), sizeof(b), 7), XL_PROBE_CORRUPT);
	xl_probe_fill(b, sizeof(b), 7, 0, 3, 10, 11, XL_PROBE_F_STAMP);
	b[sizeof(b) - 33] ^= 1; /* the last pattern byte */
	cr_assert_eq(xl_probe_check(b, sizeof(b), sizeof(b), 7), XL_PROBE_CORRUPT);
	/* too small for a trailer: an ordinary probe, the flag dropped */
	xl_probe_fill(b, 64, 7, 0, 3, 10, 11, XL_PROBE_F_STAMP);
	cr_assert_eq(xl_probe_check(b, 64, 64, 7), XL_PROBE_OK);
	cr_assert_not(xl_probe_trailer(b, 64, &t));
}

Test(lat_client, bad_configuration_is_rejected)
{
	struct lat_result res = {.hist = xl_hist_create()};
	struct lat_socks s = {.n = 1, .fd = {-1}};
	struct lat_run_cfg cfg = open_cfg(1000, 10);

	cr_assert(res.hist);
	cfg.size = XL_PROBE_MIN_SIZE - 1;
	cr_assert_eq(lat_run(&s, &cfg, &res), -EINVAL);
	cfg = open_cfg(0, 10);
	cr_assert_eq(lat_run(&s, &cfg, &res), -EINVAL);
	cfg = open_cfg(1000, 0);
	cr_assert_eq(lat_run(&s, &cfg, &res), -EINVAL);
	xl_hist_destroy(res.hist);
}
