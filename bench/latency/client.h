/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file client.h
 * @brief The load generator's measurement engines: closed-loop ping-pong and open-loop constant
 *        rate, over one connected UDP socket per flow.
 *
 * Each engine call is one measurement: it picks a fresh run id, sends probes until its probe
 * count or its duration is reached (whichever first; both are always bounded), waits a bounded
 * drain time for late echoes and fills a struct lat_result. Allocation happens before the first
 * probe; the send/receive loops make only the send/receive system calls.
 */
#ifndef XL_BENCH_LAT_CLIENT_H
#define XL_BENCH_LAT_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "hist.h"
#include "probe.h"

enum lat_wait {
	LAT_WAIT_SPIN = 0, /**< non-blocking receive in a loop */
	LAT_WAIT_BLOCK,	   /**< blocking receive (the thread sleeps until the echo) */
};

#define LAT_MAX_FLOWS 64
#define LAT_NSEG      3 /**< round-trip segments of a stamped echo */
#define LAT_NSRC      3 /**< XL_TS_SRC_NONE, _KTIME, _RX_META */

/** Segment names, in lat_result.seg order: "client_to_xdp", "xdp_to_worker", "worker_to_client". */
extern const char *const lat_seg_names[LAT_NSEG];
/** Source names by XL_TS_SRC_*: "none", "ktime", "rx_meta". */
extern const char *const lat_src_names[LAT_NSRC];

struct lat_socks {
	unsigned int n;		       /**< flows */
	int fd[LAT_MAX_FLOWS];	       /**< connected UDP sockets, one source port each */
	uint16_t sport[LAT_MAX_FLOWS]; /**< their source ports (host order) */
};

/** What one measurement asks for. */
struct lat_run_cfg {
	bool open_loop;	      /**< true: constant rate; false: ping-pong */
	enum lat_wait wait;   /**< ping-pong only */
	unsigned int size;    /**< UDP payload bytes */
	uint64_t rate_pps;    /**< open loop only */
	uint64_t count;	      /**< probe bound */
	uint64_t duration_ns; /**< time bound for sending */
	uint64_t timeout_ns;  /**< ping-pong: give up on one probe after this */
	uint64_t drain_ns;    /**< wait this long at most for late echoes at the end */
	bool warmup;	      /**< probes are flagged warm-up and not recorded */
	bool stamp; /**< probes carry a timestamp trailer (size >= XL_PROBE_STAMP_MIN_SIZE) */
	const char *progress; /**< label for the stderr progress line, NULL for none */
};

/** What one measurement found. */
struct lat_result {
	uint64_t sent;		/**< probes handed to the kernel */
	uint64_t received;	/**< unique intact echoes */
	uint64_t lost;		/**< sent - received */
	uint64_t dups;		/**< duplicate echoes */
	uint64_t reordered;	/**< echoes that arrived after a later sequence of their flow */
	uint64_t corrupt;	/**< echoes of this run whose pattern was damaged */
	uint64_t stale;		/**< echoes of an earlier run (late arrivals), ignored */
	uint64_t foreign;	/**< datagrams that were not probes */
	uint64_t timeouts;	/**< ping-pong probes given up on */
	uint64_t send_errors;	/**< send calls that failed (probe retried in open loop) */
	uint64_t refused;	/**< ICMP port-unreachable reports (nothing listening) */
	uint64_t max_lag_ns;	/**< open loop: worst lateness of a real send behind its schedule */
	uint64_t end_lag_ns;	/**< open loop: lateness of the last send */
	double elapsed_s;	/**< from the first send to the last send */
	double tx_pps;		/**< achieved send rate */
	double rx_pps;		/**< achieved echo rate */
	bool generator_limited; /**< open loop: stopped early or ended > 10 % of the run behind */
	struct xl_hist *hist;	/**< latency in ns of every measured echo (caller-owned) */
	/**
	 * With lat_run_cfg.stamp: the round trip of every stamped echo split at the server's
	 * stamps, client -> XDP, XDP -> worker, worker -> client (caller-owned; NULL: not kept).
	 */
	struct xl_hist *seg[LAT_NSEG];
	uint64_t stamped[LAT_NSRC]; /**< measured echoes by trailer source (XL_TS_SRC_*) */
	uint64_t stamp_skew;	    /**< stamped echoes whose stamps were out of order: skipped */
	/** sum of the round trips that were split (ns): over seg[0]'s count, the mean the three
	 *  segment means add up to (the round trips of skipped echoes are not in it) */
	uint64_t split_rtt_sum_ns;
};

/** @brief **lat_now_ns()** CLOCK_MONOTONIC in ns. */
uint64_t lat_now_ns(void);

/**
 * @brief **lat_socks_open()** opens @p flows connected UDP sockets towards @p dst.
 * @return 0 or -errno; on failure nothing stays open.
 */
int lat_socks_open(struct lat_socks *s, unsigned int flows, const struct sockaddr *dst,
		   socklen_t dst_len);

/** @brief **lat_socks_close()** closes them. */
void lat_socks_close(struct lat_socks *s);

/**
 * @brief **lat_run()** performs one measurement (see the file comment).
 * @param res filled; res->hist must point at a histogram, which is reset first.
 * @return 0, or -errno (ENOMEM, EINVAL for a bad configuration).
 */
int lat_run(const struct lat_socks *s, const struct lat_run_cfg *cfg, struct lat_result *res);

#endif /* XL_BENCH_LAT_CLIENT_H */
