/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file daemon.h
 * @brief Run the fast lane on one interface: attach, serve, drain, detach.
 *
 * **Model.** xl_daemon_run() loads the steering program, attaches it to the interface through a
 * bpf_link (so a killed process leaves nothing attached), pins its maps under
 * /sys/fs/bpf/xlane/<ifname>/ (see control.h), carves one UMEM out of one xl_pool placed on the
 * NIC's NUMA node, binds one AF_XDP socket per configured RX queue (all sharing that UMEM, each
 * with its own fill and completion ring), starts one pinned worker thread per queue, and then
 * serves until *stop becomes non-zero (a signal handler sets it). Then it stops the workers,
 * removes the sockets from the XSKMAP, detaches the program, drains every frame back into the
 * pool, unpins and frees everything.
 *
 * **Errors.** It returns 0 or -errno, and writes one line naming the problem into
 * xl_run_config.errbuf: "no such interface", "not permitted", "another XDP program ... is
 * attached", "not enough locked memory", "not enough hugepages", "queue N out of range",
 * "interface went away", "ntuple filters are unsupported on IF". Nothing is printed.
 *
 * **Thread safety.** One call per interface at a time (a second one gets -EBUSY: the pins
 * exist). The config is read at start only.
 */
#ifndef XLANE_DAEMON_H
#define XLANE_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlane/common.h>

#include "control.h"
#include "handler.h"

