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
	XL_VERDICT_TX,       /**< transmit on the receiving interface and queue */
	XL_VERDICT_FWD,      /**< transmit on xl_run_config.fwd_ifname */
	XL_VERDICT_PASS,     /**< to the kernel stack: unsupported on AF_XDP, counted and dropped */
	XL_VERDICT_MAX,
};

/** One received frame, as the handler sees it. */
struct xl_pkt {
	uint8_t *data;    /**< first byte of the Ethernet header, inside the UMEM frame */
	uint32_t len;     /**< frame length in bytes; the handler may change it (1..room) */
	uint32_t room;    /**< the largest len the frame can hold */
	uint16_t queue;   /**< RX queue the frame arrived on */
	uint8_t verdict;  /**< enum xl_verdict, set by the handler; starts as XL_VERDICT_DROP */
	uint8_t pad;      /**< zero */
	uint32_t pad2;    /**< zero */
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
 * @return the handler (static storage), or NULL with errno ENOENT for an unknown name
 */
XL_API const struct xl_handler *xl_handler_builtin(const char *name);

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
