/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file harness.h
 * @brief Test harness for xl_steer under BPF_PROG_TEST_RUN: loads the skeleton, writes config and
 * rules, runs one frame (or one frame repeated), and reads the per-CPU counters summed over CPUs.
 *
 * xl_harness_open() pins the calling thread to one CPU so that every run hits the same per-CPU
 * detector state and counters. No interface is needed: under PROG_TEST_RUN the RX queue has no
 * AF_XDP socket, so a steering decision returns XDP_PASS and counts a fallback (steer.h).
 * PROG_TEST_RUN rejects frames shorter than 14 bytes (ETH_HLEN) or longer than a page minus
 * XDP headroom: xl_harness_run() returns -EINVAL for them, as the kernel does.
 * Functions return 0 or -errno. Not thread-safe: one harness per test process.
 */
#ifndef XL_TESTS_HARNESS_H
#define XL_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "steer.h"

struct xl_harness;

/**
 * @brief Load xl_steer (fresh maps) and pin the thread to the CPU it runs on.
 * @return harness, or NULL with errno set. xl_harness_skip_reason() explains a failure that
 * means "this machine cannot run BPF tests" (not root, no BPF).
 */
struct xl_harness *xl_harness_open(void);
/** @brief Unload and free; accepts NULL. */
void xl_harness_close(struct xl_harness *h);
/**
 * @brief Why BPF tests cannot run here, or NULL if they can (root, and the kernel loads XDP).
 * Cached after the first call.
 */
const char *xl_harness_skip_reason(void);

/** @brief Write the xl_cfg entry. */
int xl_harness_set_cfg(struct xl_harness *h, const struct xl_cfg *cfg);
/** @brief Read the xl_cfg entry. */
int xl_harness_get_cfg(struct xl_harness *h, struct xl_cfg *cfg);

/**
 * @brief Run the program once per @p repeat on @p frame (repeat 0 counts as 1).
 * @param retval XDP action of the last run (may be NULL).
 * @param ns_per_run average duration per run as measured by the kernel (may be NULL).
 * @return 0, or -errno (-EINVAL for frames PROG_TEST_RUN rejects). Fails with -EIO if the
 * program changed the frame (xl_steer never writes packets).
 */
int xl_harness_run(struct xl_harness *h, const void *frame, size_t len, uint32_t repeat,
		   uint32_t *retval, uint32_t *ns_per_run);

/** What one frame did, derived from the counters (steer.h: exactly one moves per frame). */
enum xl_outcome_kind {
	XL_OUT_STEERED = 1, /**< steered[code], code = enum xl_steer_via */
	XL_OUT_PASSED,	    /**< passed[code], code = enum xl_pass_reason */
	XL_OUT_FALLBACK,    /**< fallbacks; code = -1 */
};

struct xl_outcome {
	uint32_t retval;     /**< XDP action returned */
	int kind;	     /**< enum xl_outcome_kind */
	int code;	     /**< see kind */
	uint32_t promotions; /**< hot_promotions delta */
};

/**
 * @brief Run one frame and report its outcome from the counter delta.
 * @return 0, -errno from xl_harness_run(), or -EPROTO if the delta breaks the steer.h invariant
 * (seen + 1 and exactly one of steered/passed/fallbacks + 1, nothing else but hot_promotions).
 */
int xl_harness_classify(struct xl_harness *h, const void *frame, size_t len,
			struct xl_outcome *out);
/**
 * @brief xl_harness_frame() for @p k with @p payload bytes (the frame must fit 256 bytes), then
 * xl_harness_classify() on it. @return as xl_harness_classify(), or -ENOSPC.
 */
int xl_harness_send_flow(struct xl_harness *h, const struct xl_flow_key *k, size_t payload,
			 struct xl_outcome *out);

