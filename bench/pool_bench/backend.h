/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file backend.h
 * @brief pool_bench's backends: what each pool under test provides, and the one measurement loop
 * they all share.
 *
 * A *family* (xl_pool, rte_mempool, malloc) sets up one pool of cfg->n_objs objects and adds one
 * *backend* per configuration it is measured in (cache 256, cache 512, no cache ...). Every backend
 * runs the same loop, pb_loop(), instantiated with its own get/put functions so that they are
 * inlined: the only difference between two rows is the pool's own code.
 *
 * The loop, per thread: take @c hold objects in calls of @c bulk objects, write the first byte of
 * each right after its get, then put them all back in calls of @c bulk. For the "cycle" pattern
 * hold == bulk (get N, write, put N); for the "hold" pattern hold is 1024. One *object* in the
 * figures is one get plus one put.
 */
#ifndef XL_POOL_BENCH_BACKEND_H
#define XL_POOL_BENCH_BACKEND_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PB_MAX_THREADS	8
#define PB_MAX_BACKENDS 12
#define PB_MAX_NOTES	24
#define PB_CHECK_EVERY	4096 /* objects between two clock reads */

/** What the families need to know to build their pools. */
struct pb_config {
	unsigned int n_objs;	  /**< objects in every pool */
	unsigned int obj_size;	  /**< bytes per object */
	bool huge;		  /**< 2 MiB hugepages (else 4 KiB pages) */
	unsigned int n_threads;	  /**< the most threads any row uses */
	int cpus[PB_MAX_THREADS]; /**< CPU of thread slot i */
	unsigned int xl_flags;	  /**< extra XL_POOL_F_* for the xl_pool (its layout) */
	bool quiet_eal;		  /**< keep the EAL's log at error level */
};

/** One measurement window of one thread. */
struct pb_job {
	unsigned int bulk;    /**< objects per get/put call */
	unsigned int hold;    /**< objects held before putting back (== bulk: cycle pattern) */
	uint64_t max_objs;    /**< stop after about this many objects */
	uint64_t duration_ns; /**< or after this long, whichever comes first */
};

struct pb_result {
	uint64_t objs;	 /**< objects got and put */
	uint64_t ns;	 /**< wall time of the window */
	uint64_t cpu_ns; /**< CPU time the thread got in the window (excludes preemption) */
};

struct pb_backend;

/**
 * Runs @p job on thread slot @p slot (the caller is already pinned). @p objs has room for
 * job->hold pointers. @return 0, or -errno (e.g. -ENOBUFS when the pool ran dry: nothing is kept)
 */
typedef int (*pb_run_fn)(struct pb_backend *b, unsigned int slot, void **objs,
			 const struct pb_job *job, struct pb_result *res);

/**
 * Returns everything the cache of thread slot @p slot holds to the pool (called between
 * measurements, from the main thread while no worker runs).
 */
typedef void (*pb_flush_fn)(struct pb_backend *b, unsigned int slot);

struct pb_backend {
	const char *name;	 /**< key in JSON, e.g. "xl_c256" */
	const char *label;	 /**< table header, e.g. "xl c256" */
	const char *family;	 /**< "xl_pool", "rte_mempool", "malloc" */
	unsigned int cache_size; /**< objects per per-thread cache, 0 = none */
	pb_run_fn run;
	pb_flush_fn flush;	     /**< NULL: nothing to flush (no cache) */
	void *pool;		     /**< the family's pool */
	void *cache[PB_MAX_THREADS]; /**< per-thread cache handle of slot i (or NULL) */
};

/** A note describing what a family really got (page size, object stride ...). */
struct pb_note {
	char key[48];
	char value[192];
};

/** Everything that is set up: the backends in table order, notes, and why something is missing. */
struct pb_set {
	struct pb_backend b[PB_MAX_BACKENDS];
	unsigned int n;
	struct pb_note notes[PB_MAX_NOTES];
	unsigned int n_notes;
	char skipped[256];	    /**< why a family is absent ("" when all are there) */
	void *xl_state, *rte_state; /**< families' private state for teardown */
};

struct pb_backend *pb_set_add(struct pb_set *set, const char *name, const char *label,
			      const char *family, unsigned int cache_size, pb_run_fn run);
