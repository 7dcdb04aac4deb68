/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file handler.h
 * @brief The batch packet handler API of the xlane data path.
 *
 * **Model.** A worker owns one AF_XDP socket (one RX queue). Each loop it takes a burst of
 * received frames from the RX ring and hands them to the handler as an array of struct xl_pkt.
 * The handler looks at (and may rewrite, in place) each frame and sets its verdict:
 *  - XL_VERDICT_TX: send the frame back out of the interface it came in on (same queue),
 *  - XL_VERDICT_FWD: send it out of the second interface (xl_run_config.fwd_ifname),
 *  - XL_VERDICT_DROP: give the frame back to the pool (the default: verdict starts at DROP),
 *  - XL_VERDICT_PASS: hand it to the kernel stack. AF_XDP has no re-injection path into the
 *    stack of the receiving interface, so on this data path PASS is counted in
 *    xl_queue_stats.pass_unsupported and the frame is dropped; use a steering rule with the
 *    kernel-pass action to keep such traffic out of the fast lane in the first place.
 *
 * **Hot path contract.** batch() runs on the worker thread for every burst; it must not block,
 * allocate, take locks shared with other workers or make system calls. Frame data is UMEM memory:
 * valid only during the call. A frame may grow up to xl_pkt.room bytes.
 *
 * **Thread safety.** One handler instance (ctx) is shared by every worker; built-in handlers keep
 * no shared mutable state (counters live in per-queue statistics).
 */
#ifndef XLANE_HANDLER_H
#define XLANE_HANDLER_H

#include <stdint.h>
#include <xlane/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What happens to a frame after the handler. */
enum xl_verdict {
	XL_VERDICT_DROP = 0, /**< free the frame (the initial value) */
	XL_VERDICT_TX,	     /**< transmit on the receiving interface and queue */
	XL_VERDICT_FWD,	     /**< transmit on xl_run_config.fwd_ifname */
	XL_VERDICT_PASS,     /**< to the kernel stack: unsupported on AF_XDP, counted and dropped */
	XL_VERDICT_MAX,
};

/** One received frame, as the handler sees it. */
struct xl_pkt {
	uint8_t *data;	   /**< first byte of the Ethernet header, inside the UMEM frame */
	uint32_t len;	   /**< frame length in bytes; the handler may change it (1..room) */
	uint32_t room;	   /**< the largest len the frame can hold */
	uint16_t queue;	   /**< RX queue the frame arrived on */
	uint8_t verdict;   /**< enum xl_verdict, set by the handler; starts as XL_VERDICT_DROP */
	uint8_t ts_src;	   /**< RX stamp source (enum xl_ts_src of steer.h); 0: not stamped */
	uint32_t pad2;	   /**< zero */
	uint64_t xdp_ns;   /**< with RX stamps (xl_run_config.rx_stamp): CLOCK_MONOTONIC ns when
			    *  XDP steered the frame; else 0 */
	uint64_t rx_hw_ns; /**< with RX stamps: the device's RX timestamp (its clock), 0 if none */
};

/** A handler: a name and a batch callback. */
struct xl_handler {
	const char *name; /**< e.g. "echo" */
	/**
	 * Called on a worker thread with @p n (>= 1) packets; sets each packet's verdict.
	 * @p ctx is xl_handler.ctx.
	 */
	void (*batch)(void *ctx, struct xl_pkt *pkts, unsigned int n);
	void *ctx; /**< passed to batch() */
};

/**
 * @brief **xl_handler_builtin()** finds a built-in handler by name.
 *  - "echo": a UDP/TCP reflector for IPv4 and IPv6 (also behind one or two VLAN tags): swaps
 *    Ethernet addresses, IP addresses and L4 ports, verdict TX. Swapping leaves the IP and L4
 *    checksums valid (one's-complement sums are order-independent), so a frame that arrived with
 *    a full checksum leaves with one. Anything else (ARP, ICMP, truncated) is dropped.
 *  - "drop": every frame XL_VERDICT_DROP.
 *  - "count": every frame XL_VERDICT_DROP; exists so the per-queue counters are the product.
 *  - "fwd": every frame XL_VERDICT_FWD (unchanged) to the second interface.
 *  - "echo-ts": "echo", and for a UDP payload that ends with a struct xl_ts_trailer and a
 *    frame that carries RX stamps (xl_run_config.rx_stamp), fills the trailer in (see
 *    xl_handler_ts_fill()).
 * @return the handler (static storage), or NULL with errno ENOENT for an unknown name
 */
XL_API const struct xl_handler *xl_handler_builtin(const char *name);

/** struct xl_ts_trailer.magic: "XLTT". */
#define XL_TS_TRAILER_MAGIC 0x584c5454u

/**
 * The timestamp trailer: the last 32 bytes of a UDP payload whose sender wants the fast lane's
 * timestamps back. The sender writes magic and zeros; the "echo-ts" handler fills in the rest.
 * Host byte order and CLOCK_MONOTONIC: meaningful only when sender and server share a host
 * (network namespaces, the veth testbed), which is the case it exists for.
 */
struct xl_ts_trailer {
	uint32_t magic;	    /**< XL_TS_TRAILER_MAGIC */
	uint32_t src;	    /**< xl_pkt.ts_src (XL_TS_SRC_* of steer.h); 0: not stamped */
	uint64_t xdp_ns;    /**< xl_pkt.xdp_ns: when XDP steered the request */
	uint64_t worker_ns; /**< CLOCK_MONOTONIC when the worker took the request's burst */
	uint64_t rx_hw_ns;  /**< xl_pkt.rx_hw_ns: the device's RX stamp, 0 if none */
};

/**
 * @brief **xl_handler_ts_fill()** fills the struct xl_ts_trailer at the end of @p p's UDP
 * payload with @p p's RX stamps and @p worker_ns, updating the UDP checksum incrementally.
 * @return 1 when filled; 0 (frame untouched) when @p p carries no stamp, is not UDP, or its
 * payload does not end with a trailer (magic)
 */
XL_API int xl_handler_ts_fill(const struct xl_pkt *p, uint64_t worker_ns);

/**
 * @brief **xl_handler_echo_frame()** applies the echo rewrite to one frame (the "echo" handler's
 * per-packet step, public so tests and custom handlers can reuse it).
 * @return XL_VERDICT_TX when the frame was a UDP or TCP packet and was reflected, else
 * XL_VERDICT_DROP (frame left unchanged; also for @p data NULL)
 */
XL_API enum xl_verdict xl_handler_echo_frame(uint8_t *data, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_HANDLER_H */
