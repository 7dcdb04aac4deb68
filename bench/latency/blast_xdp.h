/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The XDP engine of lat_blast (--xdp IFACE): xl_blast (xdp_prog/blast.bpf.c) run by
 * BPF_PROG_TEST_RUN in live-frames mode, which redirects copies of one datagram out of IFACE. On
 * veth the peer receives them as xdp_frames, as from a NIC's receive ring, with no skb built
 * on the sending side or converted back on the receiving one: the receive path under test pays
 * what it would pay behind a NIC, and the generator sends several times what --xsk can.
 */
#ifndef XLANE_BENCH_BLAST_XDP_H
#define XLANE_BENCH_BLAST_XDP_H

#include <stddef.h>
#include <stdint.h>

#include "blast_frame.h"

struct blast_xdp_cfg {
	const char *ifname;	   /* the sending interface */
	struct blast_frame_cfg dg; /* the datagrams */
	uint64_t count;		   /* datagrams at most */
	uint64_t duration_ns;	   /* and for at most this long */
	uint64_t rate;		   /* datagrams/s, paced per datagram; 0: as fast as it can */
};

struct blast_xdp_result {
	uint64_t sent;	 /* redirected to the interface (a full receive ring drops some of them
			 * there: the receiver's loss) */
	uint64_t runs;	 /* BPF_PROG_TEST_RUN calls */
	uint64_t frames; /* frames the program ran on: sent, or dropped past --count (or after a
			  * wait too long for bpf_loop) */
	double seconds;	 /* from the first run to the end of the last */
};

/*
 * Sends as configured. Returns 0, or -errno with a message naming the problem in @err (no such
 * interface, the program does not load, the kernel has no live-frames test runs).
 */
int blast_xdp_run(const struct blast_xdp_cfg *cfg, struct blast_xdp_result *res, char *err,
		  size_t errlen);

#endif /* XLANE_BENCH_BLAST_XDP_H */
