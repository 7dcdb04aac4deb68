// SPDX-License-Identifier: BSD-2-Clause
/*
 * pool_bench: xl_pool vs DPDK rte_mempool vs malloc/free, in one process run.
 *
 * Every backend (backend.h) runs the same loop on the same rows (pattern x threads x bulk). For a
 * row, each repetition measures every backend once, in an order that rotates from one repetition
 * to the next, so slow drift (frequency, a noisy neighbour) spreads over all backends instead of
 * landing on one. A measurement: one thread per CPU slot, pinned, each does a short untimed warm-up,
 * then all start together on a barrier and run until the window's time (or object cap) is up. The
 * table reports the median repetition.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <xlane/pool.h>

#include "pool_bench.h"

#define PB_PAGE 4096U /* --buf-place works within one page of this size */

struct worker {
	pthread_t tid;
	struct pb_backend *b;
	unsigned int slot;
	const struct pb_job *job, *warm;
	pthread_barrier_t *start;
	void **objs; /* in buf, at the offset of this repetition (place_objs) */
	void *buf;   /* page-aligned, one page longer than the largest hold */
	struct pb_result res;
	int err;
} __attribute__((aligned(64)));

struct pb_backend *pb_set_add(struct pb_set *set, const char *name, const char *label,
			      const char *family, unsigned int cache_size, pb_run_fn run)
{
	struct pb_backend *b;

	if (set->n == PB_MAX_BACKENDS)
		return NULL;
	b = &set->b[set->n++];
	*b = (struct pb_backend){
		.name = name,
		.label = label,
		.family = family,
		.cache_size = cache_size,
		.run = run,
	};
	return b;
}