/** @brief Sum xl_stats over all CPUs. */
int xl_harness_stats(struct xl_harness *h, struct xl_stats *sum);
/** @brief Sum xl_hits[id] over all CPUs. */
int xl_harness_hits(struct xl_harness *h, uint32_t id, uint64_t *sum);

/** @brief Add or replace a rule; these do not touch xl_cfg flags (use xl_harness_set_cfg). */
int xl_harness_add_exact(struct xl_harness *h, const struct xl_flow_key *k,
			 const struct xl_rule *r);
int xl_harness_add_port(struct xl_harness *h, const struct xl_port_key *k, const struct xl_rule *r);
int xl_harness_add_pfx4(struct xl_harness *h, const struct xl_pfx4_key *k, const struct xl_rule *r);
int xl_harness_add_pfx6(struct xl_harness *h, const struct xl_pfx6_key *k, const struct xl_rule *r);
/** @brief Delete a rule by key from the map named by XL_MAP_* (-ENOENT if absent). Adds and
 * deletes increment xl_rgen, as every rule writer must (steer.h "Flow cache"). */
int xl_harness_del(struct xl_harness *h, const char *map_name, const void *key);

/** @brief Look a flow up in xl_hot (-ENOENT if not hot). */
int xl_harness_hot_get(struct xl_harness *h, const struct xl_flow_key *k, struct xl_hot_val *v);
/** @brief Delete a flow from xl_hot (demotion, as user space does it). */
int xl_harness_hot_del(struct xl_harness *h, const struct xl_flow_key *k);
/**
 * @brief Demote every hot flow idle for at least idle_ns at time now (the user-space demotion
 * rule of steer.h). @return number demoted or -errno.
 */
int xl_harness_hot_demote_idle(struct xl_harness *h, uint64_t now, uint64_t idle_ns);
/** @brief Number of entries in xl_hot, or -errno. */
int xl_harness_hot_count(struct xl_harness *h);

/**
 * @brief Give RX queue 0 a real AF_XDP socket so steering decisions return XDP_REDIRECT and count
 * in steered[] instead of fallbacks. Moves the calling process into a new, private network
 * namespace (unshare(CLONE_NEWNET): Criterion runs each test in its own child) and binds a
 * copy-mode socket to that namespace's loopback, queue 0; nothing outside the process changes.
 * @return 0 or -errno (callers skip the test with the reason).
 */
int xl_harness_xsk_attach(struct xl_harness *h);
/** @brief Remove the queue 0 socket from xl_xsks (the socket stays open). */
int xl_harness_xsk_detach(struct xl_harness *h);

/** @brief File descriptor of a map by name (XL_MAP_*), or -ENOENT. */
int xl_harness_map_fd(struct xl_harness *h, const char *map_name);
/** @brief Program fd of xl_steer. */
int xl_harness_prog_fd(struct xl_harness *h);
/** @brief Number of possible CPUs (per-CPU value arrays have this many slots). */
int xl_harness_ncpus(void);
/** @brief 1 when XL_UNDER_VALGRIND is set (tests shrink their counts). */
int xl_harness_under_valgrind(void);

/**
 * @brief Write a well-formed Ethernet + IPv4/IPv6 + UDP/TCP frame for @p k (saddr/daddr/ports/
 * proto/family) with @p payload bytes of payload into buf. @return frame length, or -ENOSPC.
 */
int xl_harness_frame(const struct xl_flow_key *k, size_t payload, uint8_t *buf, size_t cap);

/** @brief A flow key from host-order IPv4 addresses and ports. */
struct xl_flow_key xl_harness_key4(uint8_t proto, uint32_t saddr, uint32_t daddr, uint16_t sport,
				   uint16_t dport);
/** @brief A flow key for IPv6 2001:2::<s> -> 2001:2::<d> (host-order low 32 bits). */
struct xl_flow_key xl_harness_key6(uint8_t proto, uint32_t s, uint32_t d, uint16_t sport,
				   uint16_t dport);

#endif /* XL_TESTS_HARNESS_H */
