/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file report.h
 * @brief lat_client's configuration, the sequence of measurements it runs (warm-up, repetitions,
 *        sweeps, the throughput search) and what it reports (table on stdout, JSON).
 *
 * The JSON document is described by bench/latency/schema.jq, which the tests run against it.
 */
#ifndef XL_BENCH_LAT_REPORT_H
#define XL_BENCH_LAT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "client.h"

#define LAT_MAX_STEPS	   64
#define LAT_MAX_REPEAT	   20
#define LAT_TPUT_MAX_STEPS 24 /* per repetition of the throughput search */

enum lat_mode {
	LAT_MODE_PINGPONG = 0,
	LAT_MODE_OPEN,
	LAT_MODE_SWEEP,
	LAT_MODE_TPUT,
	LAT_MODE_MAX,
};

struct lat_cli_cfg {
	const char *server;
	uint16_t port;
	unsigned int flows;
	unsigned int size;
	enum lat_mode mode;
	enum lat_wait wait;
	uint64_t rate;
	uint64_t rates[LAT_MAX_STEPS];
	unsigned int n_rates;
	uint64_t rate_start, rate_max;
	double loss_target;
	double step_s, duration_s, warmup_s, timeout_ms, drain_ms;
	uint64_t count;
	unsigned int repeat;
	const char *label;
	int cpu;
	const char *json_path;
	bool quiet;
	bool stamp; /**< --stamp: probes carry a timestamp trailer; report the breakdown */
	struct sockaddr_storage dst;
	socklen_t dst_len;
};

/** The reported percentiles, in this order everywhere. */
#define LAT_NPCT 7
extern const double lat_pct_values[LAT_NPCT];	  /* 0, 50, 90, 99, 99.9, 99.99, 100 */
extern const char *const lat_pct_names[LAT_NPCT]; /* min, p50, ..., max */

/** One measurement: a repetition, or one offered rate of a sweep / throughput search. */
struct lat_point {
	unsigned int rep;	   /**< repetition index */
	uint64_t offered_pps;	   /**< open loop: offered rate; 0 for ping-pong */
	struct lat_result res;	   /**< counts (res.hist is NULL here) */
	uint64_t pct_ns[LAT_NPCT]; /**< percentiles of this measurement */
	double mean_ns;
	bool pass; /**< throughput search: loss under target, generator on time */
};

struct lat_report;

/** @brief **lat_report_create()** @return a report for @p cfg, or NULL with errno set. */
struct lat_report *lat_report_create(const struct lat_cli_cfg *cfg);
void lat_report_destroy(struct lat_report *r);

/**
 * @brief **lat_measure()** runs the warm-up and every repetition @p cfg asks for into @p r.
 * @return 0 or -errno.
 */
int lat_measure(const struct lat_cli_cfg *cfg, const struct lat_socks *s, struct lat_report *r);

/**
 * @brief **lat_report_add()** records one finished measurement (its histogram is merged into
 * the report's overall histogram when it is a repetition, not a step).
 * @return 0, or -ENOSPC when the report is full.
 */
int lat_report_add(struct lat_report *r, unsigned int rep, uint64_t offered, bool is_step,
		   bool pass, const struct lat_result *res);

/** @brief **lat_report_set_max_rate()** records repetition @p rep's throughput search result. */
void lat_report_set_max_rate(struct lat_report *r, unsigned int rep, uint64_t pps, bool limited);

/** @brief **lat_report_print()** prints the human table. @return 0 or -EIO. */
int lat_report_print(const struct lat_report *r, FILE *out);

/** @brief **lat_report_json()** writes the JSON document. @return 0, -EINVAL or -EIO. */
int lat_report_json(const struct lat_report *r, FILE *out);

/** @brief **lat_mode_name()** "pingpong", "open", "sweep", "tput". */
const char *lat_mode_name(enum lat_mode m);

#endif /* XL_BENCH_LAT_REPORT_H */