void pb_set_note(struct pb_set *set, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pb_set_skip(struct pb_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Families. setup adds backends (or, for an optional family, a skip reason and returns 0);
 * @return 0 or -errno with a message in err. teardown returns every cached object to its pool,
 * checks that all cfg->n_objs objects are back (conservation) and frees everything;
 * @return 0, or -EUCLEAN with a message when objects are missing.
 */
int pb_malloc_setup(const struct pb_config *cfg, struct pb_set *set, char *err, size_t errlen);

int pb_xl_setup(const struct pb_config *cfg, struct pb_set *set, char *err, size_t errlen);
int pb_xl_teardown(struct pb_set *set, char *err, size_t errlen);

#ifdef PB_HAVE_DPDK
int pb_rte_setup(const struct pb_config *cfg, struct pb_set *set, char *err, size_t errlen);
int pb_rte_teardown(struct pb_set *set, char *err, size_t errlen);
#endif

static inline uint64_t pb_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline uint64_t pb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* get: take exactly n objects (0) or none (non-zero). put: return n objects (0 = fine). */
typedef int (*pb_get_fn)(void *pool, void *cache, void **objs, unsigned int n);
typedef int (*pb_put_fn)(void *pool, void *cache, void **objs, unsigned int n);

/**
 * The measurement loop. always_inline with constant @p get and @p put: each backend's instance
 * calls its pool's functions directly (DPDK's inline get/put are inlined here, as in a DPDK
 * application). The first-byte writes are volatile, so the compiler can neither drop them nor
 * drop the get/put whose objects they touch (malloc/free pairs included).
 */
static inline __attribute__((always_inline)) int pb_loop(void *pool, void *cache, void **objs,
							 const struct pb_job *job,
							 struct pb_result *res, pb_get_fn get,
							 pb_put_fn put)
{
	const unsigned int bulk = job->bulk, hold = job->hold;
	uint64_t per_check =
		(job->max_objs < PB_CHECK_EVERY ? job->max_objs : PB_CHECK_EVERY) / hold;
	uint64_t done = 0, t0, t1, deadline, c0;
	unsigned int off, tag = 0;

	if (!bulk || bulk > hold)
		return -EINVAL;
	if (!per_check)
		per_check = 1;
	/* the CPU clock is a system call: read it only at both ends of the window */
	c0 = pb_cpu_ns();
	t0 = pb_now_ns();
	deadline = t0 + job->duration_ns;
	for (;;) {
		if (hold == bulk) {
			/* cycle pattern: the same work with the loop overhead of one call each */
			off = 0;
			for (uint64_t c = 0; c < per_check; c++, tag++) {
				if (__builtin_expect(get(pool, cache, objs, bulk) != 0, 0))
					goto dry;
				for (unsigned int i = 0; i < bulk; i++)
					*(volatile unsigned char *)objs[i] = (unsigned char)tag;
				if (__builtin_expect(put(pool, cache, objs, bulk) != 0, 0))
					return -EUCLEAN;
			}
		} else {
			for (uint64_t c = 0; c < per_check; c++, tag++) {
				for (off = 0; off < hold; off += bulk) {
					unsigned int m = hold - off < bulk ? hold - off : bulk;

					if (__builtin_expect(get(pool, cache, objs + off, m) != 0,
							     0))
						goto dry;
					for (unsigned int i = 0; i < m; i++)
						*(volatile unsigned char *)objs[off + i] =
							(unsigned char)tag;
				}
				for (off = 0; off < hold; off += bulk) {
					unsigned int m = hold - off < bulk ? hold - off : bulk;

					if (__builtin_expect(put(pool, cache, objs + off, m) != 0,
							     0))
						return -EUCLEAN;
				}
			}
		}
		done += per_check * hold;
		t1 = pb_now_ns();
		if (done >= job->max_objs || t1 >= deadline)
			break;
	}
	res->objs = done;
	res->ns = t1 - t0;
	res->cpu_ns = pb_cpu_ns() - c0;
	return 0;
dry:
	/* give back what this cycle holds, so the pool stays whole for the teardown check */
	for (unsigned int k = 0; k < off; k += bulk)
		put(pool, cache, objs + k, off - k < bulk ? off - k : bulk);
	return -ENOBUFS;
}

#endif /* XL_POOL_BENCH_BACKEND_H */
