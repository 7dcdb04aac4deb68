/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file control.h
 * @brief Reaching a running xlane instance from another process: rules, hot set, statistics,
 * detach.
 *
 * **Model.** A running instance (xl_daemon_run()) publishes everything under its interface's
 * bpffs directory, /sys/fs/bpf/xlane/<ifname>/ (directory 0700, every pin 0600, so only root /
 * the owner reaches it):
 *  - the steering program's maps, pinned under their steer.h names (rules, hot set, config,
 *    per-CPU counters, XSKMAP);
 *  - @c xl_link: the bpf_link that keeps the program attached (unpinning + closing it detaches);
 *  - @c xl_dstats: the daemon's statistics, a BPF_F_MMAPABLE array map (entry 0: interface-wide
 *    header and control knobs; entry 1 + i: queue slot i). Workers write their counters straight
 *    into it (single writer per slot, plain 64-bit stores), the daemon's control loop adds the
 *    XDP_STATISTICS getsockopt values and the frame locations every stats interval
 *    (xl_run_config.stats_interval_ms). Readers mmap it read-only.
 * No control socket and no daemon round trip: a reader never slows the data path down.
 *
 * **Thread safety.** A struct xl_control is used by one thread at a time. Map updates are atomic
 * per rule. Nothing here is on a packet path.
 *
 * **Errors.** int functions return 0 (or a count) or -errno and set errno; xl_control_open()
 * returns -ENOENT when no instance runs on the interface (no pins), -EACCES when not permitted.
 * Nothing here prints.
 */
#ifndef XLANE_CONTROL_H
#define XLANE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xlane/common.h>

#include "steer.h" /* XL_PIN_ROOT, XL_MAX_QUEUES, enum xl_rule_action, map names */