#ifdef __cplusplus
extern "C" {
#endif

/** XDP attach mode asked for. */
enum xl_xdp_mode {
	XL_XDP_AUTO = 0, /**< native; if the driver refuses, generic, reported (attach_fallback) */
	XL_XDP_NATIVE,	 /**< native only */
	XL_XDP_GENERIC,	 /**< generic (skb) mode */
};

struct xl_run_info;

/**
 * The configuration of one instance. Zero-initialise it, set ifname (required) and whatever
 * else differs from the defaults: every field's 0 / NULL is its default.
 */
struct xl_run_config {
	const char *ifname;	    /**< required: the interface */
	const unsigned int *queues; /**< RX queues to serve; NULL/n_queues 0: all of them */
	unsigned int n_queues;	    /**< entries in queues */
	const char *handler;	    /**< built-in handler name; NULL: "echo" */
	const struct xl_handler *custom_handler; /**< a caller's handler; overrides handler */
	const char *fwd_ifname; /**< second interface for XL_VERDICT_FWD (handler "fwd"); it
				       *  needs at least as many queues as served queues */
	bool busy_poll;		/**< SO_PREFER_BUSY_POLL + SO_BUSY_POLL + budget; workers spin */
	unsigned int busy_poll_usec;	  /**< SO_BUSY_POLL; default 20 */
	unsigned int busy_poll_budget;	  /**< SO_BUSY_POLL_BUDGET; default 64 */
	unsigned int busy_poll_idle_us;	  /**< with busy_poll: a worker that found nothing for this
				       *  long sleeps in poll() until its next frame; 0: it never
				       *  sleeps; -EINVAL without busy_poll */
	const int *cpus;		  /**< CPUs for the workers, used round-robin; NULL: the NIC
				       *  node's CPUs (all CPUs when the NIC has no node) */
	unsigned int n_cpus;		  /**< entries in cpus */
	uint64_t hot_threshold_pps;	  /**< hot-flow threshold; 0: keep the program's default */
	bool hot_disable;		  /**< turn hot-flow detection off */
	unsigned int hot_idle_ms;	  /**< demote hot flows idle this long; default 5000 */
	unsigned int rx_size;		  /**< RX ring entries (power of two); default 2048 */
	unsigned int tx_size;		  /**< TX ring entries; default 2048 */
	unsigned int fill_size;		  /**< fill ring entries; default 2 * rx_size */
	unsigned int comp_size;		  /**< completion ring entries; default tx_size */
	unsigned int frame_size;	  /**< 2048 or 4096; default 4096 */
	unsigned int n_frames;		  /**< UMEM frames; default: per queue fill_size + tx_size
				       *  (twice with fwd_ifname) + 2 * batch_size: what can be out
				       *  of the pool at once (RX ring frames come from the fill ring) */
	enum xl_xdp_mode xdp_mode;	  /**< default XL_XDP_AUTO */
	enum xl_bind_mode bind_mode;	  /**< default XL_BIND_AUTO (zero-copy, then copy) */
	const struct xl_rule_spec *rules; /**< rules installed before serving */
	unsigned int n_rules;		  /**< entries in rules */
	unsigned int stats_interval_ms;	  /**< refresh of XDP_STATISTICS and frame locations;
					  *  default 1000 */
	unsigned int batch_size;	  /**< RX burst per loop; default 64, max 256 */
	bool hugepages;			  /**< require 2 MiB hugepages for the UMEM (else: auto) */
	bool ntuple;		   /**< pin every XL_RULE_EXACT / XL_RULE_PORT rule of rules to
				       *  ntuple_queue with ethtool ntuple filters (installed before
				       *  attach, removed at teardown; channel counts untouched);
				       *  -EOPNOTSUPP when the driver has none */
	unsigned int ntuple_queue; /**< with ntuple: the target queue, one of the served ones */
	bool rx_stamp;		   /**< load xl_steer_ts (native XDP only): every steered frame
				       *  carries struct xl_rx_meta, which workers hand to the handler
				       *  as xl_pkt.xdp_ns / rx_hw_ns / ts_src (steer.h "RX stamps") */
	/** Called once, from xl_daemon_run()'s thread, when serving has started. */
	void (*on_ready)(void *ctx, const struct xl_run_info *info);
	void *ctx;     /**< for on_ready */
	char *errbuf;  /**< receives a one-line error message; may be NULL */
	size_t errlen; /**< size of errbuf */
};

/** What was obtained, given to xl_run_config.on_ready. */
struct xl_run_info {
	const char *ifname;		/**< the interface */
	unsigned int ifindex;		/**< its index */
	unsigned int n_queues;		/**< sockets bound */
	const unsigned int *queues;	/**< their queue ids */
	const unsigned int *bind_modes; /**< enum xl_bind_mode obtained, per socket */
	const char *const
		*bind_notes; /**< per socket: why zero-copy was not obtained ("" if it was) */
	enum xl_attach_mode attach_mode;     /**< native or generic */
	enum xl_attach_method attach_method; /**< link or dispatcher */
	bool attach_fallback;		     /**< native failed; generic in use */
	bool rx_stamp;		   /**< xl_steer_ts is attached: steered frames carry RX stamps */
	const char *attach_note;   /**< why (empty when no fallback) */
	unsigned int n_frames;	   /**< UMEM frames */
	unsigned int frame_size;   /**< bytes per frame */
	bool umem_huge;		   /**< UMEM on 2 MiB hugepages */
	int nic_node;		   /**< NUMA node of the NIC, -1 if none */
	bool ntuple;		   /**< rules pinned with ethtool ntuple filters */
	unsigned int ntuple_queue; /**< their queue */
	unsigned int n_ntuple;	   /**< ntuple filters installed */
};

/**
 * @brief **xl_daemon_run()** runs the fast lane on cfg->ifname until *stop is non-zero.
 * @param cfg the configuration (read at start)
 * @param stop set by the caller (e.g. from a SIGINT/SIGTERM handler) to stop; polled every 100 ms
 * at most
 * @return 0 after a clean drain and detach, or -errno with cfg->errbuf naming the problem:
 * -ENODEV (no such interface / it went away), -EPERM (not permitted), -EEXIST (another XDP
 * program is attached), -EBUSY (xlane already runs there, or the queue stays busy), -ERANGE
 * (queue out of range), -ENOMEM (not enough locked memory or hugepages), -EINVAL (bad config),
 * -ENOENT (unknown handler), -EOPNOTSUPP (ntuple asked for, the driver has no ntuple filters)
 */
XL_API int xl_daemon_run(const struct xl_run_config *cfg, volatile sig_atomic_t *stop);

/**
 * @brief **xl_set_print()** installs a callback for debug detail of the library and of libbpf
 * (forwarded). NULL silences them (the default for xlane's own messages). Not thread-safe: call
 * before xl_daemon_run().
 */
XL_API void xl_set_print(void (*fn)(int level, const char *msg));

#ifdef __cplusplus
}
#endif

#endif /* XLANE_DAEMON_H */