void pb_set_note(struct pb_set *set, const char *key, const char *fmt, ...)
{
	struct pb_note *n;
	va_list ap;

	if (set->n_notes == PB_MAX_NOTES)
		return;
	n = &set->notes[set->n_notes++];
	snprintf(n->key, sizeof(n->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(n->value, sizeof(n->value), fmt, ap);
	va_end(ap);
}

void pb_set_skip(struct pb_set *set, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(set->skipped, sizeof(set->skipped), fmt, ap);
	va_end(ap);
}

int pb_backend_index(const struct pb_run *r, const char *name)
{
	for (unsigned int i = 0; i < r->set.n; i++) {
		if (!strcmp(r->set.b[i].name, name))
			return (int)i;
	}
	return -1;
}

const struct pb_sample *pb_median(const struct pb_run *r, unsigned int row, unsigned int b)
{
	const struct pb_sample *s[101];
	unsigned int n = (unsigned int)r->opts->reps;

	for (unsigned int i = 0; i < n; i++)
		s[i] = pb_sample(r, row, b, i);
	/* insertion sort by throughput: n is at most 101 */
	for (unsigned int i = 1; i < n; i++) {
		const struct pb_sample *x = s[i];
		unsigned int j = i;

		for (; j > 0 && s[j - 1]->mobj_s > x->mobj_s; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
	return s[n / 2];
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pb_result warm_res;
	int ret = 0;

	if (w->warm->duration_ns && w->warm->max_objs)
		ret = w->b->run(w->b, w->slot, w->objs, w->warm, &warm_res);
	/* every thread reaches the barrier, even after a failed warm-up, or the others hang */
	pthread_barrier_wait(w->start);
	if (!ret)
		ret = w->b->run(w->b, w->slot, w->objs, w->job, &w->res);
	w->err = ret;
	return NULL;
}

/*
 * Puts each thread's pointer array at the offset of repetition @p rep within a page: with
 * @p spread, a different cache line of the page for every repetition and thread (the same for
 * every backend, which all run each repetition); else page-aligned. Loads from that array alias
 * (same address bits 11..0) with earlier stores to the pool's cache slots or to objects at some
 * offsets and not at others, which stalls them; a single placement decided one row by 40 %.
 */
static void place_objs(struct worker *w, unsigned int n, unsigned int rep, bool spread)
{
	for (unsigned int t = 0; t < n; t++) {
		unsigned int line = spread ? (rep * 23 + t * 37 + 5) % (PB_PAGE / 64) : 0;

		w[t].objs = (void **)(void *)((char *)w[t].buf + (size_t)line * 64);
	}
}

/* One measurement of backend b on row with nthreads threads. */
static int measure(struct pb_run *r, struct pb_backend *b, const struct pb_row *row,
		   struct worker *w, struct pb_sample *out)
{
	const struct pb_opts *o = r->opts;
	struct pb_job job = {
		.bulk = row->bulk,
		.hold = row->hold,
		.max_objs = o->max_objs ? o->max_objs : UINT64_MAX,
		.duration_ns = o->duration_ms * 1000000ULL,
	};
	struct pb_job warm = job;
	pthread_barrier_t start;
	unsigned int started = 0;
	int ret = 0;

	warm.duration_ns = o->warmup_ms * 1000000ULL;
	/* every measurement starts from empty caches: each draws its objects anew from the pool */
	for (unsigned int t = 0; b->flush && t < row->threads; t++)
		b->flush(b, t);
	if (pthread_barrier_init(&start, NULL, row->threads))
		return -ENOMEM;
	for (unsigned int t = 0; t < row->threads; t++) {
		pthread_attr_t attr;
		cpu_set_t cpus;

		w[t].b = b;
		w[t].slot = t;
		w[t].job = &job;
		w[t].warm = &warm;
		w[t].start = &start;
		w[t].err = 0;
		memset(&w[t].res, 0, sizeof(w[t].res));
		CPU_ZERO(&cpus);
		CPU_SET(r->cfg.cpus[t], &cpus);
		pthread_attr_init(&attr);
		ret = -pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
		if (!ret)
			ret = -pthread_create(&w[t].tid, &attr, worker_main, &w[t]);
		pthread_attr_destroy(&attr);
		if (ret)
			break;
		started++;
	}
	if (ret) {
		/* the barrier can never fill: this is fatal for the run, but no thread is left
		 * running (they wait for the barrier forever, so exit without joining) */
		fprintf(stderr, "pool_bench: cannot start thread %u on CPU %d: %s\n", started,
			r->cfg.cpus[started], strerror(-ret));
		exit(EXIT_FAILURE);
	}
	memset(out, 0, sizeof(*out));
	for (unsigned int t = 0; t < row->threads; t++) {
		pthread_join(w[t].tid, NULL);
		if (w[t].err && !ret)
			ret = w[t].err;
		out->objs[t] = w[t].res.objs;
		out->ns[t] = w[t].res.ns;
		out->cpu_ns[t] = w[t].res.cpu_ns;
		out->buf_off[t] = (unsigned int)((uintptr_t)w[t].objs & (PB_PAGE - 1));
	}
	pthread_barrier_destroy(&start);
	if (ret)
		return ret;
	for (unsigned int t = 0; t < row->threads; t++) {
		uint64_t ns = r->use_cpu_clock ? out->cpu_ns[t] : out->ns[t];

		if (!out->objs[t] || !ns)
			return -EIO;
		out->mobj_s += (double)out->objs[t] / (double)ns * 1e3;
		out->ns_per_obj += (double)ns / (double)out->objs[t] / row->threads;
	}
	return 0;
}

static int build_rows(struct pb_run *r)
{
	const struct pb_opts *o = r->opts;
	unsigned int n = 0, max = 2 * o->threads.n * o->bulks.n;

	r->rows = calloc(max, sizeof(*r->rows));
	if (!r->rows)
		return -ENOMEM;
	for (int p = 0; p < 2; p++) {
		if (p == 1 && !o->hold)
			break;
		for (unsigned int t = 0; t < o->threads.n; t++) {
			for (unsigned int k = 0; k < o->bulks.n; k++) {
				struct pb_row *row = &r->rows[n++];

				row->pattern = p ? "hold" : "cycle";
				row->threads = (unsigned int)o->threads.v[t];
				row->bulk = (unsigned int)o->bulks.v[k];
				row->hold = p ? (unsigned int)o->hold : row->bulk;
			}
		}
	}
	r->n_rows = n;
	return 0;
}

static void read_sysinfo(struct pb_run *r)
{
	struct utsname u;
	char line[256];
	FILE *f;

	if (!uname(&u))
		snprintf(r->kernel, sizeof(r->kernel), "%s %s %s", u.sysname, u.release, u.machine);
	snprintf(r->cpu_model, sizeof(r->cpu_model), "unknown");
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(r->cpu_model, sizeof(r->cpu_model), "%s", colon);
		break;
	}
	fclose(f);
}

static void read_loadavg(char *buf, size_t len)
{
	double a, b, c;
	FILE *f = fopen("/proc/loadavg", "r");

	snprintf(buf, len, "unknown");
	if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
		snprintf(buf, len, "%.2f %.2f %.2f", a, b, c);
	if (f)
		fclose(f);
}

/* HugePages_Free from /proc/meminfo, or -1 */
static long free_hugepages(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "HugePages_Free: %ld", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

static int pick_cpus(struct pb_run *r, unsigned int n)
{
	cpu_set_t allowed;
	unsigned int k = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -errno;
	for (int c = 0; c < CPU_SETSIZE && k < n; c++) {
		if (CPU_ISSET(c, &allowed))
			r->cfg.cpus[k++] = c;
	}
	if (k < n) {
		fprintf(stderr, "pool_bench: --threads: %u threads need %u CPUs, only %u allowed\n",
			n, n, k);
		return -EINVAL;
	}
	return 0;
}

static int check_opts(const struct pb_opts *o, unsigned int max_threads)
{
	uint64_t max_bulk = 0, need;

	for (unsigned int i = 0; i < o->bulks.n; i++)
		max_bulk = o->bulks.v[i] > max_bulk ? o->bulks.v[i] : max_bulk;
	if (o->hold && o->hold < max_bulk) {
		fprintf(stderr, "pool_bench: --hold: %llu is smaller than the largest bulk %llu\n",
			(unsigned long long)o->hold, (unsigned long long)max_bulk);
		return -EINVAL;
	}
	/* every thread holds its objects, plus what its caches keep: the caches of every
	 * backend stay filled while the others run (DPDK flushes a cache above 1.5x its size) */
	need = max_threads * ((o->hold > max_bulk ? o->hold : max_bulk) + 2 * (384 + 768 + 64));
	if (o->n_objs < need) {
		fprintf(stderr,
			"pool_bench: --objs: %llu objects are too few for %u threads holding %llu "
			"objects each plus their caches (need %llu)\n",
			(unsigned long long)o->n_objs, max_threads,
			(unsigned long long)(o->hold > max_bulk ? o->hold : max_bulk),
			(unsigned long long)need);
		return -EINVAL;
	}
	return 0;
}

static int setup(struct pb_run *r, bool want_dpdk, char *err, size_t errlen)
{
	int ret;

	ret = pb_malloc_setup(&r->cfg, &r->set, err, errlen);
	if (ret)
		return ret;
	ret = pb_xl_setup(&r->cfg, &r->set, err, errlen);
	if (ret)
		return ret;
#ifdef PB_HAVE_DPDK
	if (want_dpdk)
		return pb_rte_setup(&r->cfg, &r->set, err, errlen);
#else
	(void)want_dpdk;
#endif
	return 0;
}

/* --backends: keep only the named backends, in table order. */
static int filter_backends(struct pb_run *r)
{
	char buf[256], *save = NULL, *tok;
	bool keep[PB_MAX_BACKENDS] = {false};
	unsigned int n = 0;

	if (!r->opts->backends)
		return 0;
	snprintf(buf, sizeof(buf), "%s", r->opts->backends);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i = pb_backend_index(r, tok);

		if (i < 0) {
			fprintf(stderr, "pool_bench: --backends: '%s' is not one of:", tok);
			for (unsigned int k = 0; k < r->set.n; k++)
				fprintf(stderr, " %s", r->set.b[k].name);
			fprintf(stderr, "\n");
			return -EINVAL;
		}
		keep[i] = true;
	}
	for (unsigned int k = 0; k < r->set.n; k++) {
		if (keep[k])
			r->set.b[n++] = r->set.b[k];
	}
	r->set.n = n;
	return 0;
}

/* @return 0 when every pool got all its objects back */
static int teardown(struct pb_run *r)
{
	char err[256] = "";
	size_t len = 0;
	int ret, bad = 0;

	ret = pb_xl_teardown(&r->set, err, sizeof(err));
	len += (size_t)snprintf(r->conservation + len, sizeof(r->conservation) - len, "xl_pool: %s",
				ret ? err : "all objects back");
	bad |= ret;
#ifdef PB_HAVE_DPDK
	if (r->set.rte_state) {
		err[0] = '\0';
		ret = pb_rte_teardown(&r->set, err, sizeof(err));
		snprintf(r->conservation + len, sizeof(r->conservation) - len, "; rte_mempool: %s",
			 ret ? err : "all objects back");
		bad |= ret;
	}
#endif
	return bad ? -EUCLEAN : 0;
}

int main(int argc, char **argv)
{
	static struct pb_run run;
	struct pb_opts opts;
	struct pb_run *r = &run;
	struct worker *w = NULL;
	unsigned int max_threads = 0, max_hold = 0;
	bool spread;
	bool want_dpdk;
	char err[512] = "";
	int ret;

	ret = pb_opts_parse(argc, argv, &opts);
	if (ret)
		return ret > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	r->opts = &opts;
	for (unsigned int i = 0; i < opts.threads.n; i++)
		max_threads = opts.threads.v[i] > max_threads ? (unsigned int)opts.threads.v[i]
							      : max_threads;
	if (check_opts(&opts, max_threads) || pick_cpus(r, max_threads))
		return EXIT_FAILURE;
	r->cfg.n_objs = (unsigned int)opts.n_objs;
	r->cfg.obj_size = (unsigned int)opts.obj_size;
	r->cfg.huge = !opts.no_huge;
	r->use_cpu_clock = !strcmp(opts.clock, "cpu");
	spread = !strcmp(opts.buf_place, "spread");
	r->cfg.n_threads = max_threads;
	if (!strcmp(opts.xl_layout, "colour"))
		r->cfg.xl_flags = XL_POOL_F_COLOUR;
	else if (!strcmp(opts.xl_layout, "frame"))
		r->cfg.xl_flags = XL_POOL_F_NO_COLOUR;
	r->under_valgrind =
		getenv("XL_UNDER_VALGRIND") && !strcmp(getenv("XL_UNDER_VALGRIND"), "1");
	read_sysinfo(r);
	pb_set_note(&r->set, "xl_pool.layout", "%s%s", opts.xl_layout,
		    r->cfg.xl_flags == XL_POOL_F_COLOUR	     ? " (XL_POOL_F_COLOUR)"
		    : r->cfg.xl_flags == XL_POOL_F_NO_COLOUR ? " (XL_POOL_F_NO_COLOUR)"
							     : " (no layout flag)");

#ifdef PB_HAVE_DPDK
	want_dpdk = !opts.no_dpdk && !r->under_valgrind;
	if (opts.no_dpdk)
		snprintf(r->dpdk_status, sizeof(r->dpdk_status), "left out (--no-dpdk)");
	else if (r->under_valgrind)
		snprintf(
			r->dpdk_status, sizeof(r->dpdk_status),
			"skipped under Valgrind (XL_UNDER_VALGRIND=1): DPDK 22.11's "
			"rte_eal_cleanup() "
			"does not join the EAL's control and lcore threads, which memcheck reports "
			"as possibly lost");
#else
	want_dpdk = false;
	snprintf(r->dpdk_status, sizeof(r->dpdk_status),
		 "not built (libdpdk not found, or -Ddpdk_bench=disabled)");
#endif

	if (r->cfg.huge) {
		/* a lower bound (object bytes alone): enough to fail early with a useful hint */
		unsigned long long bytes = (unsigned long long)opts.n_objs * opts.obj_size;
		long need = (long)((bytes * (want_dpdk ? 2 : 1)) >> 21) + 1,
		     have = free_hugepages();

		if (have >= 0 && have < need) {
			fprintf(stderr,
				"pool_bench: hugepage mode needs at least %ld free 2 MiB "
				"hugepages, "
				"HugePages_Free is %ld: reserve them (echo N > "
				"/proc/sys/vm/nr_hugepages, as scripts/pool-bench.sh does) or pass "
				"--no-huge\n",
				need, have);
			return EXIT_FAILURE;
		}
	}

	if (build_rows(r))
		return EXIT_FAILURE;
	for (unsigned int i = 0; i < r->n_rows; i++)
		max_hold = r->rows[i].hold > max_hold ? r->rows[i].hold : max_hold;

	ret = setup(r, want_dpdk, err, sizeof(err));
	if (ret || (ret = filter_backends(r))) {
		if (err[0])
			fprintf(stderr, "pool_bench: %s\n", err);
		teardown(r);
		free(r->rows);
		return EXIT_FAILURE;
	}

	r->samples = calloc((size_t)r->n_rows * r->set.n * opts.reps, sizeof(*r->samples));
	w = aligned_alloc(64, sizeof(*w) * PB_MAX_THREADS);
	if (!r->samples || !w) {
		fprintf(stderr, "pool_bench: out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	memset(w, 0, sizeof(*w) * PB_MAX_THREADS);
	for (unsigned int t = 0; t < max_threads; t++) {
		/* each thread's pointer array on its own pages, placed per repetition */
		w[t].buf = aligned_alloc(PB_PAGE,
					 ((max_hold * sizeof(void *)) / PB_PAGE + 2) * PB_PAGE);
		if (!w[t].buf) {
			fprintf(stderr, "pool_bench: out of memory\n");
			ret = -ENOMEM;
			goto out;
		}
	}

	read_loadavg(r->load_start, sizeof(r->load_start));
	fprintf(stderr, "pool_bench: %u rows x %u backends x %llu reps of %llu ms ...\n", r->n_rows,
		r->set.n, (unsigned long long)opts.reps, (unsigned long long)opts.duration_ms);
	for (unsigned int row = 0; row < r->n_rows; row++) {
		for (unsigned int rep = 0; rep < opts.reps; rep++) {
			for (unsigned int k = 0; k < r->set.n; k++) {
				unsigned int b = (k + rep) % r->set.n;

				place_objs(w, max_threads, rep, spread);
				ret = measure(r, &r->set.b[b], &r->rows[row], w,
					      pb_sample(r, row, b, rep));
				if (ret) {
					fprintf(stderr,
						"pool_bench: %s, %s, %u threads, bulk %u: %s\n",
						r->set.b[b].label, r->rows[row].pattern,
						r->rows[row].threads, r->rows[row].bulk,
						ret == -ENOBUFS ? "the pool ran dry"
								: strerror(-ret));
					goto out;
				}
			}
		}
	}

	read_loadavg(r->load_end, sizeof(r->load_end));
out:
	if (teardown(r) && !ret)
		ret = -EUCLEAN;
	if (!ret) {
		pb_report_tables(r, stdout);
		if (opts.json) {
			ret = pb_report_json(r, opts.json);
			if (ret)
				fprintf(stderr, "pool_bench: --json: cannot write '%s': %s\n",
					opts.json, strerror(-ret));
		}
	} else if (r->conservation[0]) {
		fprintf(stderr, "pool_bench: %s\n", r->conservation);
	}
	for (unsigned int t = 0; w && t < PB_MAX_THREADS; t++)
		free(w[t].buf);
	free(w);
	free(r->samples);
	free(r->rows);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}
