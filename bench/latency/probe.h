/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file probe.h
 * @brief What a latency probe carries, how the client checks what comes back, and when an
 *        open-loop probe is due.
 *
 * A probe is one UDP datagram. Its payload starts with struct xl_probe_hdr and continues with a
 * byte pattern derived from the sequence number, so the client proves identity (run id, flow,
 * sequence), content (the pattern) and exact conservation (loss, duplicates, reordering) of every
 * echo. Servers echo the payload unchanged; they never parse it, so every field is in the
 * CLIENT's host byte order.
 *
 * Latency is taken from the intended send time in open-loop mode (coordinated omission: a probe
 * that could not be sent on time because the client or the server stalled still counts its full
 * delay, as in wrk2) and from the real send time in closed-loop ping-pong, where only one probe
 * is ever in flight and there is no schedule to fall behind.
 *
 * Thread-safety: a tracker belongs to one thread. Hot path: xl_probe_fill(), xl_probe_check()
 * and xl_tracker_rx() neither allocate, lock nor make system calls.
 */
#ifndef XL_BENCH_PROBE_H
#define XL_BENCH_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handler.h" /* struct xl_ts_trailer: what xlane's "echo-ts" handler fills in */

#define XL_PROBE_MAGIC	  0x584c4c42u /* "XLLB" */
#define XL_PROBE_F_WARMUP 0x1u	      /**< sent during warm-up: checked, not measured */
#define XL_PROBE_F_STAMP  0x2u	      /**< ends with a struct xl_ts_trailer for the server */

/** The head of every probe payload (client host byte order, echoed untouched). */
struct xl_probe_hdr {
	uint32_t magic;	 /**< XL_PROBE_MAGIC */
	uint32_t run_id; /**< random per measurement: stale echoes of older runs are rejected */
	uint16_t flow;	 /**< flow index (one UDP source port each) */
	uint16_t flags;	 /**< XL_PROBE_F_* */
	uint32_t pad;	 /**< zero */
	uint64_t seq;	 /**< per-flow sequence number, from 0 */
	uint64_t intended_ns; /**< CLOCK_MONOTONIC time the schedule wanted it sent */
	uint64_t tx_ns;	      /**< CLOCK_MONOTONIC time it was really handed to the kernel */
};
_Static_assert(sizeof(struct xl_probe_hdr) == 40, "probe header layout");

#define XL_PROBE_MIN_SIZE ((unsigned int)sizeof(struct xl_probe_hdr))
#define XL_PROBE_MAX_SIZE 1452u /* IPv6 without fragmentation on a 1500-byte MTU */
/** The smallest probe that carries a timestamp trailer (XL_PROBE_F_STAMP). */
#define XL_PROBE_STAMP_MIN_SIZE \
	((unsigned int)(sizeof(struct xl_probe_hdr) + sizeof(struct xl_ts_trailer)))

/**
 * @brief **xl_probe_fill()** writes a whole probe payload of @p size bytes into @p buf. With
 * XL_PROBE_F_STAMP in @p flags (and @p size >= XL_PROBE_STAMP_MIN_SIZE) the last bytes are an
 * empty struct xl_ts_trailer (magic, zeros) instead of pattern.
 */
void xl_probe_fill(void *buf, unsigned int size, uint32_t run_id, uint16_t flow, uint64_t seq,
		   uint64_t intended_ns, uint64_t tx_ns, uint16_t flags);

enum xl_probe_verdict {
	XL_PROBE_OK = 0,  /**< intact probe of this run */
	XL_PROBE_FOREIGN, /**< not ours (bad magic or size) */
	XL_PROBE_STALE,	  /**< ours but of another run */
	XL_PROBE_CORRUPT, /**< header fine, pattern damaged */
	XL_PROBE_VERDICT_MAX,
};

/**
 * @brief **xl_probe_check()** validates an echoed payload of @p len bytes. A stamped probe's
 * trailer is the server's to fill: only its magic is checked.
 */
enum xl_probe_verdict xl_probe_check(const void *buf, size_t len, unsigned int size,
				     uint32_t run_id);

/**
 * @brief **xl_probe_trailer()** copies the timestamp trailer of a checked probe into @p t.
 * @return true when the probe was sent with XL_PROBE_F_STAMP and carries a trailer
 */
bool xl_probe_trailer(const void *buf, size_t len, struct xl_ts_trailer *t);

/** Open-loop schedule: probe i is due at t0 + i * 1e9 / rate. */
struct xl_sched {
	uint64_t t0_ns;	   /**< start time */
	uint64_t rate_pps; /**< probes per second, > 0 */
};

/** @brief **xl_sched_due()** is the intended send time of probe @p i. */
static inline uint64_t xl_sched_due(const struct xl_sched *s, uint64_t i)
{
	return s->t0_ns + (uint64_t)((unsigned __int128)i * 1000000000u / s->rate_pps);
}

/**
 * @brief **xl_probe_latency()** is the latency charged to an echo received at @p rx_ns.
 * @param open_loop true: measured from the intended send time (coordinated omission corrected);
 *                  false: from the real send time.
 * @return nanoseconds (0 if the clock went backwards, which CLOCK_MONOTONIC does not).
 */
static inline uint64_t xl_probe_latency(const struct xl_probe_hdr *p, uint64_t rx_ns,
					bool open_loop)
{
	uint64_t from = open_loop ? p->intended_ns : p->tx_ns;

	return rx_ns > from ? rx_ns - from : 0;
}

/** Per-flow receive bookkeeping: one bit per sequence number. */
struct xl_tracker {
	uint64_t max_seq;   /**< sequence numbers at or above are rejected (out of range) */
	uint64_t *seen;	    /**< bitmap of max_seq bits */
	uint64_t next_seq;  /**< highest sequence received + 1 */
	uint64_t received;  /**< unique probes received */
	uint64_t dups;	    /**< probes received more than once */
	uint64_t reordered; /**< probes that arrived after a higher sequence number */
	uint64_t invalid;   /**< out-of-range sequence numbers */
};

/**
 * @brief **xl_tracker_init()** sizes a tracker for sequence numbers 0 .. @p max_seq - 1.
 * @return 0, or -ENOMEM / -EINVAL.
 */
int xl_tracker_init(struct xl_tracker *t, uint64_t max_seq);

/** @brief **xl_tracker_fini()** frees the bitmap. */
void xl_tracker_fini(struct xl_tracker *t);

/** @brief **xl_tracker_reset()** forgets everything received, keeping the bitmap. */
void xl_tracker_reset(struct xl_tracker *t);

enum xl_rx_class {
	XL_RX_FIRST = 0, /**< first copy, in order */
	XL_RX_REORDERED, /**< first copy, but a later sequence number came before it */
	XL_RX_DUP,	 /**< seen before */
	XL_RX_INVALID,	 /**< sequence out of range */
};

/** @brief **xl_tracker_rx()** records the arrival of @p seq and classifies it. */
enum xl_rx_class xl_tracker_rx(struct xl_tracker *t, uint64_t seq);

#endif /* XL_BENCH_PROBE_H */
