/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The AF_XDP engine of lat_blast (--xsk IFACE): UDP datagrams built once into UMEM frames of an
 * xl_pool, sent from a TX-only AF_XDP socket, recycled through the completion ring. It skips the
 * sender's UDP/IP stack, so the generator stops being the limit of the receive-only comparison.
 */
#ifndef XLANE_BENCH_BLAST_XSK_H
#define XLANE_BENCH_BLAST_XSK_H

#include <stdint.h>

#include "blast_frame.h"

struct blast_xsk_cfg {
	const char *ifname;	   /* the sending interface */
	unsigned int queue;	   /* its TX queue (the socket binds there) */
	struct blast_frame_cfg dg; /* the datagrams */
	unsigned int batch;	   /* descriptors per TX ring submit */
	uint64_t count;		   /* datagrams at most */
	uint64_t duration_ns;	   /* and for at most this long */
	uint64_t rate;		   /* datagrams/s, paced per batch; 0: as fast as it can */
};

struct blast_xsk_result {
	uint64_t sent;	    /* the kernel completed them (handed to the device) */
	uint64_t submitted; /* put on the TX ring */
	uint64_t kicks;	    /* sendto() wakeups */
	uint64_t
		kick_errors; /* of which failed other than EAGAIN (the kernel asks to kick again) */
	uint64_t device_drops; /* of which EBUSY: in copy mode the device dropped exactly one frame
				* (veth: the receiver's ring was full); it was completed, so it
				* counts in sent, as a datagram the receiver lost */
	uint64_t tx_invalid;   /* XDP_STATISTICS tx_invalid_descs */
	double seconds;	       /* from the first submit to the last completion counted */
	const char *bind_mode; /* "zerocopy" or "copy", as read back */
	char note[256];	       /* why zero-copy was not obtained, "" if it was */
};

/*
 * Sends as configured. Returns 0, or -errno with a message naming the problem in @err (no such
 * interface, no MAC, locked memory, bind failure).
 */
int blast_xsk_run(const struct blast_xsk_cfg *cfg, struct blast_xsk_result *res, char *err,
		  size_t errlen);

#endif /* XLANE_BENCH_BLAST_XSK_H */