#ifdef __cplusplus
extern "C" {
#endif

/* Every instance pins its objects in XL_PIN_ROOT "/" ifname "/" (steer.h, XL_PIN_DIR_FMT). */
/** The daemon statistics map's pin name. */
#define XL_PIN_DSTATS "xl_dstats"
/** The bpf_link pin name. */
#define XL_PIN_LINK "xl_link"
/** Most steering-program counters in a snapshot. */
#define XL_STEER_MAX_COUNTERS 64

struct xl_control;

/**
 * Rule kinds; precedence (xdp_prog/steer.h): exact 5-tuple, then port + daddr, then port, then
 * prefix, then the hot set.
 */
enum xl_rule_kind {
	XL_RULE_EXACT = 1, /**< protocol + both addresses + both ports */
	XL_RULE_PORT,	   /**< protocol + destination port, optionally + destination address */
	XL_RULE_PREFIX,	   /**< destination prefix (LPM), any protocol */
	XL_RULE_KIND_MAX,
};

/**
 * One steering rule in a form independent of the map layouts (control.c converts it to the
 * steer.h keys and values). Addresses are in network byte order; an IPv4 address uses the
 * first 4 bytes. Ports are in HOST byte order.
 */
struct xl_rule_spec {
	uint32_t id;	    /**< rule id, 0..XL_RULE_ID_MAX-1, unique across kinds; chosen by
				  *  the caller; its xl_hits counter */
	uint8_t kind;	    /**< enum xl_rule_kind */
	uint8_t action;	    /**< enum xl_rule_action (steer.h): XL_ACT_FAST or XL_ACT_PASS */
	uint8_t family;	    /**< AF_INET or AF_INET6; AF_UNSPEC (both) for XL_RULE_PORT
				  *  without has_daddr (listed back as AF_UNSPEC) */
	uint8_t proto;	    /**< IPPROTO_UDP or IPPROTO_TCP (0 for XL_RULE_PREFIX) */
	uint8_t prefix_len; /**< XL_RULE_PREFIX: 0..32 or 0..128 */
	uint8_t has_daddr;  /**< XL_RULE_PORT: 1 when daddr restricts the rule */
	uint16_t pad;	    /**< zero */
	uint8_t saddr[16];  /**< XL_RULE_EXACT: source address, network order */
	uint8_t daddr[16];  /**< destination address / prefix, network order */
	uint16_t sport;	    /**< XL_RULE_EXACT: source port, host order */
	uint16_t dport;	    /**< XL_RULE_EXACT and XL_RULE_PORT: destination port, host order */
	uint32_t pad2;	    /**< zero */
	uint64_t hits;	    /**< output of xl_control_rule_list(): packets matched */
};

/** The hot-flow detector's settings. */
struct xl_hot_config {
	size_t sz;		/**< sizeof(struct xl_hot_config) */
	uint32_t enabled;	/**< 1: detection on; 0: off */
	uint32_t pad;		/**< zero */
	uint64_t threshold_pps; /**< a flow above this rate (packets/s) is promoted */
	uint32_t window_ms;	/**< rate measurement window (steering program) */
	uint32_t idle_ms;	/**< a hot flow idle this long is demoted (by the daemon) */
};

/** One flow in the hot set. Addresses network order, ports host order. */
struct xl_hot_flow {
	uint8_t family;	       /**< AF_INET or AF_INET6 */
	uint8_t proto;	       /**< IPPROTO_UDP or IPPROTO_TCP */
	uint16_t pad;	       /**< zero */
	uint16_t sport;	       /**< source port, host order */
	uint16_t dport;	       /**< destination port, host order */
	uint8_t saddr[16];     /**< network order */
	uint8_t daddr[16];     /**< network order */
	uint64_t last_seen_ns; /**< CLOCK_MONOTONIC (bpf_ktime_get_ns) of the last packet */
	uint64_t promoted_ns;  /**< when it became hot, CLOCK_MONOTONIC, 0 if unknown */
};

/** How the steering program is attached. */
enum xl_attach_mode {
	XL_ATTACH_NONE = 0, /**< not attached */
	XL_ATTACH_NATIVE,   /**< driver (native) XDP */
	XL_ATTACH_GENERIC,  /**< generic (skb) XDP: works anywhere, slower */
};

/** How the program is held on the interface. */
enum xl_attach_method {
	XL_METHOD_NONE = 0,
	XL_METHOD_LINK,	      /**< a bpf_link: detached automatically when the process dies */
	XL_METHOD_DISPATCHER, /**< libxdp's multi-program dispatcher (coexists with other programs) */
};

/** AF_XDP bind modes (asked for, and obtained). */
enum xl_bind_mode {
	XL_BIND_AUTO = 0, /**< ask: zero-copy, then copy on EOPNOTSUPP */
	XL_BIND_COPY,	  /**< copy mode */
	XL_BIND_ZEROCOPY, /**< zero-copy mode */
};

/** Counters of one queue's socket and worker. Frame counts are UMEM frames (packets). */
struct xl_queue_stats {
	uint32_t queue;		   /**< RX queue id */
	uint32_t bind_mode;	   /**< enum xl_bind_mode obtained (XDP_OPTIONS read back) */
	uint32_t need_wakeup;	   /**< 1 if the socket uses need_wakeup */
	int32_t cpu;		   /**< CPU the worker is pinned to, -1 if unpinned */
	uint64_t rx_packets;	   /**< frames taken from the RX ring */
	uint64_t rx_bytes;	   /**< their bytes */
	uint64_t tx_packets;	   /**< frames put on the TX ring (verdict TX) */
	uint64_t tx_bytes;	   /**< their bytes */
	uint64_t tx_completed;	   /**< frames reaped from the completion ring */
	uint64_t fwd_packets;	   /**< frames put on the forwarding socket's TX ring */
	uint64_t dropped;	   /**< frames the handler dropped */
	uint64_t pass_unsupported; /**< XL_VERDICT_PASS frames (dropped: see handler.h) */
	uint64_t tx_full_drops;	   /**< TX/FWD verdicts dropped because the TX ring was full */
	uint64_t fill_empty;	   /**< fill-ring-empty events: the worker found the fill ring empty
				     *  (kernel could not receive) or could not refill it from the pool */
	uint64_t pool_get_fails;   /**< refills that got fewer frames than asked */
	uint64_t wakeups;	   /**< kicks and waits issued (sendto, recvfrom, poll) */
	uint64_t batches;	   /**< non-empty RX bursts handled */
	uint64_t fill_submitted;   /**< frames put on the fill ring since start */
	/* XDP_STATISTICS, refreshed by the daemon each stats interval */
	uint64_t xdp_rx_dropped;       /**< dropped for other reasons */
	uint64_t xdp_rx_invalid_descs; /**< invalid RX descriptors */
	uint64_t xdp_tx_invalid_descs; /**< invalid TX descriptors */
	uint64_t xdp_rx_ring_full;     /**< RX ring full: packets dropped */
	uint64_t
		xdp_rx_fill_ring_empty_descs; /**< fill ring empty when the kernel needed a frame */
	uint64_t xdp_tx_ring_empty_descs;     /**< TX ring empty when the kernel looked */
	/* frame locations, refreshed by the daemon each stats interval */
	uint64_t frames_fill;	/**< frames in this queue's fill ring */
	uint64_t frames_rx;	/**< frames in the RX ring */
	uint64_t frames_worker; /**< frames held by the worker (mid-batch, normally 0 at rest) */
	uint64_t frames_tx;	/**< frames in the TX rings (own + forwarding) */
	uint64_t frames_comp;	/**< frames in the completion rings */
};

/** Everything `xlane stats` shows. Fill with xl_stats_read(). */
struct xl_stats_snapshot {
	size_t sz;		  /**< caller sets sizeof(struct xl_stats_snapshot) */
	char ifname[16];	  /**< the interface */
	uint32_t ifindex;	  /**< its index (in the daemon's network namespace) */
	int32_t pid;		  /**< the daemon's pid */
	uint64_t updated_ns;	  /**< CLOCK_REALTIME of the daemon's last refresh */
	uint64_t started_ns;	  /**< CLOCK_REALTIME of the start */
	uint32_t attach_mode;	  /**< enum xl_attach_mode obtained */
	uint32_t attach_method;	  /**< enum xl_attach_method */
	uint32_t attach_fallback; /**< 1 when native failed and generic was used instead */
	uint32_t n_queues;	  /**< valid entries in q[] */
	struct xl_queue_stats q[XL_MAX_QUEUES]; /**< per queue */
	/* UMEM frame locations: pool + fill + rx + worker + tx + comp + kernel == total */
	uint64_t frames_total;	/**< frames in the UMEM */
	uint64_t frames_pool;	/**< free in the pool (ring and worker caches) */
	uint64_t frames_fill;	/**< sum over queues */
	uint64_t frames_rx;	/**< sum over queues */
	uint64_t frames_worker; /**< sum over queues */
	uint64_t frames_tx;	/**< sum over queues */
	uint64_t frames_comp;	/**< sum over queues */
	uint64_t frames_kernel; /**< in flight inside the kernel (taken from fill or TX, not yet
				      *  on RX or completion); 0 at rest */
	uint64_t frames_sum;	/**< the sum of the eight above: must equal frames_total */
	/* pool sizing */
	uint32_t frame_size;	  /**< bytes per frame */
	uint32_t umem_huge;	  /**< 1 when the UMEM sits on 2 MiB hugepages */
	uint64_t umem_bytes;	  /**< bytes allocated for the UMEM */
	uint64_t pool_high_water; /**< most frames out of the pool at once */
	uint64_t hint_frames;	  /**< right-sizing hint: high water + 25% headroom, rounded up
				      *  to a multiple of 64 */
	uint64_t hint_bytes;	  /**< hint_frames * frame_size */
	int32_t umem_node;	  /**< NUMA node of the UMEM (-1: none) */
	int32_t nic_node;	  /**< NUMA node of the NIC (-1: none) */
	/* the steering program's per-CPU counters, summed over CPUs */
	uint32_t n_steer;		       /**< valid entries in steer[] */
	uint32_t pad;			       /**< zero */
	uint64_t steer[XL_STEER_MAX_COUNTERS]; /**< values; names from xl_steer_counter_name() */
	uint64_t hot_demotions;		       /**< flows the daemon demoted for idleness */
	uint64_t hot_flows;		       /**< flows in the hot set at the last refresh */
	uint32_t ntuple_filters;	       /**< ethtool ntuple filters the instance installed */
	int32_t ntuple_queue;	 /**< the RX queue they pin flows to; -1: none asked */
	uint32_t frames_settled; /**< 1: the frame locations were read while no worker moved a
				  *  frame, so frames_sum is exact; 0: every try of the refresh
				  *  met a worker at work (under load), frames_sum may be off by the
				  *  frames in motion */
	uint32_t pad2;		 /**< zero */
};

/**
 * @brief **xl_control_open()** attaches to the instance running on @p ifname (its pins).
 * @return 0 and *out set, or -ENOENT (nothing pinned for @p ifname: no instance), -EACCES/-EPERM
 * (not permitted), -EINVAL (bad name), -EPROTO (pins of an incompatible version)
 */
XL_API int xl_control_open(const char *ifname, struct xl_control **out);

/** @brief **xl_control_close()** releases @p ctl. Accepts NULL. */
XL_API void xl_control_close(struct xl_control *ctl);

/**
 * @brief **xl_control_rule_add()** adds or replaces (same match) a rule; takes effect at once.
 * @return 0, or -EINVAL (inconsistent spec), -ENOSPC (rule map full), -EEXIST (id in use by
 * another rule)
 */
XL_API int xl_control_rule_add(struct xl_control *ctl, const struct xl_rule_spec *rule);

/**
 * @brief **xl_control_rule_del()** deletes the rule with id @p id.
 * @return 0, or -ENOENT (no such rule)
 */
XL_API int xl_control_rule_del(struct xl_control *ctl, uint32_t id);

/**
 * @brief **xl_control_rule_list()** lists the rules with their hit counters.
 * @param out array of @p cap entries (may be NULL when @p cap is 0, to count)
 * @return the number of rules (may exceed @p cap: only @p cap were written), or -errno
 */
XL_API int xl_control_rule_list(struct xl_control *ctl, struct xl_rule_spec *out, unsigned int cap);

/** @brief **xl_control_hot_get()** reads the hot-flow settings. @return 0 or -errno */
XL_API int xl_control_hot_get(struct xl_control *ctl, struct xl_hot_config *cfg);

/**
 * @brief **xl_control_hot_set()** changes the hot-flow settings at run time (every field; read,
 * modify, write).
 * @return 0, or -EINVAL (threshold 0 with enabled, window 0)
 */
XL_API int xl_control_hot_set(struct xl_control *ctl, const struct xl_hot_config *cfg);

/**
 * @brief **xl_control_hot_list()** lists the flows in the hot set.
 * @return the number of flows (may exceed @p cap), or -errno
 */
XL_API int xl_control_hot_list(struct xl_control *ctl, struct xl_hot_flow *out, unsigned int cap);

/**
 * @brief **xl_stats_read()** takes a snapshot of every statistic.
 * @param snap filled up to snap->sz
 * @return 0, or -EINVAL (sz 0), -ENOENT (the instance went away)
 */
XL_API int xl_stats_read(struct xl_control *ctl, struct xl_stats_snapshot *snap);

/**
 * @brief **xl_steer_counter_name()** names entry @p i of xl_stats_snapshot.steer[]
 * (e.g. "seen", "steered_rule_port", "pass_not_ip").
 * @return a static string, or NULL past the last counter
 */
XL_API const char *xl_steer_counter_name(unsigned int i);

/** @brief **xl_bind_mode_name()**: "auto", "copy", "zerocopy". Never NULL. */
XL_API const char *xl_bind_mode_name(unsigned int mode);

/** @brief **xl_attach_mode_name()**: "none", "native", "generic". Never NULL. */
XL_API const char *xl_attach_mode_name(unsigned int mode);

/**
 * @brief **xl_detach_iface()** removes what xlane left on @p ifname: its XDP program (only when
 * it is xlane's, recognised by program name; never another program) and its pins.
 * @return 1 when something was removed, 0 when nothing of xlane's was there, or -ENODEV (no
 * such interface), -EPERM, -EBUSY (a live xlane daemon still holds the interface: stop it)
 */
XL_API int xl_detach_iface(const char *ifname);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_CONTROL_H */
