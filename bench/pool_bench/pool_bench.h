/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file pool_bench.h
 * @brief pool_bench's pieces: options (options.c), the measurement run (pool_bench.c) and its
 * report as tables and JSON (report.c).
 */
#ifndef XL_POOL_BENCH_H
#define XL_POOL_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"

#define PB_MAX_LIST 8

struct pb_list {
	unsigned int n;
	uint64_t v[PB_MAX_LIST];
};

/** Command-line options; see options.c for the table that defines them and their defaults. */
struct pb_opts {
	const char *json;	/**< --json FILE */
	bool no_huge;		/**< --no-huge */
	bool no_dpdk;		/**< --no-dpdk */
	const char *xl_layout;	/**< --xl-layout: colour, frame or pool-default */
	const char *clock;	/**< --clock: wall or cpu */
	const char *buf_place;	/**< --buf-place: spread or fixed */
	const char *backends;	/**< --backends: comma-separated names to keep (NULL: all) */
	uint64_t obj_size;	/**< --obj-size */
	uint64_t n_objs;	/**< --objs */
	uint64_t reps;		/**< --reps */
	uint64_t duration_ms;	/**< --duration-ms */
	uint64_t warmup_ms;	/**< --warmup-ms */
	uint64_t max_objs;	/**< --max-objs (0: no cap) */
	uint64_t hold;		/**< --hold (0: no hold pattern) */
	struct pb_list threads; /**< --threads */
	struct pb_list bulks;	/**< --bulks */
};

/**
 * Parses the command line into @p o (defaults first).
 * @return 0 to run, 1 when --help was printed, -EINVAL after printing one line that names the
 * bad option or token
 */
int pb_opts_parse(int argc, char **argv, struct pb_opts *o);

/** One row of the tables: a pattern, a thread count and a bulk size. */
struct pb_row {
	const char *pattern; /**< "cycle" or "hold" */
	unsigned int threads;
	unsigned int bulk;
	unsigned int hold; /**< objects held per thread before they go back */
};

/** One repetition of one backend on one row. */
struct pb_sample {
	uint64_t objs[PB_MAX_THREADS];	 /**< per thread */
	uint64_t ns[PB_MAX_THREADS];	 /**< per thread, wall time */
	uint64_t cpu_ns[PB_MAX_THREADS]; /**< per thread, CPU time */
	double mobj_s;			 /**< all threads together, million objects per second */
	double ns_per_obj;		 /**< mean over threads of each thread's ns per object */
	unsigned int
		buf_off[PB_MAX_THREADS]; /**< per thread, its pointer array's offset in its page */
};

/** Everything measured in one run, plus what describes it. */
struct pb_run {
	const struct pb_opts *opts;
	struct pb_config cfg;
	struct pb_set set;
	struct pb_row *rows;
	unsigned int n_rows;
	struct pb_sample *samples; /**< [row][backend][rep] */
	char kernel[256];
	char cpu_model[128];
	char dpdk_status[320]; /**< why there are no DPDK columns, "" when there are */
	bool under_valgrind;
	bool use_cpu_clock;	/**< --clock cpu: figures from each thread's CPU time */
	char conservation[512]; /**< the teardown checks, human-readable */
	char load_start[64];	/**< /proc/loadavg's first three fields before measuring */
	char load_end[64];	/**< ... and after: other work on the machine skews the figures */
};

static inline struct pb_sample *pb_sample(const struct pb_run *r, unsigned int row, unsigned int b,
					  unsigned int rep)
{
	return &r->samples[((size_t)row * r->set.n + b) * r->opts->reps + rep];
}

/** @return the median repetition (by throughput) of backend @p b on @p row */
const struct pb_sample *pb_median(const struct pb_run *r, unsigned int row, unsigned int b);

/** @return the index of backend @p name, or -1 */
int pb_backend_index(const struct pb_run *r, const char *name);

/** Prints the configuration, the two tables, the ratio summary. */
void pb_report_tables(const struct pb_run *r, FILE *out);

/** Writes every raw figure and the configuration to @p path. @return 0 or -errno */
int pb_report_json(const struct pb_run *r, const char *path);

#endif /* XL_POOL_BENCH_H */
